/*
 * One monitoring evaluation over 20,000 pipelines with freshness targets,
 * on each database: 5,000 hourly and 15,000 daily pipelines with 7 days of
 * runs (about 1.0M runs), some failing and some late. Target: ≤ 5 s a cycle.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createIngestPath } from '../src/service/createIngestPath';
import {
  MonitoringService,
  readMonitoringOptions,
} from '../src/monitoring/MonitoringService';
import { DatabaseMonitoringStore } from '../src/store/DatabaseMonitoringStore';
import { emptyStoreWrites, StoreWrites } from '../src/store/StoreWrites';
import {
  BenchDatabaseKind,
  createBenchLogger,
  createRandom,
  createStore,
  seconds,
  verdict,
  withBenchDatabase,
} from './benchUtils';

const PIPELINES = 20_000;
const HOURLY = 5_000;
const DAYS = 7;
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const TARGET_MS = 5000;
const WRITE_BATCH_RUNS = 20_000;

function generateWrites(now: number): StoreWrites[] {
  const random = createRandom(7);
  const batches: StoreWrites[] = [];
  let current = emptyStoreWrites();
  const seenAt = new Date(now - DAYS * DAY);
  for (let i = 0; i < PIPELINES; i++) {
    const hourly = i < HOURLY;
    const id = `bench:${hourly ? 'hourly' : 'daily'}-${i}`;
    current.pipelines.push({
      id,
      source: 'bench',
      namespace: 'bench',
      name: id,
      schedule: hourly ? '@hourly' : '@daily',
      owner: `group:default/team-${i % 50}`,
      seenAt,
    });
    const step = hourly ? HOUR : DAY;
    const failing = random.next() < 0.02;
    const lateFrom = random.next() < 0.03 ? now - 3 * step : Infinity;
    for (
      let partition = Math.ceil((now - DAYS * DAY) / step) * step;
      partition + step <= now;
      partition += step
    ) {
      if (partition >= lateFrom) continue;
      const endedAt = new Date(partition + step + 20 * 60_000);
      current.runs.push({
        id: `${id}@${partition}`,
        pipelineId: id,
        partitionTime: new Date(partition),
        partitionEndTime: new Date(partition + step),
        state: failing && partition > now - 4 * step ? 'failed' : 'succeeded',
        stateRank: 1,
        stateTime: endedAt,
        endedAt,
        firstEventTime: new Date(partition + step),
      });
    }
    if (current.runs.length >= WRITE_BATCH_RUNS) {
      batches.push(current);
      current = emptyStoreWrites();
    }
  }
  batches.push(current);
  return batches;
}

async function benchOn(kind: BenchDatabaseKind) {
  await withBenchDatabase(kind, 'tributary_monitoring', async db => {
    const now = Math.floor(Date.UTC(2026, 10, 20, 12) / HOUR) * HOUR;
    const store = await createStore(db.knex);
    const logger = createBenchLogger();
    const writeStarted = Date.now();
    let runs = 0;
    for (const writes of generateWrites(now)) {
      runs += writes.runs.length;
      await store.applyWrites(writes);
    }
    console.log(
      `  ${db.label}: ${PIPELINES} pipelines, ${runs} runs written in ${seconds(
        Date.now() - writeStarted,
      )}`,
    );
    const config = mockServices.rootConfig({
      data: {
        pipelines: {
          freshness: {
            targets: [
              { pipeline: 'bench:hourly-*', target: 'PT2H' },
              { pipeline: 'bench:daily-*', target: 'D+1 06:00 UTC' },
            ],
          },
        },
      },
    });
    const { lineage } = createIngestPath({ store, config, logger });
    let notificationsSent = 0;
    const service = new MonitoringService({
      store,
      monitoring: new DatabaseMonitoringStore(db.knex),
      lineage,
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
      notifications: {
        send: async () => {
          notificationsSent++;
        },
      },
      logger,
      options: readMonitoringOptions(config),
      clock: () => new Date(now),
    });
    for (const cycle of ['first (writes every change)', 'steady (no change)']) {
      const started = Date.now();
      const result = await service.evaluate();
      const took = Date.now() - started;
      console.log(
        `  ${cycle}: ${seconds(took)} ${verdict(
          took <= TARGET_MS,
        )} (target ${seconds(TARGET_MS)}): ${
          result.withTarget
        } with a target, ${result.late} late, ${result.failing} failing, ${
          result.changed.length
        } changed, ${
          result.opened
        } alerts opened, ${notificationsSent} notifications so far`,
      );
    }
  });
}

export async function runMonitoringBench() {
  console.log(
    'Monitoring: one evaluation cycle over 20,000 pipelines with targets',
  );
  const kinds = (
    process.env.PIPELINES_BENCH_DATABASES ?? 'postgres,sqlite-file'
  ).split(',') as BenchDatabaseKind[];
  for (const kind of kinds) {
    await benchOn(kind);
  }
}
