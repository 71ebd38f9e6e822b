/*
 * Lineage answers as the API gives them, on each database: the same synthetic
 * graph as lineage.bench.ts (50k pipelines, 100k datasets, 200k edges) written
 * into the store, loaded by LineageService from it, then queried; each answer
 * includes the owner and state of every node, read from the database.
 */
import { parseLineageKey } from '../src/lineage/lineageKeys';
import { LineageService } from '../src/lineage/LineageService';
import { emptyStoreWrites, StoreWrites } from '../src/store/StoreWrites';
import {
  BenchDatabaseKind,
  createBenchLogger,
  createRandom,
  createStore,
  formatSummary,
  summarize,
  verdict,
  withBenchDatabase,
} from './benchUtils';
import { generateGraph } from './lineage.bench';

const QUERIES = 1000;
const WRITE_BATCH = 20_000;

function graphWrites(graph: ReturnType<typeof generateGraph>): StoreWrites[] {
  const seenAt = new Date('2026-11-01T00:00:00Z');
  const batches: StoreWrites[] = [];
  let current = emptyStoreWrites();
  const pipelines = new Set<string>();
  const datasets = new Set<string>();
  const flushIfFull = () => {
    if (
      current.lineageEdges.length + current.pipelineEdges.length >=
      WRITE_BATCH
    ) {
      batches.push(current);
      current = emptyStoreWrites();
    }
  };
  const addNode = (key: string) => {
    const node = parseLineageKey(key)!;
    if (node.kind === 'pipeline' && !pipelines.has(node.id)) {
      pipelines.add(node.id);
      current.pipelines.push({
        id: node.id,
        source: 'bench',
        namespace: 'bench',
        name: node.id,
        owner: `group:default/team-${pipelines.size % 40}`,
        latestRunState: 'succeeded',
        latestRunAt: seenAt,
        seenAt,
      });
    } else if (node.kind === 'dataset' && !datasets.has(node.id)) {
      datasets.add(node.id);
      current.datasets.push({
        id: node.id,
        namespace: 'bench',
        name: node.id,
        seenAt,
      });
    }
    return node;
  };
  for (let i = 0; i < graph.from.length; i++) {
    const from = addNode(graph.key(graph.from[i]));
    const to = addNode(graph.key(graph.to[i]));
    if (from.kind === 'pipeline' && to.kind === 'pipeline') {
      current.pipelineEdges.push({
        upstreamId: from.id,
        downstreamId: to.id,
        seenAt,
      });
    } else if (from.kind === 'dataset' && to.kind === 'pipeline') {
      current.lineageEdges.push({
        pipelineId: to.id,
        datasetId: from.id,
        direction: 'input',
        seenAt,
      });
    } else if (from.kind === 'pipeline' && to.kind === 'dataset') {
      current.lineageEdges.push({
        pipelineId: from.id,
        datasetId: to.id,
        direction: 'output',
        seenAt,
      });
    }
    flushIfFull();
  }
  batches.push(current);
  return batches;
}

async function benchOn(
  kind: BenchDatabaseKind,
  graph: ReturnType<typeof generateGraph>,
) {
  await withBenchDatabase(kind, 'bench_lineage', async db => {
    const store = await createStore(db.knex);
    let started = performance.now();
    for (const writes of graphWrites(graph)) {
      await store.applyWrites(writes);
    }
    console.log(
      `\n-- ${db.label} --\nwrote the graph in ${(
        (performance.now() - started) /
        1000
      ).toFixed(1)} s`,
    );

    const lineage = LineageService.create({
      store,
      logger: createBenchLogger(),
    });
    const random = createRandom(7);
    // Roots among nodes that have lineage, as users open them.
    const roots = Array.from({ length: QUERIES }, () =>
      graph.key(graph.from[random.int(graph.from.length)]),
    );
    started = performance.now();
    await lineage.query({
      node: roots[0],
      direction: 'both',
      depth: 20,
      limit: 100,
    });
    console.log(
      `first query, loading the graph from the store: ${Math.round(
        performance.now() - started,
      )} ms`,
    );

    const timings: number[] = [];
    const sizes: number[] = [];
    for (const root of roots) {
      const queryStarted = performance.now();
      const answer = await lineage.query({
        node: root,
        direction: 'both',
        depth: 20,
        limit: 100,
      });
      timings.push(performance.now() - queryStarted);
      sizes.push(answer.nodes.length);
    }
    const summary = summarize(timings);
    console.log(
      `${QUERIES} random roots, both, depth 20, limit 100, with node owners and states: ${formatSummary(
        summary,
      )}; nodes median ${
        summarize(sizes).median
      }; p95 target <= 20 ms: ${verdict(summary.p95 <= 20)}`,
    );

    const hubTimings: number[] = [];
    for (const hub of graph.hubs) {
      const hubStarted = performance.now();
      await lineage.query({
        node: graph.key(hub),
        direction: 'both',
        depth: 20,
        limit: 100,
      });
      hubTimings.push(performance.now() - hubStarted);
    }
    const hubSummary = summarize(hubTimings);
    console.log(
      `${
        graph.hubs.length
      } hub datasets, same query (answers capped at 2,000 nodes): ${formatSummary(
        hubSummary,
      )}; max target <= 200 ms: ${verdict(hubSummary.max <= 200)}`,
    );
  });
}

export async function runLineageApiBench() {
  console.log('\n== Lineage through the store (LineageService.query) ==');
  const graph = generateGraph(42);
  const kinds = (
    process.env.PIPELINES_BENCH_DATABASES ?? 'postgres,sqlite-file'
  ).split(',') as BenchDatabaseKind[];
  for (const kind of kinds) {
    await benchOn(kind, graph);
  }
}

if (require.main === module) {
  runLineageApiBench().catch(error => {
    console.error(error);
    process.exitCode = 1;
  });
}
