import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { runEvent } from '../__testUtils__/fixtures';
import {
  createStoreTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabases';
import { DatabasePipelinesStore } from '../store/DatabasePipelinesStore';
import { DeferredTouchRecovery } from './DeferredTouchRecovery';
import { mapOpenLineageEvent } from './mapOpenLineageEvent';

jest.setTimeout(120_000);

const { databases, ids } = createStoreTestDatabases();

const JOBS = 12;
const RUNS = 400;
const BATCH = 20;
const IN_FLIGHT = 4;
/** Batches acknowledged before the kill; the rest of the burst is cut off. */
const KILL_AFTER = 15;

/** START and COMPLETE of every run, each job writing its own table. */
function burst(): object[] {
  const events: object[] = [];
  for (let r = 0; r < RUNS; r++) {
    const job = `job_${r % JOBS}`;
    const runId = `33333333-0000-4000-8000-${String(r).padStart(12, '0')}`;
    const hour = String(Math.floor(r / JOBS) % 24).padStart(2, '0');
    const day = String(2 + Math.floor(r / JOBS / 24)).padStart(2, '0');
    const common = {
      runId,
      job,
      inputs: ['raw.source'],
      outputs: [`mart.${job}`],
    };
    events.push(
      runEvent({ ...common, eventTime: `2026-11-${day}T${hour}:00:00Z` }),
      runEvent({
        ...common,
        eventType: 'COMPLETE',
        eventTime: `2026-11-${day}T${hour}:30:00Z`,
      }),
    );
  }
  return events;
}

function startServer(knexConfig: Knex.Config): Promise<{
  child: ChildProcess;
  port: number;
  exited: Promise<unknown>;
}> {
  const child = fork(require.resolve('../__testUtils__/crashTestServer'), {
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    env: { ...process.env, CRASH_TEST_KNEX: JSON.stringify(knexConfig) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise(resolve => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    // The TypeScript loader also reports the files it loads on this channel.
    child.on('message', message => {
      const port = (message as { port?: number }).port;
      if (port) {
        resolve({ child, port, exited });
      }
    });
    exited.then(code => reject(new Error(`server exited: ${code}`)));
  });
}

/** Posts the burst; kills the server once KILL_AFTER batches are answered. */
async function postUntilKilled(child: ChildProcess, port: number) {
  const events = burst();
  const acknowledged: object[] = [];
  let next = 0;
  let answered = 0;
  let killed = false;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < events.length && !killed) {
        const batch = events.slice(next, next + BATCH);
        next += BATCH;
        try {
          const response = await fetch(`http://127.0.0.1:${port}/batch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(batch),
          });
          const results = (await response.json()) as Array<{
            status: string;
          }>;
          results.forEach((result, index) => {
            if (result.status === 'accepted') {
              acknowledged.push(batch[index]);
            }
          });
        } catch (error) {
          if (!killed) {
            throw error;
          }
          // Cut off by the kill: not acknowledged.
          return;
        }
        answered += 1;
        if (answered === KILL_AFTER) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    }),
  );
  return { acknowledged, sent: next };
}

describe.each(ids)('a backend killed mid-burst, on %s', databaseId => {
  let cleanup: () => Promise<void> = async () => {};
  afterEach(() => cleanup());

  async function database(): Promise<{ knex: Knex; config: Knex.Config }> {
    if (databaseId === 'SQLITE_3') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-crash-'));
      const config: Knex.Config = {
        client: 'better-sqlite3',
        connection: { filename: path.join(dir, 'pipelines.sqlite') },
        useNullAsDefault: true,
      };
      const knex = knexFactory(config);
      cleanup = async () => {
        await knex.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      };
      return { knex, config };
    }
    const knex = await databases.init(databaseId);
    return {
      knex,
      config: {
        client: knex.client.config.client,
        connection: knex.client.config.connection,
      },
    };
  }

  it('loses no acknowledged event, and recovery replays its deferred touches', async () => {
    const { knex, config } = await database();
    // Migrated before the child starts, so that the two never race on it.
    const store = await DatabasePipelinesStore.create({
      database: databaseServiceFor(knex),
    });
    const { child, port, exited } = await startServer(config);
    const { acknowledged, sent } = await postUntilKilled(child, port);
    await exited;

    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER * BATCH);
    // The kill cut the burst short.
    expect(sent).toBeLessThan(RUNS * 2);

    // Every acknowledged event is stored, with its run.
    const received = new Date();
    const acknowledgedIds = acknowledged.map(
      event => mapOpenLineageEvent(event as any, received).rawEvents[0].id,
    );
    const stored = await knex('events')
      .whereIn('id', acknowledgedIds)
      .count({ n: '*' });
    expect(Number(stored[0].n)).toBe(acknowledged.length);
    for (const event of acknowledged as Array<{
      eventType: string;
      run: { runId: string };
    }>) {
      const run = await store.getRun(event.run.runId);
      expect(run?.state).toMatch(
        event.eventType === 'COMPLETE' ? 'succeeded' : /running|succeeded/,
      );
    }

    // The dead replica left its touches unflushed, behind a checkpoint.
    expect(await knex('ingest_checkpoints').select()).toHaveLength(1);
    const replayed = await new DeferredTouchRecovery(
      store,
      mockServices.logger.mock(),
      0,
    ).run(new Date(Date.now() + 1_000));
    expect(replayed).toBeGreaterThan(0);
    expect(await knex('ingest_checkpoints').select()).toEqual([]);

    // Each table was last written by the latest COMPLETE stored for its job.
    const completes = (await knex('events').select('payload'))
      .map(row => JSON.parse(row.payload))
      .filter(event => event.eventType === 'COMPLETE');
    const latestByJob = new Map<string, string>();
    for (const event of completes) {
      const current = latestByJob.get(event.job.name);
      if (!current || event.eventTime > current) {
        latestByJob.set(event.job.name, event.eventTime);
      }
    }
    expect(latestByJob.size).toBeGreaterThan(0);
    for (const [job, eventTime] of latestByJob) {
      const dataset = await store.getDataset(`warehouse/mart.${job}`);
      expect({ job, lastWrittenAt: dataset?.lastWrittenAt }).toEqual({
        job,
        lastWrittenAt: new Date(eventTime).toISOString(),
      });
    }
  });
});
