/*
 * Benchmark of the runs page (store.listRuns) over 1,000,000 stored runs, on
 * PostgreSQL and on file-based SQLite: 1,900 daily pipelines with 500 runs
 * each, plus one big pipeline with 50,000 runs (100 a day).
 *
 *   node --expose-gc --require @backstage/cli/config/nodeTransform.cjs bench/runs.bench.ts
 *
 * PIPELINES_BENCH_DATABASES chooses the databases (default postgres,sqlite-file).
 */
import { Knex } from 'knex';
import { ListRunsOptions, PipelineUpsert } from '../src/store/PipelinesStore';
import { emptyStoreWrites, RunUpsert } from '../src/store/StoreWrites';
import {
  BenchDatabaseKind,
  collectGarbage,
  createRandom,
  createStore,
  formatSummary,
  mib,
  perSecond,
  rate,
  rss,
  seconds,
  summarize,
  Summary,
  verdict,
  withBenchDatabase,
  createStatementTimer,
  describeStatements,
  loadLine,
  describeDatabaseSettings,
  memoryLine,
} from './benchUtils';

const SMALL_PIPELINES = 1_900;
const DAYS = 500;
const BIG_RUNS_PER_DAY = 100;
const TOTAL_RUNS = SMALL_PIPELINES * DAYS + BIG_RUNS_PER_DAY * DAYS;
/** Days of runs per applyWrites call: 10 days = 20,000 runs. */
const DAYS_PER_WRITE = 10;

const WARMUP_QUERIES = 100;
const RANDOM_PIPELINES = 1_000;
const BIG_REPEATS = 200;
const DEEP_PAGE_REPEATS = 50;
const STATE_REPEATS = 20;
const PIPELINES_PAGE_REPEATS = 20;
/** As the pipelines page asks for its strips. */
const RECENT_PARTITIONS = 14;
const DEEP_OFFSET = 10_000;
const WINDOW_DAYS = 7;
const PAGE = 50;
const P95_TARGET_MS = 20;
const RSS_TARGET = 512 * 1024 * 1024;

const DAY = 86_400_000;
const START = Date.parse('2025-06-01T00:00:00Z');
const BIG_PIPELINE = 'airflow://prod-core:ingest_clickstream.load_partition';

function smallPipelineId(p: number): string {
  return `airflow://prod-${p % 12}:team_${p % 40}_dag_${Math.floor(
    p / 4,
  )}.task_${p}`;
}

function pipelineUpsert(id: string): PipelineUpsert {
  const [namespace, ...rest] = id.split(':');
  return {
    id,
    source: `${namespace}:${rest[0]}`,
    namespace: `${namespace}:${rest[0]}`,
    name: rest.slice(1).join(':'),
    jobType: 'TASK',
    seenAt: new Date(START),
  };
}

function runUpsert(
  random: ReturnType<typeof createRandom>,
  pipelineId: string,
  partition: number,
  length: number,
): RunUpsert {
  const started = partition + length + random.int(600_000);
  const ended = started + 60_000 + random.int(3_600_000);
  const failed = random.next() < 0.05;
  return {
    id: random.uuid(),
    pipelineId,
    partitionTime: new Date(partition),
    partitionEndTime: new Date(partition + length),
    state: failed ? 'failed' : 'succeeded',
    sourceState: failed ? 'FAIL' : 'COMPLETE',
    stateRank: 1,
    stateTime: new Date(ended),
    startedAt: new Date(started),
    endedAt: new Date(ended),
    firstEventTime: new Date(started),
    errorMessage: failed ? 'Task exited with return code 1' : undefined,
  };
}

