/*
 * Benchmark of OpenLineage ingest through the plugin's HTTP API, on
 * PostgreSQL and SQLite (file, and in-memory), each figure next to the
 * physical limit measured in the same run: the same raw event rows inserted
 * with plain batched knex inserts into a table shaped like `events`. A POST
 * phase ends once the touches it deferred (seen and written times of known
 * rows, flushed every few seconds) are written too.
 *
 *   node --expose-gc --require @backstage/cli/config/nodeTransform.cjs bench/ingest.bench.ts
 *
 * PIPELINES_BENCH_EVENTS sets the events per batch measurement (default
 * 60000, so that a measurement spans several touch flushes; single-event
 * POSTs send 10000);
 * PIPELINES_BENCH_PG the PostgreSQL server URL (default 127.0.0.1:54329);
 * PIPELINES_BENCH_DATABASES which databases, default
 * postgres,sqlite-file,sqlite-memory;
 * PIPELINES_BENCH_REPEATS rounds of every measurement, medians printed
 * (default 1);
 * PIPELINES_BENCH_PROFILE a folder for CPU profiles of the server thread
 * during each measurement.
 */
import http from 'node:http';
import os from 'node:os';
import { AddressInfo } from 'node:net';
import { mockCredentials } from '@backstage/backend-test-utils';
import express from 'express';
import { Knex } from 'knex';
import {
  BenchDatabaseKind,
  collectGarbage,
  createRandom,
  formatSummary,
  ms,
  perSecond,
  rate,
  seconds,
  summarize,
  verdict,
  withBenchDatabase,
  createStatementTimer,
  describeStatements,
  StatementStats,
  loadLine,
  describeDatabaseSettings,
  profiled,
  startCpuMeter,
  CpuSpent,
} from './benchUtils';
import { BenchServer, startBenchServer } from './benchServer';
import {
  createCatalog,
  createEventStream,
  EventCatalog,
  JOBS,
  rawEventRows,
  RawEventRow,
} from './ingestEvents';
import { postAll, preparePosts, PostResult } from './httpClient';

const EVENTS = Number(process.env.PIPELINES_BENCH_EVENTS ?? 60_000);
/** Single-event POSTs are slower: fewer keep the run short. */
const SINGLE_EVENTS = Math.min(10_000, Math.round(EVENTS / 2));
const WARMUP_EVENTS = 2_000;
/** Rounds of every measurement, interleaved; figures are their medians. */
const REPEATS = Number(process.env.PIPELINES_BENCH_REPEATS ?? 1);
const BATCH_SIZE = 100;
const SINGLE_CONCURRENCY = 16;
const BATCH_CONCURRENCY = Number(
  process.env.PIPELINES_BENCH_BATCH_CONCURRENCY ?? 4,
);
const BATCH_TARGET = 5_000;
const SINGLE_TARGET = 1_000;

/** The issue sets its targets on PostgreSQL; SQLite's figures are for reference. */
function targetText(kind: BenchDatabaseKind, rateOf: number, target: number) {
  return kind === 'postgres'
    ? `target >= ${rate(target)}: ${verdict(rateOf >= target)}`
    : `no target on SQLite (${rate(target)} is PostgreSQL's)`;
}
const BASELINE_TABLE = 'events_baseline';

/** Commits of the group-commit batcher and the SQL they ran. */
interface CommitStats extends StatementStats {
  commits: number;
  events: number;
  commitMs: number;
}

function instrument(server: BenchServer, knex: Knex) {
  let commits = { commits: 0, events: 0, commitMs: 0 };
  const timer = createStatementTimer(knex);
  const store = server.store;
  const applyWrites = store.applyWrites.bind(store);
  store.applyWrites = async (writes, options) => {
    const t0 = performance.now();
    try {
      await applyWrites(writes, options);
    } finally {
      commits.commits += 1;
      commits.events += writes.rawEvents.length;
      commits.commitMs += performance.now() - t0;
    }
  };
  return {
    reset() {
      commits = { commits: 0, events: 0, commitMs: 0 };
      timer.reset();
    },
    snapshot(): CommitStats {
      return { ...commits, ...timer.snapshot() };
    },
  };
}

/**
 * On PostgreSQL a commit is one query sent to the driver past knex, which the
 * statement timer does not see; SQLite's statements are listed.
 */
