/*
 * Runs the pipelines backend benchmarks, one after the other:
 *
 *   yarn bench            all of them: lineage, ingest, runs
 *   yarn bench lineage    the in-memory lineage graph
 *   yarn bench ingest     OpenLineage ingest over HTTP into PostgreSQL and SQLite
 *   yarn bench runs       the runs page over 1M stored runs
 *   yarn bench lineage-api  lineage answers through the store, on each database
 *   yarn bench luigi      a poll of a Luigi scheduler with 20,000 tasks
 *   yarn bench monitoring one monitoring cycle over 20,000 pipelines with targets
 *
 * (node --expose-gc --require @backstage/cli/config/nodeTransform.cjs bench/index.ts [name...])
 * With more than one bench, each runs in a fresh child process, so that its
 * memory figures (RSS) are its own. The database benches need the PostgreSQL
 * at 127.0.0.1:54329 (PIPELINES_BENCH_PG to use another);
 * PIPELINES_BENCH_DATABASES=postgres,sqlite-file,sqlite-memory narrows the
 * databases.
 */
import { fork } from 'node:child_process';

// Loaded on demand, so that a bench's process holds only its own modules.
/* eslint-disable @typescript-eslint/no-require-imports */
const BENCHES: Record<string, () => Promise<unknown>> = {
  lineage: () =>
    (
      require('./lineage.bench') as typeof import('./lineage.bench')
    ).runLineageBench(),
  ingest: () =>
    (
      require('./ingest.bench') as typeof import('./ingest.bench')
    ).runIngestBench(),
  runs: () =>
    (require('./runs.bench') as typeof import('./runs.bench')).runRunsBench(),
  'lineage-api': () =>
    (
      require('./lineageApi.bench') as typeof import('./lineageApi.bench')
    ).runLineageApiBench(),
  luigi: () =>
    (
      require('./luigiPoll.bench') as typeof import('./luigiPoll.bench')
    ).runLuigiPollBench(),
  monitoring: () =>
    (
      require('./monitoring.bench') as typeof import('./monitoring.bench')
    ).runMonitoringBench(),
};
/* eslint-enable @typescript-eslint/no-require-imports */

function runInChild(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1], [name], {
      execArgv: process.execArgv,
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', code =>
      code === 0
        ? resolve()
        : reject(new Error(`The ${name} bench exited with code ${code}`)),
    );
  });
}

async function main() {
  const requested = process.argv.slice(2);
  const unknown = requested.filter(name => !(name in BENCHES));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown bench ${unknown.join(', ')}; choose from ${Object.keys(
        BENCHES,
      ).join(', ')}`,
    );
  }
  const names = Object.keys(BENCHES).filter(
    name => requested.length === 0 || requested.includes(name),
  );
  if (names.length > 1) {
    for (const name of names) {
      await runInChild(name);
    }
    return;
  }
  const started = performance.now();
  await BENCHES[names[0]]();
  console.log(
    `\n(${names[0]} bench took ${((performance.now() - started) / 1000).toFixed(
      0,
    )} s)`,
  );
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