/** The runs of days [from, to): every small pipeline daily, the big one 100 a day. */
function runsOfDays(
  random: ReturnType<typeof createRandom>,
  from: number,
  to: number,
): RunUpsert[] {
  const runs: RunUpsert[] = [];
  const bigInterval = DAY / BIG_RUNS_PER_DAY;
  for (let day = from; day < to; day++) {
    const midnight = START + day * DAY;
    for (let p = 0; p < SMALL_PIPELINES; p++) {
      runs.push(
        runUpsert(
          random,
          smallPipelineId(p),
          midnight + (p % 24) * 3_600_000,
          DAY,
        ),
      );
    }
    for (let i = 0; i < BIG_RUNS_PER_DAY; i++) {
      runs.push(
        runUpsert(
          random,
          BIG_PIPELINE,
          midnight + i * bigInterval,
          bigInterval,
        ),
      );
    }
  }
  return runs;
}

/** The statements one call runs, and their plans. */
async function explain(
  knex: Knex,
  kind: BenchDatabaseKind,
  call: () => Promise<unknown>,
): Promise<string[]> {
  const statements: Array<{ sql: string; bindings: unknown[] }> = [];
  const onQuery = (query: { sql: string; bindings?: unknown[] }) =>
    statements.push({
      // Back from the driver's $1 placeholders to knex's.
      sql: query.sql.replace(/\$\d+/g, '?'),
      bindings: [...(query.bindings ?? [])],
    });
  knex.on('query', onQuery);
  try {
    await call();
  } finally {
    knex.removeListener('query', onQuery);
  }
  const lines: string[] = [];
  for (const statement of statements) {
    lines.push(`  ${statement.sql.replace(/\s+/g, ' ')}`);
    if (kind === 'postgres') {
      const result = await knex.raw(
        `explain (analyze, buffers) ${statement.sql}`,
        statement.bindings as Knex.RawBinding[],
      );
      for (const row of result.rows as Array<Record<string, string>>) {
        lines.push(`    ${row['QUERY PLAN']}`);
      }
    } else {
      const rows: Array<{ detail: string }> = await knex.raw(
        `explain query plan ${statement.sql}`,
        statement.bindings as Knex.RawBinding[],
      );
      for (const row of rows) {
        lines.push(`    ${row.detail}`);
      }
    }
  }
  return lines;
}

async function timeQueries<Options>(
  count: number,
  options: (i: number) => Options,
  listRuns: (options: Options) => Promise<{ items: unknown[] }>,
): Promise<{ summary: Summary; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < count; i++) {
    const query = options(i);
    const t0 = performance.now();
    const page = await listRuns(query);
    times.push(performance.now() - t0);
    rows += page.items.length;
  }
  return { summary: summarize(times), rows };
}

export interface RunsFigures {
  database: BenchDatabaseKind;
  loadMs: number;
  random: Summary;
  big: Summary;
  window: Summary;
  rss: number;
}

