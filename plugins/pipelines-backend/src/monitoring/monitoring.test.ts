import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_PIPELINE_ID } from '@tributary/plugin-pipelines-common';
import { Knex } from 'knex';
import request from 'supertest';
import { createTestApp } from '../__testUtils__/createTestApp';
import { createStoreTestDatabases } from '../__testUtils__/testDatabases';
import { providerWrites } from '../providers/providerWrites';
import { emptyStoreWrites, RunUpsert } from '../store/StoreWrites';
import {
  ANNOTATION_FRESHNESS,
  MonitoringService,
  readMonitoringOptions,
  severityOf,
} from './MonitoringService';

jest.setTimeout(60_000);

const { databases, ids } = createStoreTestDatabases();

const TEAM = 'group:default/team-a';
const OTHER_TEAM = 'group:default/team-b';
const day = (n: number, hour = 0) => new Date(Date.UTC(2026, 10, n, hour));
const user = mockCredentials.user.header();

function pipelineEntity(pipelineId: string, freshness?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: pipelineId.replace(/[^a-z0-9]+/g, '-'),
      annotations: {
        [ANNOTATION_PIPELINE_ID]: pipelineId,
        ...(freshness ? { [ANNOTATION_FRESHNESS]: freshness } : {}),
      },
    },
    spec: { type: 'data-pipeline', owner: TEAM, lifecycle: 'prod' },
  };
}

function run(
  pipelineId: string,
  partitionDay: number,
  state: RunUpsert['state'],
  endedAt = day(partitionDay + 1, 3),
): RunUpsert {
  return {
    id: `${pipelineId}@${partitionDay}@${state}@${endedAt.getTime()}`,
    pipelineId,
    partitionTime: day(partitionDay),
    partitionEndTime: day(partitionDay + 1),
    state,
    stateRank: 1,
    stateTime: endedAt,
    endedAt,
    firstEventTime: day(partitionDay + 1, 1),
  };
}