function describeCommits(stats: CommitStats, elapsed: number): string {
  const statements =
    stats.statements > 0
      ? `${(stats.statements / stats.commits).toFixed(1)} statements/commit`
      : 'one round trip each';
  return `${stats.commits} commits, ${(stats.events / stats.commits).toFixed(
    1,
  )} events/commit, ${ms(
    stats.commitMs / stats.commits,
  )}/commit, ${statements}, applyWrites busy ${(
    (100 * stats.commitMs) /
    elapsed
  ).toFixed(0)}% of wall time`;
}

function batches<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

async function createBaselineTable(knex: Knex) {
  // The same shape as the `events` table of the migrations.
  await knex.schema.createTable(BASELINE_TABLE, table => {
    table.string('id', 64).primary().notNullable();
    table.string('event_type', 16).nullable();
    table.timestamp('event_time', { useTz: true }).notNullable();
    table.string('run_id', 255).nullable();
    table.string('job', 1024).nullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.text('payload').notNullable();
    table.index(['received_at'], `${BASELINE_TABLE}_received_at_idx`);
  });
}

/** Plain multi-row inserts, one statement (and transaction) per batch. */
async function insertBaselineBatches(
  knex: Knex,
  rows: RawEventRow[],
): Promise<number> {
  const started = performance.now();
  for (const batch of batches(rows, BATCH_SIZE)) {
    await knex(BASELINE_TABLE).insert(batch);
  }
  return performance.now() - started;
}

/** Plain single-row inserts, `concurrency` in flight. */
async function insertBaselineSingles(
  knex: Knex,
  rows: RawEventRow[],
  concurrency: number,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < rows.length) {
        await knex(BASELINE_TABLE).insert(rows[next++]);
      }
    }),
  );
  return performance.now() - started;
}

function checkPosted(what: string, result: PostResult) {
  if (result.failures > 0) {
    throw new Error(
      `${what}: ${result.failures} requests failed, first: ${result.firstError}`,
    );
  }
}

/** What to post: bodies serialized up front, outside any timed window. */
function batchPosts(
  server: BenchServer,
  events: object[],
  concurrency: number,
) {
  const groups = batches(events, BATCH_SIZE);
  return {
    url: `${server.baseUrl}/v1/lineage/batch`,
    bodies: groups.map(group => JSON.stringify(group)),
    concurrency,
    authorization: mockCredentials.service.header(),
    acceptedPerBody: groups.map(group => group.length),
  };
}

function singlePosts(
  server: BenchServer,
  events: object[],
  concurrency: number,
) {
  return {
    url: `${server.baseUrl}/v1/lineage`,
    bodies: events.map(event => JSON.stringify(event)),
    concurrency,
    authorization: mockCredentials.service.header(),
  };
}

export interface IngestFigures extends RoundFigures {
  database: BenchDatabaseKind;
}

/**
 * What HTTP alone costs on this machine: a trivial express handler (JSON body
 * parser, small JSON answer) with the same client, bodies and concurrency.
 */