async function benchDatabase(kind: BenchDatabaseKind): Promise<RunsFigures> {
  return withBenchDatabase(kind, 'bench_runs', async db => {
    console.log(`\n-- ${db.label} -- (${loadLine()})`);
    const { knex } = db;
    const store = await createStore(knex);
    const timer = createStatementTimer(knex);
    console.log(`settings: ${await describeDatabaseSettings(db)}`);
    const random = createRandom(4242);

    // Load: 50 applyWrites of 20,000 runs, in time order across pipelines.
    collectGarbage();
    const peak = { rss: 0, heapUsed: 0 };
    const sample = () => {
      const usage = process.memoryUsage();
      peak.rss = Math.max(peak.rss, usage.rss);
      peak.heapUsed = Math.max(peak.heapUsed, usage.heapUsed);
    };
    // better-sqlite3 blocks the event loop: there, only the samples taken
    // after each applyWrites count.
    const sampler = setInterval(sample, 20);
    const loadStarted = performance.now();
    const writeTimes: number[] = [];
    for (let day = 0; day < DAYS; day += DAYS_PER_WRITE) {
      const writes = emptyStoreWrites();
      if (day === 0) {
        writes.pipelines = [
          ...Array.from({ length: SMALL_PIPELINES }, (_, p) =>
            pipelineUpsert(smallPipelineId(p)),
          ),
          pipelineUpsert(BIG_PIPELINE),
        ];
      }
      writes.runs = runsOfDays(
        random,
        day,
        Math.min(DAYS, day + DAYS_PER_WRITE),
      );
      const t0 = performance.now();
      await store.applyWrites(writes);
      writeTimes.push(performance.now() - t0);
      sample();
    }
    const loadMs = performance.now() - loadStarted;
    clearInterval(sampler);
    const [{ count }] = await knex('runs').count({ count: '*' });
    if (Number(count) !== TOTAL_RUNS) {
      throw new Error(`Expected ${TOTAL_RUNS} runs, found ${count}`);
    }
    const loadStatements = timer.snapshot();
    const writeSummary = summarize(writeTimes);
    console.log(
      `load: ${TOTAL_RUNS} runs of ${
        SMALL_PIPELINES + 1
      } pipelines in ${seconds(loadMs)} = ${rate(
        perSecond(TOTAL_RUNS, loadMs),
      )} runs, ${writeTimes.length} applyWrites of ${
        (SMALL_PIPELINES + BIG_RUNS_PER_DAY) * DAYS_PER_WRITE
      } runs (first ${seconds(writeTimes[0])}, median ${seconds(
        writeSummary.median,
      )}, last ${seconds(
        writeTimes[writeTimes.length - 1],
      )}), 1 transaction each`,
    );
    console.log(
      `  per applyWrites: ${describeStatements(
        loadStatements,
        writeTimes.length,
      )}`,
    );
    collectGarbage();
    console.log(
      `after load: ${memoryLine()}; during the load (sampled): peak RSS ${mib(
        peak.rss,
      )}, peak JS heap used ${mib(peak.heapUsed)} (${loadLine()})`,
    );

    const listRuns = (options: ListRunsOptions) => store.listRuns(options);
    const query = random;
    const smallQuery = (): ListRunsOptions => ({
      pipelineId: smallPipelineId(query.int(SMALL_PIPELINES)),
      offset: 0,
      limit: PAGE,
    });
    const bigQuery: ListRunsOptions = {
      pipelineId: BIG_PIPELINE,
      offset: 0,
      limit: PAGE,
    };
    const windowQuery = (): ListRunsOptions => {
      const from = START + query.int(DAYS - WINDOW_DAYS) * DAY;
      return {
        pipelineId: BIG_PIPELINE,
        offset: 0,
        limit: PAGE,
        from: new Date(from),
        to: new Date(from + WINDOW_DAYS * DAY),
      };
    };

    let figures: Omit<RunsFigures, 'rss'> | undefined;
    const passes =
      kind === 'postgres'
        ? ['as loaded', 'after VACUUM ANALYZE runs']
        : ['as loaded', 'after ANALYZE'];
    for (const pass of passes) {
      if (pass !== 'as loaded') {
        const t0 = performance.now();
        await knex.raw(
          kind === 'postgres' ? 'vacuum (analyze) runs' : 'analyze',
        );
        console.log(`\n${pass} (took ${seconds(performance.now() - t0)}):`);
      } else {
        console.log(`\n${pass}:`);
      }
      await timeQueries(WARMUP_QUERIES, smallQuery, listRuns);
      const small = await timeQueries(RANDOM_PIPELINES, smallQuery, listRuns);
      const big = await timeQueries(BIG_REPEATS, () => bigQuery, listRuns);
      const window = await timeQueries(BIG_REPEATS, windowQuery, listRuns);
      const deep = await timeQueries(
        DEEP_PAGE_REPEATS,
        () => ({ ...bigQuery, offset: DEEP_OFFSET }),
        listRuns,
      );
      const failed = await timeQueries(
        STATE_REPEATS,
        () => ({ ...bigQuery, state: 'failed' }),
        listRuns,
      );
      // The pipelines page: a page of pipelines, each with its strip.
      const pipelinesPages = await timeQueries(
        PIPELINES_PAGE_REPEATS,
        () => ({
          offset: query.int(Math.floor(SMALL_PIPELINES / PAGE)) * PAGE,
          limit: PAGE,
          recentRuns: RECENT_PARTITIONS,
        }),
        options => store.listPipelines(options),
      );
      const bigPipelinePage = await timeQueries(
        PIPELINES_PAGE_REPEATS,
        () => ({
          offset: 0,
          limit: PAGE,
          search: BIG_PIPELINE,
          recentRuns: RECENT_PARTITIONS,
        }),
        options => store.listPipelines(options),
      );
      const line = (label: string, s: Summary, target: boolean) =>
        console.log(
          `${label.padEnd(58)} ${formatSummary(s)}${
            target
              ? `; p95 target <= ${P95_TARGET_MS} ms: ${verdict(
                  s.p95 <= P95_TARGET_MS,
                )}`
              : ''
          }`,
        );
      line(
        `listRuns, ${RANDOM_PIPELINES} random pipelines (500 runs), first page`,
        small.summary,
        true,
      );
      line(
        `listRuns, big pipeline (${BIG_RUNS_PER_DAY * DAYS} runs), first page`,
        big.summary,
        true,
      );
      line(
        `listRuns, big pipeline, random ${WINDOW_DAYS}-day window (from/to)`,
        window.summary,
        true,
      );
      line(
        `listRuns, big pipeline, offset ${DEEP_OFFSET} (info)`,
        deep.summary,
        false,
      );
      line(
        `listRuns, big pipeline, state=failed (info)`,
        failed.summary,
        false,
      );
      line(
        `listPipelines, random page of ${PAGE}, last ${RECENT_PARTITIONS} partitions (info)`,
        pipelinesPages.summary,
        false,
      );
      line(
        `listPipelines, the big pipeline, last ${RECENT_PARTITIONS} partitions (info)`,
        bigPipelinePage.summary,
        false,
      );
      if (small.rows !== RANDOM_PIPELINES * PAGE) {
        throw new Error(`Expected full pages, got ${small.rows} rows`);
      }
      figures ??= {
        database: kind,
        loadMs,
        random: small.summary,
        big: big.summary,
        window: window.summary,
      };
    }

    console.log('\nplans (last pass):');
    const plans = [
      ...(await explain(knex, kind, () => listRuns(bigQuery))),
      ...(await explain(knex, kind, () => listRuns(windowQuery()))),
      ...(await explain(knex, kind, () =>
        store.listPipelines({
          offset: PAGE,
          limit: PAGE,
          recentRuns: RECENT_PARTITIONS,
        }),
      )),
    ];
    console.log(plans.join('\n'));

    collectGarbage();
    const rssAfterQueries = rss();
    console.log(
      `after load and queries: ${memoryLine()}; RSS target <= ${mib(
        RSS_TARGET,
      )}: ${verdict(rssAfterQueries <= RSS_TARGET)} (${loadLine()})`,
    );
    return { ...figures!, rss: rssAfterQueries };
  });
}

/** Runs the runs-page benchmark and prints its figures. */
export async function runRunsBench(): Promise<RunsFigures[]> {
  console.log('\n== Runs page benchmark (1M runs, real databases) ==');
  collectGarbage();
  console.log(`at start: ${memoryLine()}`);
  const kinds = (
    process.env.PIPELINES_BENCH_DATABASES ?? 'postgres,sqlite-file'
  )
    .split(',')
    .filter(kind => kind !== 'sqlite-memory') as BenchDatabaseKind[];
  const figures: RunsFigures[] = [];
  for (const kind of kinds) {
    figures.push(await benchDatabase(kind));
  }
  return figures;
}

if (require.main === module) {
  runRunsBench().catch(error => {
    console.error(error);
    process.exitCode = 1;
  });
}