describe.each(ids)('monitoring on %s', databaseId => {
  let knex: Knex;
  let now: Date;
  let notifications: { send: jest.Mock };
  let changed: string[][];

  async function setup(
    configData: Record<string, any> = {},
    entities: Entity[] = [],
  ) {
    const app = await createTestApp(knex, configData, entities);
    const config = mockServices.rootConfig({ data: configData });
    const logger = mockServices.logger.mock();
    const service = new MonitoringService({
      store: app.store,
      monitoring: app.monitoring,
      lineage: app.lineage,
      catalog: app.catalog,
      auth: mockServices.auth(),
      notifications: notifications as any,
      logger,
      options: readMonitoringOptions(config),
      onChanged: pipelineIds => changed.push(pipelineIds),
      clock: () => now,
    });
    return { ...app, service, logger };
  }

  /** Two daily pipelines: `etl` writes a table `report` reads. */
  async function seed(
    app: Awaited<ReturnType<typeof setup>>,
    firstSeenAt = day(1),
  ) {
    const writes = emptyStoreWrites();
    for (const [id, owner] of [
      ['sched:etl', TEAM],
      ['sched:report', OTHER_TEAM],
    ]) {
      writes.pipelines.push({
        id,
        source: 'sched',
        namespace: 'sched',
        name: id.split(':')[1],
        schedule: '@daily',
        owner,
        seenAt: firstSeenAt,
      });
    }
    writes.datasets.push({
      id: 'warehouse/sales',
      namespace: 'warehouse',
      name: 'sales',
      seenAt: day(1),
    });
    writes.lineageEdges.push(
      {
        pipelineId: 'sched:etl',
        datasetId: 'warehouse/sales',
        direction: 'output',
        seenAt: day(1),
      },
      {
        pipelineId: 'sched:report',
        datasetId: 'warehouse/sales',
        direction: 'input',
        seenAt: day(1),
      },
    );
    for (let d = 10; d <= 13; d++) {
      writes.runs.push(run('sched:etl', d, 'succeeded'));
      writes.runs.push(run('sched:report', d, 'succeeded'));
    }
    await app.store.applyWrites(writes);
    // Owners as the ownership sync would have written them.
    await app.store.saveOwners({
      pipelines: [
        { id: 'sched:etl', owner: TEAM },
        { id: 'sched:report', owner: OTHER_TEAM },
      ],
      datasets: [],
    });
    await app.lineage.refresh();
  }

  async function addRuns(
    app: Awaited<ReturnType<typeof setup>>,
    runs: RunUpsert[],
  ) {
    const writes = emptyStoreWrites();
    writes.runs.push(...runs);
    await app.store.applyWrites(writes);
  }

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    // Partitions 14 and 15 are past D+1 06:00 UTC and never ran.
    now = day(16, 7);
    notifications = { send: jest.fn(async () => {}) };
    changed = [];
  });

  afterEach(async () => {
    await knex.destroy();
  });

  const lateConfig = {
    pipelines: {
      freshness: {
        targets: [{ pipeline: 'sched:*', target: 'D+1 06:00 UTC' }],
      },
    },
  };

  it('marks partitions late past their deadline, everywhere the pipeline is read', async () => {
    const app = await setup(
      {
        pipelines: {
          freshness: {
            targets: [{ pipeline: 'sched:etl', target: 'D+1 06:00 UTC' }],
          },
        },
      },
      [],
    );
    await seed(app);
    const result = await app.service.evaluate();
    expect(result).toMatchObject({ evaluated: 2, withTarget: 1, late: 1 });
    expect(changed).toEqual([['sched:etl']]);

    const pipeline = await request(app.app)
      .get('/v1/pipelines/sched%3Aetl')
      .set('authorization', user);
    expect(pipeline.body).toMatchObject({
      freshnessTarget: 'D+1 06:00 UTC',
      late: {
        since: day(15, 6).toISOString(),
        partitionCount: 2,
        oldestPartition: day(14).toISOString(),
      },
    });
    const lateOnly = await request(app.app)
      .get('/v1/pipelines?late=true')
      .set('authorization', user);
    expect(lateOnly.body.items.map((p: any) => p.id)).toEqual(['sched:etl']);

    const dataset = await request(app.app)
      .get(`/v1/datasets/${encodeURIComponent('warehouse/sales')}`)
      .set('authorization', user);
    expect(dataset.body.lateSince).toBe(day(15, 6).toISOString());

    const health = await request(app.app)
      .get(`/v1/health?owner=${encodeURIComponent(TEAM)}`)
      .set('authorization', user);
    expect(health.body).toEqual({
      owners: [TEAM],
      total: 1,
      failing: 0,
      late: 1,
      stale: 0,
      healthy: 0,
      failedQualityDatasets: 0,
    });
    const missingOwner = await request(app.app)
      .get('/v1/health')
      .set('authorization', user);
    expect(missingOwner.status).toBe(400);
  });

  it('notifies once per incident with its lineage impact, and once on recovery', async () => {
    const app = await setup(lateConfig, [
      pipelineEntity('sched:etl'),
      pipelineEntity('sched:report'),
    ]);
    await seed(app);
    // The report's partitions ran, so only the ETL is late.
    await addRuns(app, [
      run('sched:report', 14, 'succeeded'),
      run('sched:report', 15, 'succeeded', day(16, 5)),
    ]);
    await app.service.evaluate();
    await app.service.evaluate();
    expect(notifications.send).toHaveBeenCalledTimes(1);
    expect(notifications.send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: TEAM },
      payload: {
        title: 'etl is late',
        description: expect.stringContaining(
          'Downstream: 1 pipelines and 1 datasets. Owners affected: group:default/team-b.',
        ),
        link: '/catalog/default/component/sched-etl/pipeline',
        severity: 'high',
        topic: 'tributary-late',
        scope: `tributary:late:sched:etl:${day(14).toISOString()}`,
      },
    });

    now = day(16, 8);
    await addRuns(app, [
      run('sched:etl', 14, 'succeeded', day(16, 7)),
      run('sched:etl', 15, 'succeeded', day(16, 7)),
    ]);
    await app.service.evaluate();
    await app.service.evaluate();
    expect(notifications.send).toHaveBeenCalledTimes(2);
    expect(notifications.send).toHaveBeenLastCalledWith({
      recipients: { type: 'entity', entityRef: TEAM },
      payload: expect.objectContaining({
        title: 'etl is fresh again',
        severity: 'low',
        scope: `tributary:late:sched:etl:${day(14).toISOString()}`,
      }),
    });
    const pipeline = await app.store.getPipeline('sched:etl');
    expect(pipeline?.late).toBeUndefined();
  });

  it('alerts on a failure streak of the configured length and on recovery', async () => {
    const app = await setup({
      pipelines: { monitoring: { failureStreak: 2 } },
    });
    await seed(app);
    await addRuns(app, [run('sched:etl', 14, 'failed')]);
    await app.service.evaluate();
    expect((await app.store.getPipeline('sched:etl'))?.failureStreak).toBe(1);
    expect(notifications.send).not.toHaveBeenCalled();

    await addRuns(app, [run('sched:etl', 15, 'failed')]);
    await app.service.evaluate();
    await app.service.evaluate();
    expect(notifications.send).toHaveBeenCalledTimes(1);
    expect(notifications.send.mock.calls[0][0].payload.title).toBe(
      'etl failed 2 times in a row',
    );
    const health = await request(app.app)
      .get(`/v1/health?owner=${encodeURIComponent(TEAM)}`)
      .set('authorization', user);
    expect(health.body).toMatchObject({ failing: 1, healthy: 0 });

    // A retry of the last partition succeeds: the streak ends.
    await addRuns(app, [run('sched:etl', 15, 'succeeded', day(16, 6))]);
    await app.service.evaluate();
    expect(notifications.send).toHaveBeenCalledTimes(2);
    expect(notifications.send.mock.calls[1][0].payload.title).toBe(
      'etl recovered',
    );
    expect((await app.store.getPipeline('sched:etl'))?.failureStreak).toBe(
      undefined,
    );
  });

  it('counts partitions from the oldest run of a pipeline first seen just now', async () => {
    const app = await setup(lateConfig);
    // A scheduler polled for the first time reports days of history.
    await seed(app, day(16, 6));
    await app.service.evaluate();
    expect((await app.store.getPipeline('sched:etl'))?.late).toMatchObject({
      partitionCount: 2,
      oldestPartition: day(14).toISOString(),
    });
  });

  it('uses the target the source reports when neither annotation nor config names one', async () => {
    const app = await setup();
    await seed(app);
    await app.store.applyWrites(
      providerWrites(
        { id: 'sched', type: 'fake' },
        {
          pipelines: [
            { name: 'etl', schedule: '@daily', freshnessTarget: 'PT3H' },
          ],
          runs: [],
          dependencies: [],
        },
        day(16),
      ),
    );
    await app.service.evaluate();
    expect(await app.store.getPipeline('sched:etl')).toMatchObject({
      freshnessTarget: 'PT3H',
      late: { partitionCount: 2, since: day(15, 3).toISOString() },
    });
  });

  it('holds an alert until the pipeline has an owner to tell', async () => {
    const app = await setup(lateConfig);
    await seed(app);
    await app.store.saveOwners({
      pipelines: [{ id: 'sched:etl', owner: null }],
      datasets: [],
    });
    await addRuns(app, [
      run('sched:report', 14, 'succeeded'),
      run('sched:report', 15, 'succeeded', day(16, 5)),
    ]);
    await app.service.evaluate();
    expect(notifications.send).not.toHaveBeenCalled();
    await app.store.saveOwners({
      pipelines: [{ id: 'sched:etl', owner: TEAM }],
      datasets: [],
    });
    await app.service.evaluate();
    expect(notifications.send).toHaveBeenCalledTimes(1);
    expect(notifications.send.mock.calls[0][0].payload.title).toBe(
      'etl is late',
    );
  });

  it('sends an alert again next cycle when the notification failed', async () => {
    const app = await setup(lateConfig);
    await seed(app);
    await addRuns(app, [
      run('sched:report', 14, 'succeeded'),
      run('sched:report', 15, 'succeeded', day(16, 5)),
    ]);
    notifications.send.mockRejectedValueOnce(new Error('notifications down'));
    await app.service.evaluate();
    await app.service.evaluate();
    await app.service.evaluate();
    expect(notifications.send).toHaveBeenCalledTimes(2);
    expect(notifications.send.mock.calls[1][0].payload.title).toBe(
      'etl is late',
    );
  });

  it('takes the annotation over config, and warns about a bad one', async () => {
    const app = await setup(lateConfig, [
      // Due a week after the partition: not late yet.
      pipelineEntity('sched:etl', 'P7D'),
      pipelineEntity('sched:report', 'D+1 06:00'),
    ]);
    await seed(app);
    await app.service.evaluate();
    const etl = await app.store.getPipeline('sched:etl');
    expect(etl).toMatchObject({ freshnessTarget: 'P7D' });
    expect(etl?.late).toBeUndefined();
    // The bad annotation is ignored: the config's target applies.
    const report = await app.store.getPipeline('sched:report');
    expect(report).toMatchObject({ freshnessTarget: 'D+1 06:00 UTC' });
    expect(report?.late?.partitionCount).toBe(2);
    expect(app.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('the time zone is missing'),
    );
  });

  it('counts datasets whose latest checked run failed an assertion', async () => {
    const app = await setup();
    await seed(app);
    await app.store.saveOwners({
      pipelines: [],
      datasets: [{ id: 'warehouse/sales', owner: TEAM }],
    });
    const writes = emptyStoreWrites();
    writes.qualityResults.push(
      {
        runId: 'r1',
        datasetId: 'warehouse/sales',
        assertion: 'not_null',
        success: false,
        observedAt: day(12),
      },
      {
        runId: 'r2',
        datasetId: 'warehouse/sales',
        assertion: 'not_null',
        success: true,
        observedAt: day(13),
      },
    );
    await app.store.applyWrites(writes);
    expect(await app.monitoring.ownerHealth([TEAM])).toMatchObject({
      failedQualityDatasets: 0,
    });
    const failing = emptyStoreWrites();
    failing.qualityResults.push({
      runId: 'r3',
      datasetId: 'warehouse/sales',
      assertion: 'unique',
      success: false,
      observedAt: day(14),
    });
    await app.store.applyWrites(failing);
    expect(await app.monitoring.ownerHealth([TEAM])).toMatchObject({
      failedQualityDatasets: 1,
    });
  });
});