async function measureHttpFloor(catalog: EventCatalog) {
  const app = express();
  app.post('/batch', express.json({ limit: '16mb' }), (req, res) => {
    const events = req.body as unknown[];
    res.status(200).json({
      accepted: events.length,
      rejected: 0,
      results: events.map((_, index) => ({
        index,
        status: 'accepted',
        statusCode: 201,
      })),
    });
  });
  app.post('/single', express.json({ limit: '1mb' }), (_req, res) => {
    res.status(201).json({ status: 'accepted' });
  });
  const server = http.createServer(app);
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const events = createEventStream(catalog, createRandom(3), 2_500, 0);
    const groups = batches(events, BATCH_SIZE);
    const post = (path: string, bodies: string[], concurrency: number) =>
      postAll({
        url: `${baseUrl}${path}`,
        bodies,
        concurrency,
        authorization: mockCredentials.service.header(),
        acceptedPerBody:
          path === '/batch' ? groups.map(group => group.length) : undefined,
      });
    const batchBodies = groups.map(group => JSON.stringify(group));
    const singleBodies = events.map(event => JSON.stringify(event));
    await post('/batch', batchBodies, 1);
    await post('/single', singleBodies.slice(0, 1000), SINGLE_CONCURRENCY);
    const batch = await post('/batch', batchBodies, 1);
    checkPosted('HTTP floor, batches', batch);
    const single = await post('/single', singleBodies, SINGLE_CONCURRENCY);
    checkPosted('HTTP floor, singles', single);
    console.log(
      `HTTP floor (trivial express handler, same client and bodies): batches of ${BATCH_SIZE}, 1 in flight: ${rate(
        perSecond(events.length, batch.elapsed),
      )} events; single events, ${SINGLE_CONCURRENCY} in flight: ${rate(
        perSecond(events.length, single.elapsed),
      )} requests`,
    );
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

interface RoundFigures {
  baselineBatchRowsPerSecond: number;
  batchEventsPerSecond: number;
  singleEventsPerSecond: number;
  concurrentBatchEventsPerSecond: number;
  baselineSingleRowsPerSecond: number;
}

/** Writes every deferred touch, those a running flush did not take too. */
async function flushAllTouches(server: BenchServer) {
  while (server.store.deferredTouchCount > 0) {
    await server.store.flushDeferredTouches();
  }
}

/**
 * One timed POST phase: its rate next to the raw insert's and the target, its
 * latencies, and what the commits did meanwhile.
 */
async function measurePhase(options: {
  label: string;
  profileName: string;
  kind: BenchDatabaseKind;
  events: object[];
  stats: ReturnType<typeof instrument>;
  baselineRate: number;
  target: number;
  server: BenchServer;
  /** The posting, prepared outside the timed window. */
  prepare: () => Promise<() => Promise<PostResult>>;
  what: string;
}): Promise<number> {
  const { stats, events, baselineRate, target, server } = options;
  const post = await options.prepare();
  collectGarbage();
  stats.reset();
  const cpuSpent = startCpuMeter();
  const result = await profiled(options.profileName, async () => {
    const posted = await post();
    checkPosted(options.what, posted);
    // The phase's own deferred touches count in its time: else a phase
    // leaves them to the next one, and a figure depends on whether the
    // flush timer fired inside its window.
    const flushStarted = performance.now();
    await flushAllTouches(server);
    return {
      ...posted,
      elapsed: posted.elapsed + performance.now() - flushStarted,
    };
  });
  const cpu = cpuSpent();
  const commits = stats.snapshot();
  const eventRate = perSecond(events.length, result.elapsed);
  console.log(
    `HTTP POST ${options.label}: ${rate(eventRate)} events (${
      events.length
    } in ${seconds(result.elapsed)}) = ${(eventRate / baselineRate).toFixed(
      2,
    )} x raw batched insert; ${targetText(options.kind, eventRate, target)}`,
  );
  console.log(
    `  request latency ${formatSummary(summarize(result.latencies))}`,
  );
  console.log(`  ${describeCommits(commits, result.elapsed)}`);
  console.log(
    `  ${describeCpu(cpu, events.length, options.kind === 'postgres')}`,
  );
  if (commits.statements > 0) {
    console.log(
      `  per commit: ${describeStatements(commits, commits.commits)}`,
    );
  }
  return eventRate;
}

/**
 * CPU per 1,000 events, and the rate the CPU would allow if nothing else ran
 * (the client included, as it shares the cores here).
 */
function describeCpu(cpu: CpuSpent, events: number, postgres: boolean) {
  const per1000 = (spent: number) => Math.round((spent / events) * 1000);
  const postgresMs = postgres ? cpu.postgresMs : 0;
  const total = cpu.serverThreadMs + cpu.restOfProcessMs + (postgresMs ?? 0);
  let database = 'SQLite in the server thread';
  if (postgres) {
    database =
      postgresMs === undefined
        ? 'PostgreSQL not measured (not a local server)'
        : `PostgreSQL ${per1000(postgresMs)} ms`;
  }
  return `CPU per 1,000 events: server thread ${per1000(
    cpu.serverThreadMs,
  )} ms, client thread and helpers ${per1000(
    cpu.restOfProcessMs,
  )} ms, ${database}${
    postgresMs === undefined ? '' : `; ${describeCpuBound(cpu, total, events)}`
  }`;
}

/** The rate the CPU allows: all of it shared, the server's thread on one core. */
function describeCpuBound(cpu: CpuSpent, totalMs: number, events: number) {
  const cores = os.cpus().length;
  const machineBound = (cores * 1000 * events) / totalMs;
  const threadBound = (1000 * events) / cpu.serverThreadMs;
  return threadBound < machineBound
    ? `at most ${rate(threadBound)} events with the server thread on one core`
    : `at most ${rate(machineBound)} events on ${cores} cores`;
}

/** One measurement of each kind, on events not sent before. */
async function measureRound(options: {
  kind: BenchDatabaseKind;
  knex: Knex;
  server: BenchServer;
  stats: ReturnType<typeof instrument>;
  batchEvents: object[];
  singleEvents: object[];
  concurrentBatchEvents: object[];
}): Promise<RoundFigures> {
  const { kind, knex, server, stats, batchEvents, singleEvents } = options;
  collectGarbage();
  const batchRows = rawEventRows(batchEvents);
  const baselineMs = await insertBaselineBatches(knex, batchRows);
  const baselineRate = perSecond(batchRows.length, baselineMs);
  console.log(
    `raw batched knex insert, ${BATCH_SIZE} rows/statement, 1 in flight: ${rate(
      baselineRate,
    )} rows (${batchRows.length} rows in ${seconds(baselineMs)})`,
  );
  const phase = { stats, baselineRate, kind, server };

  const batchRate = await measurePhase({
    ...phase,
    label: `/v1/lineage/batch, ${BATCH_SIZE} events each, 1 in flight`,
    profileName: `${kind}-batches-1`,
    events: batchEvents,
    target: BATCH_TARGET,
    what: 'batch ingest',
    prepare: () => preparePosts(batchPosts(server, batchEvents, 1)),
  });
  const singleRate = await measurePhase({
    ...phase,
    label: `/v1/lineage, single events, ${SINGLE_CONCURRENCY} in flight`,
    profileName: `${kind}-singles`,
    events: singleEvents,
    target: SINGLE_TARGET,
    what: 'single-event ingest',
    prepare: () =>
      preparePosts(singlePosts(server, singleEvents, SINGLE_CONCURRENCY)),
  });
  const concurrentRate = await measurePhase({
    ...phase,
    label: `/v1/lineage/batch, ${BATCH_SIZE} events each, ${BATCH_CONCURRENCY} in flight`,
    profileName: `${kind}-batches-${BATCH_CONCURRENCY}`,
    events: options.concurrentBatchEvents,
    target: BATCH_TARGET,
    what: 'batch ingest',
    prepare: () =>
      preparePosts(
        batchPosts(server, options.concurrentBatchEvents, BATCH_CONCURRENCY),
      ),
  });

  const singleBaselineMs = await insertBaselineSingles(
    knex,
    rawEventRows(singleEvents),
    SINGLE_CONCURRENCY,
  );
  const singleBaselineRate = perSecond(singleEvents.length, singleBaselineMs);
  console.log(
    `raw single-row knex inserts, ${SINGLE_CONCURRENCY} in flight (no grouping): ${rate(
      singleBaselineRate,
    )} rows`,
  );

  return {
    baselineBatchRowsPerSecond: baselineRate,
    batchEventsPerSecond: batchRate,
    singleEventsPerSecond: singleRate,
    concurrentBatchEventsPerSecond: concurrentRate,
    baselineSingleRowsPerSecond: singleBaselineRate,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianFigures(rounds: RoundFigures[]): RoundFigures {
  const of = (key: keyof RoundFigures) => median(rounds.map(r => r[key]));
  return {
    baselineBatchRowsPerSecond: of('baselineBatchRowsPerSecond'),
    batchEventsPerSecond: of('batchEventsPerSecond'),
    singleEventsPerSecond: of('singleEventsPerSecond'),
    concurrentBatchEventsPerSecond: of('concurrentBatchEventsPerSecond'),
    baselineSingleRowsPerSecond: of('baselineSingleRowsPerSecond'),
  };
}

/** The medians over the rounds, with every round's figure. */
function printMedians(
  kind: BenchDatabaseKind,
  rounds: RoundFigures[],
  medians: RoundFigures,
) {
  const line = (what: string, key: keyof RoundFigures, target?: number) => {
    const all = rounds.map(r => rate(r[key])).join(', ');
    const verdictText =
      target === undefined ? '' : `; ${targetText(kind, medians[key], target)}`;
    console.log(
      `  ${what}: ${rate(medians[key])} (rounds: ${all}) = ${(
        medians[key] / medians.baselineBatchRowsPerSecond
      ).toFixed(2)} x raw batched insert${verdictText}`,
    );
  };
  console.log(`median over ${rounds.length} rounds:`);
  line('raw batched knex insert, rows', 'baselineBatchRowsPerSecond');
  line(
    `batches of ${BATCH_SIZE}, 1 in flight, events`,
    'batchEventsPerSecond',
    BATCH_TARGET,
  );
  line(
    `single events, ${SINGLE_CONCURRENCY} in flight, events`,
    'singleEventsPerSecond',
    SINGLE_TARGET,
  );
  line(
    `batches of ${BATCH_SIZE}, ${BATCH_CONCURRENCY} in flight, events`,
    'concurrentBatchEventsPerSecond',
    BATCH_TARGET,
  );
}

async function benchDatabase(
  kind: BenchDatabaseKind,
  catalog: EventCatalog,
  seed: number,
): Promise<IngestFigures> {
  return withBenchDatabase(kind, 'bench_ingest', async db => {
    console.log(`\n-- ${db.label} -- (${loadLine()})`);
    const { knex } = db;
    const random = createRandom(seed);
    // Distinct runs per phase; each stream is 2 events per run.
    let hour = 0;
    const stream = (events: number) => {
      const runs = Math.ceil(events / 2);
      const result = createEventStream(catalog, random, runs, hour);
      hour += Math.ceil(runs / 100) + 1;
      return result;
    };
    const warmupBatches = stream(WARMUP_EVENTS);
    const warmupSingles = stream(WARMUP_EVENTS / 2);
    const warmupRows = rawEventRows(warmupBatches);
    let expected = warmupBatches.length + warmupSingles.length;

    const server = await startBenchServer(knex);
    const stats = instrument(server, knex);
    console.log(`settings: ${await describeDatabaseSettings(db)}`);
    try {
      await createBaselineTable(knex);
      // As in production, where the scheduler loads the lineage graph, so
      // that every commit also adds its edges to it.
      await server.lineage.refresh();

      // Warm-up: JIT, connections, every job and most datasets known.
      await insertBaselineBatches(knex, warmupRows);
      checkPosted(
        'warm-up batches',
        await postAll(batchPosts(server, warmupBatches, 1)),
      );
      checkPosted(
        'warm-up singles',
        await postAll(singlePosts(server, warmupSingles, SINGLE_CONCURRENCY)),
      );
      await flushAllTouches(server);

      const rounds: RoundFigures[] = [];
      for (let round = 1; round <= REPEATS; round++) {
        if (REPEATS > 1) {
          console.log(`round ${round} of ${REPEATS} (${loadLine()})`);
        }
        const batchEvents = stream(EVENTS);
        const singleEvents = stream(SINGLE_EVENTS);
        const concurrentBatchEvents = stream(EVENTS);
        expected +=
          batchEvents.length +
          singleEvents.length +
          concurrentBatchEvents.length;
        rounds.push(
          await measureRound({
            kind,
            knex,
            server,
            stats,
            batchEvents,
            singleEvents,
            concurrentBatchEvents,
          }),
        );
      }
      const figures = medianFigures(rounds);
      if (REPEATS > 1) {
        printMedians(kind, rounds, figures);
      }

      const [{ count: stored }] = await knex('events').count({ count: '*' });
      const [{ count: runs }] = await knex('runs').count({ count: '*' });
      console.log(
        `stored: ${stored} raw events (sent ${expected}), ${runs} runs (${loadLine()})`,
      );
      if (Number(stored) !== expected) {
        throw new Error(`Expected ${expected} raw events, found ${stored}`);
      }
      return { database: kind, ...figures };
    } finally {
      await server.close();
    }
  });
}

/** Runs the ingest benchmark and prints its figures. */
export async function runIngestBench(): Promise<IngestFigures[]> {
  console.log('\n== Ingest benchmark (HTTP, real databases) ==');
  const catalog = createCatalog(createRandom(1));
  const sample = createEventStream(catalog, createRandom(2), 1000, 0);
  const sizes = sample.map(event => Buffer.byteLength(JSON.stringify(event)));
  console.log(
    `${EVENTS} events per measurement after ${
      WARMUP_EVENTS + WARMUP_EVENTS / 2
    } warm-up events: START + COMPLETE/FAIL pairs of ${JOBS} jobs, 1-3 inputs and outputs, nominalTime; ${Math.round(
      sizes.reduce((a, b) => a + b, 0) / sizes.length,
    )} bytes of JSON on average (${Math.min(...sizes)}-${Math.max(
      ...sizes,
    )}); client: Node's http from a worker thread over loopback`,
  );
  await measureHttpFloor(catalog);
  const figures: IngestFigures[] = [];
  let seed = 100;
  const kinds = (
    process.env.PIPELINES_BENCH_DATABASES ??
    'postgres,sqlite-file,sqlite-memory'
  ).split(',') as BenchDatabaseKind[];
  for (const kind of kinds) {
    figures.push(await benchDatabase(kind, catalog, seed++));
  }
  return figures;
}

if (require.main === module) {
  runIngestBench().catch(error => {
    console.error(error);
    process.exitCode = 1;
  });
}
