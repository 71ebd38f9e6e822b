/*
 * Poll cost of a Luigi central scheduler with 20,000 tasks: the real
 * LuigiProvider against a local fake luigid, through the real ProviderPoller,
 * merged into the store (SQLite file, and PostgreSQL when reachable).
 */
import { LuigiProvider } from '@tributary/plugin-pipelines-backend-module-luigi';
import {
  FakeLuigiServer,
  syntheticScheduler,
} from '@tributary/plugin-pipelines-backend-module-luigi/testUtils';
import fs from 'fs';
import knexFactory, { Knex } from 'knex';
import os from 'os';
import path from 'path';
import { WriteBatcher } from '../src/ingest/WriteBatcher';
import { ProviderPoller } from '../src/providers/ProviderPoller';
import { DatabasePipelinesStore } from '../src/store/DatabasePipelinesStore';

const quietLogger: any = {
  debug() {},
  info() {},
  warn: console.warn,
  error: console.error,
  child() {
    return quietLogger;
  },
};

async function pollInto(label: string, knex: Knex, fake: FakeLuigiServer) {
  const store = await DatabasePipelinesStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
  });
  const provider = LuigiProvider.create({
    id: 'bench',
    baseUrl: fake.url,
    logger: quietLogger,
  });
  const poller = ProviderPoller.create({
    providers: [provider],
    store,
    batcher: WriteBatcher.create({ store, logger: quietLogger }),
    // Polls are driven here, not scheduled.
    scheduler: undefined as any,
    logger: quietLogger,
  });
  let started = performance.now();
  const first = await poller.poll(provider);
  const firstMs = performance.now() - started;
  started = performance.now();
  const second = await poller.poll(provider);
  const secondMs = performance.now() - started;
  const [{ count }] = await knex('runs').count({ count: '*' });
  console.log(
    `${label}: first poll + merge ${Math.round(firstMs)} ms (${first}, ${Number(
      count,
    )} runs stored; target ≤ 10,000 ms), next poll (changes only) ${Math.round(
      secondMs,
    )} ms (${second})`,
  );
}

export async function runLuigiPollBench() {
  const state = syntheticScheduler({ families: 50, dates: 400 });
  const fake = await FakeLuigiServer.start();
  fake.lists = state.lists;
  fake.graph = state.graph;
  console.log(`\n== Luigi poll benchmark: ${state.taskCount} tasks ==`);
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luigi-bench-'));
    const sqlite = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'pipelines.sqlite') },
      useNullAsDefault: true,
    });
    await pollInto('SQLite (file)', sqlite, fake);
    await sqlite.destroy();
    fs.rmSync(dir, { recursive: true, force: true });

    const postgresUrl =
      process.env.PIPELINES_BENCH_PG ?? 'postgresql://postgres@127.0.0.1:54329';
    const admin = knexFactory({ client: 'pg', connection: postgresUrl });
    const database = `luigi_bench_${Date.now()}`;
    try {
      await admin.raw(`create database ${database}`);
    } catch (error) {
      console.log(`PostgreSQL: skipped (${postgresUrl}: ${error})`);
      await admin.destroy();
      return;
    }
    const pg = knexFactory({
      client: 'pg',
      connection: `${postgresUrl.replace(/\/$/, '')}/${database}`,
    });
    await pollInto('PostgreSQL', pg, fake);
    await pg.destroy();
    await admin.raw(`drop database ${database}`);
    await admin.destroy();
  } finally {
    await fake.stop();
  }
}

if (require.main === module) {
  runLuigiPollBench().catch(error => {
    console.error(error);
    process.exitCode = 1;
  });
}