describe('readMonitoringOptions', () => {
  it('refuses a bad target in config with where it is and why', () => {
    expect(() =>
      readMonitoringOptions(
        mockServices.rootConfig({
          data: {
            pipelines: {
              freshness: { targets: [{ pipeline: 'x:*', target: 'tomorrow' }] },
            },
          },
        }),
      ),
    ).toThrow(/pipelines\.freshness\.targets\[0\]/);
  });

  it('matches pipeline ids with * patterns', () => {
    const [target] = readMonitoringOptions(
      mockServices.rootConfig({
        data: {
          pipelines: {
            freshness: {
              targets: [{ pipeline: 'airflow:prod:sales_*', target: 'PT6H' }],
            },
          },
        },
      }),
    ).targets;
    expect(target.pattern.test('airflow:prod:sales_daily')).toBe(true);
    expect(target.pattern.test('airflow:prod:marketing')).toBe(false);
    expect(target.pattern.test('xairflow:prod:sales_daily')).toBe(false);
  });
});

describe('severityOf', () => {
  it.each([
    [0, 'normal'],
    [1, 'high'],
    [9, 'high'],
    [10, 'critical'],
  ])('is %s downstream pipelines → %s', (downstreamPipelines, severity) => {
    expect(
      severityOf({ downstreamPipelines, downstreamDatasets: 3, owners: [] }),
    ).toBe(severity);
  });
});
