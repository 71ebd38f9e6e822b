import { Knex } from 'knex';
import {
  createStoreTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabases';
import {
  DatabaseMonitoringStore,
  PipelineHealth,
} from './DatabaseMonitoringStore';
import { DatabasePipelinesStore } from './DatabasePipelinesStore';

jest.setTimeout(60_000);

const { databases, ids } = createStoreTestDatabases();

describe.each(ids)('DatabaseMonitoringStore on %s', databaseId => {
  let knex: Knex;
  let monitoring: DatabaseMonitoringStore;
  let store: DatabasePipelinesStore;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    store = await DatabasePipelinesStore.create({
      database: databaseServiceFor(knex),
    });
    monitoring = new DatabaseMonitoringStore(knex);
  });

  afterEach(async () => {
    await knex.destroy();
  });

  const pipelineId = (i: number) => `sched:pipeline-${i}`;
  const healthOf = (i: number): PipelineHealth =>
    i % 2 === 0
      ? {
          monitoredTarget: `PT${i + 1}H`,
          lateSince: new Date(Date.UTC(2026, 10, 1, 6, 0, 0, i)),
          latePartitions: i + 1,
          lateOldestPartition: new Date(Date.UTC(2026, 9, 30, 0, 0, 0, i)),
          failureStreak: (i % 7) + 1,
        }
      : { monitoredTarget: 'D+1 06:00 UTC' };

  it('saves the health of more pipelines than one statement holds, and clears what is gone', async () => {
    const count = 2_345;
    await store.upsertPipelines(
      Array.from({ length: count + 1 }, (_, i) => ({
        id: pipelineId(i),
        source: 'sched',
        namespace: 'sched',
        name: `pipeline-${i}`,
        seenAt: new Date(Date.UTC(2026, 10, 1)),
      })),
    );
    const everyOther = Array.from({ length: count }, (_, i) => ({
      pipelineId: pipelineId(i),
      health: healthOf(i),
    }));
    await monitoring.saveHealth(everyOther);
    // The late ones recover: their late fields and streaks go back to null.
    await monitoring.saveHealth(
      everyOther
        .filter((_, i) => i % 4 === 0)
        .map(({ pipelineId: id }) => ({
          pipelineId: id,
          health: { monitoredTarget: 'PT1H' },
        })),
    );

    const saved = new Map(
      (await monitoring.listMonitoredPipelines()).map(p => [p.id, p.health]),
    );
    expect(saved.size).toBe(count + 1);
    for (let i = 0; i < count; i++) {
      const expected: PipelineHealth =
        i % 4 === 0 ? { monitoredTarget: 'PT1H' } : healthOf(i);
      expect({ id: pipelineId(i), ...saved.get(pipelineId(i)) }).toEqual({
        id: pipelineId(i),
        lateSince: undefined,
        latePartitions: undefined,
        lateOldestPartition: undefined,
        failureStreak: undefined,
        ...expected,
      });
    }
    // Not among the changes: untouched.
    expect(saved.get(pipelineId(count))).toEqual({
      monitoredTarget: undefined,
      lateSince: undefined,
      latePartitions: undefined,
      lateOldestPartition: undefined,
      failureStreak: undefined,
    });
  });
});
