/*
 * Shared helpers of the database benchmarks: seeded randomness, statistics,
 * formatting, scratch databases (PostgreSQL and SQLite), statement timings.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import knexFactory, { Knex } from 'knex';
import { DatabasePipelinesStore } from '../src/store/DatabasePipelinesStore';

/** The PostgreSQL 15 of the bench machine; override with PIPELINES_BENCH_PG. */
export const PG_URL =
  process.env.PIPELINES_BENCH_PG ?? 'postgresql://postgres@127.0.0.1:54329';

/** Seeded PRNG (mulberry32), the same as the lineage bench's. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)];
  const hex = (digits: number) => {
    let text = '';
    for (let i = 0; i < digits; i++) {
      text += int(16).toString(16);
    }
    return text;
  };
  /** A version 4 UUID, deterministic from the seed. */
  const uuid = () =>
    `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(4)]}${hex(3)}-${hex(12)}`;
  return { next, int, pick, uuid };
}

export type Random = ReturnType<typeof createRandom>;

export interface Summary {
  count: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1],
  };
}

export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

export function seconds(millis: number): string {
  return `${(millis / 1000).toFixed(1)} s`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function perSecond(count: number, millis: number): number {
  return (count * 1000) / millis;
}

export function rate(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')}/s`;
}

export function formatSummary(s: Summary): string {
  return `median ${ms(s.median)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)}, max ${ms(
    s.max,
  )} (n=${s.count})`;
}

export function verdict(ok: boolean): string {
  return ok ? 'OK' : 'MISSED';
}

/** A logger that only shows warnings and errors (the group commit warns). */
export function createBenchLogger(): LoggerService {
  const logger: LoggerService = {
    error: (message, meta) => console.error(`[error] ${message}`, meta ?? ''),
    warn: (message, meta) => console.warn(`[warn] ${message}`, meta ?? ''),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

export type BenchDatabaseKind = 'postgres' | 'sqlite-file' | 'sqlite-memory';

export interface BenchDatabase {
  kind: BenchDatabaseKind;
  label: string;
  knex: Knex;
  /** Closes the connections and drops the database / deletes its files. */
  dispose(): Promise<void>;
}

/** A fresh, empty database of the given kind; dispose it when done. */
export async function createBenchDatabase(
  kind: BenchDatabaseKind,
  prefix: string,
): Promise<BenchDatabase> {
  const suffix = randomBytes(4).toString('hex');
  if (kind === 'postgres') {
    const name = `${prefix}_${suffix}`;
    const admin = knexFactory({
      client: 'pg',
      connection: `${PG_URL}/postgres`,
      pool: { min: 0, max: 1 },
    });
    try {
      await admin.raw(`create database ${name}`);
    } finally {
      await admin.destroy();
    }
    const knex = knexFactory({
      client: 'pg',
      connection: `${PG_URL}/${name}`,
    });
    return {
      kind,
      label: `PostgreSQL (${name})`,
      knex,
      async dispose() {
        await knex.destroy();
        const dropper = knexFactory({
          client: 'pg',
          connection: `${PG_URL}/postgres`,
          pool: { min: 0, max: 1 },
        });
        try {
          await dropper.raw(`drop database if exists ${name}`);
        } finally {
          await dropper.destroy();
        }
      },
    };
  }
  if (kind === 'sqlite-file') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    const filename = path.join(dir, 'pipelines.sqlite');
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
    });
    return {
      kind,
      label: `SQLite file (${filename})`,
      knex,
      async dispose() {
        await knex.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  return {
    kind,
    label: 'SQLite in-memory',
    knex,
    async dispose() {
      await knex.destroy();
    },
  };
}

/** Runs fn on a fresh database of the given kind, then drops it. */
export async function withBenchDatabase<T>(
  kind: BenchDatabaseKind,
  prefix: string,
  fn: (db: BenchDatabase) => Promise<T>,
): Promise<T> {
  const db = await createBenchDatabase(kind, prefix);
  try {
    return await fn(db);
  } finally {
    await db.dispose();
  }
}

/** Creates the store (running the migrations) over a knex. */
export async function createStore(knex: Knex) {
  return DatabasePipelinesStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
  });
}

export function rss(): number {
  return process.memoryUsage().rss;
}

export function collectGarbage() {
  globalThis.gc?.();
  globalThis.gc?.();
}

export function memoryLine(): string {
  const m = process.memoryUsage();
  return `RSS ${mib(m.rss)} (JS heap used ${mib(m.heapUsed)} of ${mib(
    m.heapTotal,
  )}, external ${mib(m.external)})`;
}

export function loadLine(): string {
  return `load average ${os
    .loadavg()
    .map(l => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} CPUs`;
}

/** `insert into runs`, `update pipelines`, `select from dataset_aliases`... */
function statementKind(sql: string): string {
  const text = sql.replace(/[`"]/g, '').toLowerCase();
  const verb = /^\s*(\w+)/.exec(text)?.[1] ?? '?';
  if (verb === 'insert') {
    return `insert into ${/^\s*insert into (\w+)/.exec(text)?.[1]}`;
  }
  if (verb === 'update') {
    return `update ${/^\s*update (\w+)/.exec(text)?.[1]}`;
  }
  if (verb === 'select' || verb === 'delete') {
    return `${verb} from ${/ from (\w+)/.exec(text)?.[1]}`;
  }
  return verb;
}

export interface StatementStats {
  statements: number;
  /** Time from sending a statement to its answer, by kind of statement. */
  byStatement: Map<string, { count: number; ms: number }>;
}

/** Times every statement knex runs, by kind. */
export function createStatementTimer(knex: Knex) {
  let stats: StatementStats = { statements: 0, byStatement: new Map() };
  const sentAt = new Map<string, { kind: string; at: number }>();
  knex.on('query', (query: { __knexQueryUid: string; sql: string }) => {
    stats.statements += 1;
    sentAt.set(query.__knexQueryUid, {
      kind: statementKind(query.sql),
      at: performance.now(),
    });
  });
  const answered = (_: unknown, query: { __knexQueryUid: string }) => {
    const sent = sentAt.get(query.__knexQueryUid);
    if (!sent) {
      return;
    }
    sentAt.delete(query.__knexQueryUid);
    const entry = stats.byStatement.get(sent.kind) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += performance.now() - sent.at;
    stats.byStatement.set(sent.kind, entry);
  };
  knex.on('query-response', answered);
  knex.on('query-error', answered);
  return {
    reset() {
      stats = { statements: 0, byStatement: new Map() };
    },
    snapshot(): StatementStats {
      return stats;
    },
  };
}

/** E.g. `insert into runs 11.3 ms (1.0x), ...` per unit (commit, call). */
export function describeStatements(stats: StatementStats, units: number) {
  return [...stats.byStatement.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(
      ([kind, { count, ms: total }]) =>
        `${kind} ${ms(total / units)} (${(count / units).toFixed(1)}x)`,
    )
    .join(', ');
}

/** The settings that decide what a commit costs, for the record. */
export async function describeDatabaseSettings(
  db: BenchDatabase,
): Promise<string> {
  if (db.kind === 'postgres') {
    const result = await db.knex.raw(
      `select name, setting, unit from pg_settings where name in ('fsync', 'synchronous_commit', 'shared_buffers', 'work_mem', 'server_version') order by name`,
    );
    return (
      result.rows as Array<{
        name: string;
        setting: string;
        unit: string | null;
      }>
    )
      .map(row => `${row.name}=${row.setting}${row.unit ? ` ${row.unit}` : ''}`)
      .join(', ');
  }
  const pragma = async (name: string) => {
    const rows: Array<Record<string, unknown>> = await db.knex.raw(
      `pragma ${name}`,
    );
    return `${name}=${Object.values(rows[0] ?? {})[0]}`;
  };
  return [
    await pragma('journal_mode'),
    await pragma('synchronous'),
    await pragma('cache_size'),
  ].join(', ');
}

/**
 * With PIPELINES_BENCH_PROFILE set to a folder, writes a CPU profile of this
 * thread (the server's) while `fn` runs, named `name`.cpuprofile, for Chrome's
 * DevTools; otherwise just runs `fn`.
 */
export async function profiled<T>(name: string, fn: () => Promise<T>) {
  const folder = process.env.PIPELINES_BENCH_PROFILE;
  if (!folder) {
    return fn();
  }
  const session = new inspector.Session();
  session.connect();
  const post = (method: string) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `${name}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    console.log(`  CPU profile: ${file}`);
  }
}

/**
 * CPU milliseconds of every process of a PostgreSQL server on this machine
 * (backends, WAL writer, checkpointer), from /proc; undefined where /proc
 * cannot tell (not Linux, or no local server).
 */
function localPostgresCpuMs(): number | undefined {
  let ticks = 0;
  let found = false;
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const nameEnd = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, nameEnd) !== 'postgres') continue;
    // utime, stime, cutime and cstime, fields 14 to 17 of stat(5), counted
    // from the state: a backend that exits (the pool closes an idle
    // connection) moves its time to the postmaster's children's times.
    const fields = stat.slice(nameEnd + 2).split(' ');
    ticks +=
      Number(fields[11]) +
      Number(fields[12]) +
      Number(fields[13]) +
      Number(fields[14]);
    found = true;
  }
  // Linux reports them in USER_HZ, 100 per second on every architecture.
  return found ? ticks * 10 : undefined;
}

export interface CpuSpent {
  /** This thread's, the server's event loop. */
  serverThreadMs: number;
  /** The rest of this process: the client's worker thread, GC and libuv helpers. */
  restOfProcessMs: number;
  postgresMs?: number;
}

const threadCpuUsage = (
  process as unknown as { threadCpuUsage?: () => NodeJS.CpuUsage }
).threadCpuUsage;

/**
 * Starts counting CPU time; the answer says where it went. Unlike rates, CPU
 * per event hardly moves when something else shares the machine.
 */
export function startCpuMeter(): () => CpuSpent {
  const msOf = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
  const thread = threadCpuUsage ? msOf(threadCpuUsage()) : 0;
  const whole = msOf(process.cpuUsage());
  const postgres = localPostgresCpuMs();
  return () => {
    const serverThreadMs = threadCpuUsage ? msOf(threadCpuUsage()) - thread : 0;
    const postgresNow = localPostgresCpuMs();
    return {
      serverThreadMs,
      restOfProcessMs: msOf(process.cpuUsage()) - whole - serverThreadMs,
      postgresMs:
        postgres !== undefined && postgresNow !== undefined
          ? postgresNow - postgres
          : undefined,
    };
  };
}
