/* eslint-disable no-console */
// Times the lineage layout on random DAGs. From the plugin directory:
//   node --require @backstage/cli/config/nodeTransform.cjs bench/lineageLayout.bench.ts
import { performance } from 'node:perf_hooks';
import { layoutLineage } from '../src/lib/lineageLayout';
import { randomDag } from '../src/lib/randomDag';

const RUNS = 5;

layoutLineage(randomDag(300, 0)); // warm up the JIT
for (const size of [300, 1000]) {
  const times: number[] = [];
  for (let seed = 1; seed <= RUNS; seed++) {
    const graph = randomDag(size, seed);
    const started = performance.now();
    layoutLineage(graph);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${size} nodes: median ${times[RUNS >> 1].toFixed(1)} ms, ` +
      `min ${times[0].toFixed(1)} ms, max ${times[RUNS - 1].toFixed(1)} ms ` +
      `(${RUNS} random DAGs, ~${Math.round(
        randomDag(size, 1).edges.length,
      )} edges)`,
  );
}
