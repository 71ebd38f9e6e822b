import { mockServices } from '@backstage/backend-test-utils';
import { runEvent } from '../__testUtils__/fixtures';
import { mapOpenLineageEvent } from '../ingest/mapOpenLineageEvent';
import metricsEvent from '../ingest/__fixtures__/data_quality_metrics_event.json';
import { RawEventRetention } from '../service/RawEventRetention';
import { PipelineUpsert } from './PipelinesStore';
import { concatStoreWrites, emptyStoreWrites } from './StoreWrites';
import { toDate } from './dbTime';
import {
  DatabasePipelinesStore,
  RUN_COUNT_CAP,
} from './DatabasePipelinesStore';
import {
  createStoreTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const { databases, ids } = createStoreTestDatabases();

function pipeline(
  name: string,
  overrides: Partial<PipelineUpsert> = {},
): PipelineUpsert {
  return {
    id: `luigi:${name}`,
    source: 'luigi',
    namespace: 'luigi://central',
    name,
    seenAt: new Date('2026-11-01T00:00:00Z'),
    ...overrides,
  };
}

/** `publish` writes warehouse/mart.users, also known as bigquery/acme.users. */
function publishedWithAlias() {
  return runEvent({
    eventType: 'COMPLETE',
    eventTime: '2026-11-02T01:00:00Z',
    job: 'publish',
    extra: {
      outputs: [
        {
          namespace: 'warehouse',
          name: 'mart.users',
          facets: {
            symlinks: {
              _producer: 'https://example.com',
              _schemaURL: 'https://example.com/schema',
              identifiers: [
                { namespace: 'bigquery', name: 'acme.users', type: 'TABLE' },
              ],
            },
          },
        },
      ],
    },
  });
}

describe.each(ids)('DatabasePipelinesStore on %s', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    const store = await DatabasePipelinesStore.create({
      database: databaseServiceFor(knex),
    });
    return { knex, store };
  }

  it('stores quotes, backslashes, question marks, array syntax and unicode exactly', async () => {
    const { store } = await createStore();
    // Also what an array literal would misread: braces, commas, double quotes, NULL.
    const tricky = ` it's a \\ path? $1 :name "{NULL, x}" \u00fcn\u00efcode \u{1F600} ? `;
    const receivedAt = new Date('2026-11-02T00:00:00Z');
    await store.applyWrites({
      ...emptyStoreWrites(),
      pipelines: [pipeline(tricky, { description: `${tricky}\n${tricky}` })],
      rawEvents: [
        {
          id: 'e'.repeat(64),
          eventTime: receivedAt,
          receivedAt,
          payload: JSON.stringify({ note: tricky }),
        },
      ],
    });
    expect(await store.getPipeline(`luigi:${tricky}`)).toMatchObject({
      name: tricky,
      description: `${tricky}\n${tricky}`,
    });
    const [raw] = await store.listRawEventsReceivedSince({
      since: receivedAt,
      limit: 1,
    });
    expect(JSON.parse(raw.payload)).toEqual({ note: tricky });
  });

  it('runs two commits at once only on a database that writes two at once', async () => {
    const { store } = await createStore();
    const expected = databaseId.startsWith('POSTGRES') ? 2 : 1;
    expect(store.concurrentCommits).toBe(expected);
  });

  it('migrates up, down and up again', async () => {
    const knex = await databases.init(databaseId);
    await DatabasePipelinesStore.migrateLatest(knex);
    expect(await knex.schema.hasTable('pipelines')).toBe(true);

    await DatabasePipelinesStore.migrateDownAll(knex);
    expect(await knex.schema.hasTable('pipelines')).toBe(false);

    await DatabasePipelinesStore.migrateLatest(knex);
    expect(await knex.schema.hasTable('pipelines')).toBe(true);
    const store = await DatabasePipelinesStore.create({
      database: databaseServiceFor(knex),
    });
    await store.upsertPipelines([pipeline('AfterRoundTrip')]);
    expect(await store.getPipeline('luigi:AfterRoundTrip')).toMatchObject({
      name: 'AfterRoundTrip',
    });
  });

  it('pages through pipelines in id order with a total count', async () => {
    const { store } = await createStore();
    await store.upsertPipelines(
      Array.from({ length: 7 }, (_, i) => pipeline(`Task${i}`)),
    );

    const first = await store.listPipelines({ offset: 0, limit: 3 });
    expect(first.totalCount).toBe(7);
    expect(first.items.map(p => p.name)).toEqual(['Task0', 'Task1', 'Task2']);

    const last = await store.listPipelines({ offset: 6, limit: 3 });
    expect(last.items.map(p => p.name)).toEqual(['Task6']);
    expect(last.totalCount).toBe(7);

    const beyond = await store.listPipelines({ offset: 10, limit: 3 });
    expect(beyond).toEqual({ items: [], totalCount: 7 });
  });

  it('round-trips every field with ISO timestamps', async () => {
    const { store } = await createStore();
    await store.upsertPipelines([
      pipeline('DailyStreams', {
        title: 'Daily streams',
        description: 'Aggregates streams per day',
        owner: 'group:default/data-platform',
        system: 'royalties',
        schedule: '@daily',
        freshnessTarget: 'D+1 06:00 UTC',
        entityRef: 'component:default/daily-streams',
        sourceUrl: 'http://luigi.example/static/visualiser/index.html',
        latestRunState: 'failed',
        latestRunAt: new Date('2026-11-02T03:04:05Z'),
      }),
    ]);

    expect(await store.getPipeline('luigi:DailyStreams')).toEqual({
      id: 'luigi:DailyStreams',
      source: 'luigi',
      namespace: 'luigi://central',
      name: 'DailyStreams',
      title: 'Daily streams',
      description: 'Aggregates streams per day',
      owner: 'group:default/data-platform',
      system: 'royalties',
      schedule: '@daily',
      freshnessTarget: 'D+1 06:00 UTC',
      entityRef: 'component:default/daily-streams',
      sourceUrl: 'http://luigi.example/static/visualiser/index.html',
      firstSeenAt: '2026-11-01T00:00:00.000Z',
      lastSeenAt: '2026-11-01T00:00:00.000Z',
      latestRunState: 'failed',
      latestRunAt: '2026-11-02T03:04:05.000Z',
    });
    expect(await store.getPipeline('luigi:Missing')).toBeUndefined();
  });

  it('keeps first-seen, known fields and the newest run on a later upsert', async () => {
    const { store } = await createStore();
    await store.upsertPipelines([
      pipeline('Ingest', {
        owner: 'group:default/ingest',
        latestRunState: 'succeeded',
        latestRunAt: new Date('2026-11-05T00:00:00Z'),
      }),
    ]);
    // A later poll that knows less, and reports an older run.
    await store.upsertPipelines([
      pipeline('Ingest', {
        seenAt: new Date('2026-11-06T00:00:00Z'),
        latestRunState: 'failed',
        latestRunAt: new Date('2026-11-04T00:00:00Z'),
      }),
    ]);

    const stored = await store.getPipeline('luigi:Ingest');
    expect(stored).toMatchObject({
      owner: 'group:default/ingest',
      firstSeenAt: '2026-11-01T00:00:00.000Z',
      lastSeenAt: '2026-11-06T00:00:00.000Z',
      latestRunState: 'succeeded',
      latestRunAt: '2026-11-05T00:00:00.000Z',
    });

    await store.upsertPipelines([
      pipeline('Ingest', {
        latestRunState: 'running',
        latestRunAt: new Date('2026-11-07T00:00:00Z'),
      }),
    ]);
    expect(await store.getPipeline('luigi:Ingest')).toMatchObject({
      latestRunState: 'running',
      latestRunAt: '2026-11-07T00:00:00.000Z',
      lastSeenAt: '2026-11-06T00:00:00.000Z',
    });
  });

  it('filters by search text, owner, source and state', async () => {
    const { store } = await createStore();
    await store.upsertPipelines([
      pipeline('StreamsDaily', {
        owner: 'group:default/royalties',
        latestRunState: 'failed',
        latestRunAt: new Date('2026-11-02T00:00:00Z'),
      }),
      pipeline('Users_Hourly', { owner: 'group:default/growth' }),
      pipeline('UsersXHourly', { owner: 'group:default/growth' }),
      {
        ...pipeline('payments.settle'),
        id: 'flyte:payments.settle',
        source: 'flyte',
        title: 'Settle Payments',
      },
    ]);

    const names = async (
      filter: Partial<Parameters<typeof store.listPipelines>[0]>,
    ) =>
      (
        await store.listPipelines({ offset: 0, limit: 50, ...filter })
      ).items.map(p => p.name);

    expect(await names({ search: 'STREAMS' })).toEqual(['StreamsDaily']);
    expect(await names({ search: 'settle payments' })).toEqual([
      'payments.settle',
    ]);
    // '_' is a literal, not a LIKE wildcard.
    expect(await names({ search: 'users_' })).toEqual(['Users_Hourly']);
    expect((await names({ owners: ['group:default/growth'] })).sort()).toEqual(
      ['UsersXHourly', 'Users_Hourly'].sort(),
    );
    expect(
      (
        await names({
          owners: ['group:default/growth', 'group:default/royalties'],
        })
      ).sort(),
    ).toEqual(['StreamsDaily', 'UsersXHourly', 'Users_Hourly'].sort());
    expect(await names({ source: 'flyte' })).toEqual(['payments.settle']);
    expect(await names({ state: 'failed' })).toEqual(['StreamsDaily']);
    const page = await store.listPipelines({
      offset: 0,
      limit: 1,
      owners: ['group:default/growth'],
    });
    expect(page.totalCount).toBe(2);
    expect(await store.listSources()).toEqual([
      { source: 'flyte', count: 1 },
      { source: 'luigi', count: 3 },
    ]);
  });

  it('adds the latest attempt of each of the latest partitions of each listed pipeline, newest first', async () => {
    const { store } = await createStore();
    const writes = emptyStoreWrites();
    writes.pipelines.push(
      pipeline('Hourly'),
      pipeline('Quiet'),
      pipeline('Adhoc'),
    );
    const hourly = (hour: number, minute = 0) =>
      new Date(Date.UTC(2026, 10, 1, hour, minute));
    for (let hour = 0; hour < 5; hour++) {
      writes.runs.push({
        id: `luigi:Hourly-${hour}`,
        pipelineId: 'luigi:Hourly',
        partitionTime: hourly(hour),
        state: hour === 3 ? 'failed' : 'succeeded',
        stateRank: 1,
        stateTime: hourly(hour, 30),
        startedAt: hourly(hour, 10),
        firstEventTime: hourly(hour, 10),
      });
    }
    // Retries: the partition's latest attempt is the one shown.
    for (const [hour, state] of [
      [3, 'succeeded'],
      [2, 'failed'],
    ] as const) {
      writes.runs.push({
        id: `luigi:Hourly-${hour}-retry`,
        pipelineId: 'luigi:Hourly',
        partitionTime: hourly(hour),
        state,
        stateRank: 1,
        attempt: 2,
        stateTime: hourly(hour, 50),
        startedAt: hourly(hour, 40),
        firstEventTime: hourly(hour, 40),
      });
    }
    // Runs without a partition each stand for one.
    for (let hour = 0; hour < 3; hour++) {
      writes.runs.push({
        id: `luigi:Adhoc-${hour}`,
        pipelineId: 'luigi:Adhoc',
        state: 'succeeded',
        stateRank: 1,
        stateTime: hourly(hour, 5),
        firstEventTime: hourly(hour),
      });
    }
    await store.applyWrites(writes);

    const page = await store.listPipelines({
      offset: 0,
      limit: 10,
      recentRuns: 3,
    });
    const byName = Object.fromEntries(page.items.map(p => [p.name, p]));
    expect(
      byName.Hourly.recentRuns?.map(r => [r.id, r.partition, r.state]),
    ).toEqual([
      ['luigi:Hourly-4', '2026-11-01T04:00:00.000Z', 'succeeded'],
      ['luigi:Hourly-3-retry', '2026-11-01T03:00:00.000Z', 'succeeded'],
      ['luigi:Hourly-2-retry', '2026-11-01T02:00:00.000Z', 'failed'],
    ]);
    expect(byName.Adhoc.recentRuns?.map(r => r.id)).toEqual([
      'luigi:Adhoc-2',
      'luigi:Adhoc-1',
      'luigi:Adhoc-0',
    ]);
    expect(byName.Quiet.recentRuns).toEqual([]);
    // More asked for than there are: every partition.
    const all = await store.listPipelines({
      offset: 0,
      limit: 10,
      recentRuns: 10,
      search: 'Hourly',
    });
    expect(all.items[0].recentRuns?.map(r => r.id)).toEqual([
      'luigi:Hourly-4',
      'luigi:Hourly-3-retry',
      'luigi:Hourly-2-retry',
      'luigi:Hourly-1',
      'luigi:Hourly-0',
    ]);
    expect(
      (await store.listPipelines({ offset: 0, limit: 10 })).items[0].recentRuns,
    ).toBeUndefined();
  });

  it('writes a large batch in one call', async () => {
    const { store } = await createStore();
    await store.upsertPipelines(
      Array.from({ length: 1000 }, (_, i) =>
        pipeline(`Bulk${String(i).padStart(4, '0')}`),
      ),
    );
    const page = await store.listPipelines({ offset: 999, limit: 5 });
    expect(page.totalCount).toBe(1000);
    expect(page.items.map(p => p.name)).toEqual(['Bulk0999']);
  });
});

describe.each(ids)('DatabasePipelinesStore writes on %s', databaseId => {
  const runId = '22222222-2222-4222-8222-222222222222';
  const received = new Date('2026-11-03T00:00:00Z');
  const events = {
    START: runEvent({
      eventType: 'START',
      eventTime: '2026-11-02T01:00:00Z',
      runId,
      job: 'hourly',
      inputs: ['raw'],
    }),
    RUNNING: runEvent({
      eventType: 'RUNNING',
      eventTime: '2026-11-02T01:30:00Z',
      runId,
      job: 'hourly',
    }),
    COMPLETE: runEvent({
      eventType: 'COMPLETE',
      eventTime: '2026-11-02T02:00:00Z',
      runId,
      job: 'hourly',
      outputs: ['agg'],
    }),
  };
  const writesOf = (event: any) => mapOpenLineageEvent(event, received);

  async function createStore() {
    const knex = await databases.init(databaseId);
    const store = await DatabasePipelinesStore.create({
      database: databaseServiceFor(knex),
    });
    return { knex, store };
  }

  const permutations: Array<Array<keyof typeof events>> = [
    ['START', 'RUNNING', 'COMPLETE'],
    ['COMPLETE', 'RUNNING', 'START'],
    ['RUNNING', 'COMPLETE', 'START'],
    ['COMPLETE', 'START', 'RUNNING'],
  ];

  it('ends in the same run whatever order the events come in', async () => {
    const outcomes = [];
    for (const order of permutations) {
      const { store } = await createStore();
      for (const type of order) {
        await store.applyWrites(writesOf(events[type]));
      }
      const { updatedAt: _ignored, ...run } = (await store.getRun(runId))!;
      outcomes.push(run);
    }
    expect(outcomes[0]).toEqual({
      id: runId,
      pipelineId: 'tests:hourly',
      state: 'succeeded',
      sourceState: 'COMPLETE',
      startedAt: '2026-11-02T01:00:00.000Z',
      endedAt: '2026-11-02T02:00:00.000Z',
    });
    for (const outcome of outcomes) {
      expect(outcome).toEqual(outcomes[0]);
    }
  });

  it('writes nothing of a commit that fails part-way, and commits the next', async () => {
    const { store } = await createStore();
    const broken = writesOf(events.START);
    // The runs come after the raw event and the pipeline in the transaction.
    broken.runs[0] = { ...broken.runs[0], pipelineId: null as any };
    // Not `rejects.toThrow`: it sometimes misses better-sqlite3's error.
    const failure = await store.applyWrites(broken).then(
      () => 'committed',
      error => String(error),
    );
    expect(failure).toMatch(/null/i);
    expect(await store.countRawEvents()).toBe(0);
    expect(await store.getPipeline('tests:hourly')).toBeUndefined();
    await store.applyWrites(writesOf(events.START));
    expect(await store.countRawEvents()).toBe(1);
    expect(await store.getRun(runId)).toMatchObject({ state: 'running' });
  });

  it('merges several events of one run inside one transaction', async () => {
    const { store } = await createStore();
    await store.applyWrites(
      concatStoreWrites([
        writesOf(events.COMPLETE),
        writesOf(events.START),
        writesOf(events.RUNNING),
      ]),
    );
    expect(await store.getRun(runId)).toMatchObject({
      state: 'succeeded',
      startedAt: '2026-11-02T01:00:00.000Z',
    });
    expect(await store.countRawEvents()).toBe(3);
    // The pipeline's denormalized latest state follows its latest run.
    expect(await store.getPipeline('tests:hourly')).toMatchObject({
      latestRunState: 'succeeded',
    });
  });

  it("moves a pipeline's updated_at with its latest state, not with each later run", async () => {
    const { knex, store } = await createStore();
    const updatedAt = async () => {
      const row = await knex('pipelines').where({ id: 'tests:hourly' }).first();
      return toDate(row.updated_at).getTime();
    };
    const ingest = async (...batch: object[]) => {
      await store.applyWrites(concatStoreWrites(batch.map(writesOf)), {
        deferTouches: true,
      });
      await store.flushDeferredTouches();
    };
    const laterRun = (eventType: string, eventTime: string, id: string) =>
      runEvent({ eventType, eventTime, runId: id, job: 'hourly' });
    const pause = () => new Promise(resolve => setTimeout(resolve, 10));

    await ingest(events.START, events.COMPLETE);
    const first = await updatedAt();

    await pause();
    const second = '33333333-3333-4333-8333-333333333333';
    await ingest(
      laterRun('START', '2026-11-02T03:00:00Z', second),
      laterRun('COMPLETE', '2026-11-02T04:00:00Z', second),
    );
    expect(await store.getPipeline('tests:hourly')).toMatchObject({
      latestRunState: 'succeeded',
      latestRunAt: '2026-11-02T03:00:00.000Z',
    });
    expect(await updatedAt()).toBe(first);

    await pause();
    const third = '44444444-4444-4444-8444-444444444444';
    await ingest(laterRun('FAIL', '2026-11-02T05:00:00Z', third));
    expect(await store.getPipeline('tests:hourly')).toMatchObject({
      latestRunState: 'failed',
      latestRunAt: '2026-11-02T05:00:00.000Z',
    });
    expect(await updatedAt()).toBeGreaterThan(first);
  });

  it('pages runs newest partition first, by window and by state', async () => {
    const { store } = await createStore();
    const hours = [0, 1, 2, 3, 4, 5];
    await store.applyWrites(
      concatStoreWrites(
        hours.map(hour =>
          writesOf(
            runEvent({
              eventType: hour === 3 ? 'FAIL' : 'COMPLETE',
              eventTime: `2026-11-02T0${hour}:50:00Z`,
              runId: `33333333-3333-4333-8333-00000000000${hour}`,
              job: 'hourly',
              runFacets: {
                nominalTime: {
                  _producer: 'https://example.com',
                  _schemaURL: 'https://example.com/schema',
                  nominalStartTime: `2026-11-02T0${hour}:00:00Z`,
                },
              },
            }),
          ),
        ),
      ),
    );

    const page = await store.listRuns({
      pipelineId: 'tests:hourly',
      offset: 0,
      limit: 2,
    });
    expect(page.totalCount).toBe(6);
    expect(page.items.map(r => r.partition)).toEqual([
      '2026-11-02T05:00:00.000Z',
      '2026-11-02T04:00:00.000Z',
    ]);

    const window = await store.listRuns({
      pipelineId: 'tests:hourly',
      offset: 0,
      limit: 10,
      from: new Date('2026-11-02T01:00:00Z'),
      to: new Date('2026-11-02T03:00:00Z'),
    });
    expect(window.items.map(r => r.partition)).toEqual([
      '2026-11-02T02:00:00.000Z',
      '2026-11-02T01:00:00.000Z',
    ]);

    const failed = await store.listRuns({
      pipelineId: 'tests:hourly',
      offset: 0,
      limit: 10,
      state: 'failed',
    });
    expect(failed.items.map(r => r.partition)).toEqual([
      '2026-11-02T03:00:00.000Z',
    ]);
    expect(await store.getPipeline('tests:hourly')).toMatchObject({
      latestRunState: 'succeeded',
      latestRunAt: '2026-11-02T05:00:00.000Z',
    });
  });

  it('prunes raw events older than the retention, and nothing else', async () => {
    const { store } = await createStore();
    await store.applyWrites(
      mapOpenLineageEvent(events.START, new Date('2026-10-01T00:00:00Z')),
    );
    await store.applyWrites(
      mapOpenLineageEvent(events.COMPLETE, new Date('2026-11-20T00:00:00Z')),
    );

    const retention = await RawEventRetention.start({
      store,
      scheduler: mockServices.scheduler.mock(),
      logger: mockServices.logger.mock(),
      retention: { days: 14 },
    });
    expect(await retention.prune(new Date('2026-11-28T00:00:00Z'))).toBe(1);
    expect(await store.countRawEvents()).toBe(1);
    // Derived state is not raw data: it stays.
    expect(await store.getRun(runId)).toMatchObject({ state: 'succeeded' });
  });

  it('lists lineage edges, and only newer ones after a cursor', async () => {
    const { store } = await createStore();
    await store.applyWrites(writesOf(events.START));
    const all = await store.listLineageEdges();
    expect(all.map(({ from, to }) => ({ from, to }))).toEqual([
      { from: 'dataset:warehouse/raw', to: 'pipeline:tests:hourly' },
    ]);
    const cursor = all[0].createdAt;

    await new Promise(resolve => setTimeout(resolve, 5));
    await store.applyWrites(writesOf(events.COMPLETE));
    await store.applyWrites(writesOf(events.START)); // seen again: not new
    const newer = await store.listLineageEdges(cursor);
    expect(newer.map(({ from, to }) => ({ from, to }))).toEqual([
      { from: 'pipeline:tests:hourly', to: 'dataset:warehouse/agg' },
    ]);
  });

  it('keeps the latest quality result per assertion', async () => {
    const { store } = await createStore();
    const result = (success: boolean, observedAt: string) => ({
      ...emptyStoreWrites(),
      qualityResults: [
        {
          runId,
          datasetId: 'warehouse/raw',
          assertion: 'not_null',
          column: 'id',
          success,
          observedAt: new Date(observedAt),
        },
      ],
    });
    await store.applyWrites(result(true, '2026-11-02T02:00:00Z'));
    await store.applyWrites(result(false, '2026-11-02T01:00:00Z'));
    expect(await store.listQualityResults('warehouse/raw', 10)).toEqual([
      {
        runId,
        datasetId: 'warehouse/raw',
        assertion: 'not_null',
        column: 'id',
        success: true,
        observedAt: '2026-11-02T02:00:00.000Z',
      },
    ]);
  });

  it('keeps the latest quality metrics per run and dataset, newest first', async () => {
    const { store } = await createStore();
    const metricsRunId = metricsEvent.run.runId;
    const output = metricsEvent.outputs[0];
    const withOutput = (eventTime: string, rowCount: number, extra = {}) => ({
      ...metricsEvent,
      eventTime,
      inputs: [],
      outputs: [
        {
          ...output,
          facets: {
            dataQualityMetrics: {
              ...output.facets.dataQualityMetrics,
              rowCount,
            },
          },
        },
      ],
      ...extra,
    });
    await store.applyWrites(writesOf(metricsEvent));
    const first = await store.listQualityMetrics('warehouse/mart.payments', 10);
    expect(first).toEqual([
      {
        runId: metricsRunId,
        datasetId: 'warehouse/mart.payments',
        partition: '2026-11-02T00:00:00.000Z',
        observedAt: '2026-11-02T02:00:00.000Z',
        rowCount: 10,
        bytes: 2048,
        fileCount: 1,
        columns: {
          amount: {
            count: 10,
            max: 1500,
            min: 100,
            sum: 6600,
            quantiles: { '0.5': 450, '0.9': 1400 },
          },
        },
      },
    ]);

    // Seen again: nothing changes.
    await store.applyWrites(writesOf(metricsEvent));
    expect(
      await store.listQualityMetrics('warehouse/mart.payments', 10),
    ).toEqual(first);

    // A later event of the run replaces the metrics, and keeps the partition
    // it does not repeat; an earlier one arriving late changes nothing.
    const later = withOutput('2026-11-02T03:00:00Z', 12, {
      run: { runId: metricsRunId, facets: {} },
    });
    await store.applyWrites(writesOf(later));
    await store.applyWrites(
      writesOf(withOutput('2026-11-02T01:00:00Z', 8, {})),
    );
    const replaced = await store.listQualityMetrics(
      'warehouse/mart.payments',
      10,
    );
    expect(replaced).toEqual([
      {
        ...first[0],
        observedAt: '2026-11-02T03:00:00.000Z',
        rowCount: 12,
      },
    ]);

    // Another run, observed later, comes first; the limit applies.
    const otherRunId = '44444444-4444-4444-8444-444444444444';
    await store.applyWrites(
      writesOf(
        withOutput('2026-11-02T05:00:00Z', 20, {
          run: { runId: otherRunId, facets: {} },
        }),
      ),
    );
    const listed = await store.listQualityMetrics(
      'warehouse/mart.payments',
      10,
    );
    expect(listed.map(m => [m.runId, m.rowCount])).toEqual([
      [otherRunId, 20],
      [metricsRunId, 12],
    ]);
    expect(
      (await store.listQualityMetrics('warehouse/mart.payments', 1)).map(
        m => m.runId,
      ),
    ).toEqual([otherRunId]);

    // In one transaction too: the later event wins whatever the order.
    const thirdRunId = '55555555-5555-4555-8555-555555555555';
    await store.applyWrites(
      concatStoreWrites([
        writesOf(
          withOutput('2026-11-02T07:00:00Z', 31, {
            run: { runId: thirdRunId, facets: {} },
          }),
        ),
        writesOf(
          withOutput('2026-11-02T06:00:00Z', 30, {
            run: { ...metricsEvent.run, runId: thirdRunId },
          }),
        ),
      ]),
    );
    expect(
      (await store.listQualityMetrics('warehouse/mart.payments', 1))[0],
    ).toMatchObject({
      runId: thirdRunId,
      rowCount: 31,
      partition: '2026-11-02T00:00:00.000Z',
      observedAt: '2026-11-02T07:00:00.000Z',
    });
    expect(
      (await store.listQualityMetrics('warehouse/raw.payments', 10)).map(m => [
        m.runId,
        m.rowCount,
        m.columns?.user_id,
      ]),
    ).toEqual([[metricsRunId, 10, { distinctCount: 3, nullCount: 0 }]]);
  });

  it('stores quality metrics of an alias under its dataset', async () => {
    const { store } = await createStore();
    await store.applyWrites(writesOf(publishedWithAlias()));
    await store.applyWrites(
      writesOf(
        runEvent({
          eventType: 'COMPLETE',
          eventTime: '2026-11-02T02:00:00Z',
          runId,
          job: 'check',
          extra: {
            inputs: [
              {
                namespace: 'bigquery',
                name: 'acme.users',
                inputFacets: {
                  dataQualityMetrics: {
                    _producer: 'https://example.com',
                    _schemaURL: 'https://example.com/schema',
                    rowCount: 3,
                    columnMetrics: {},
                  },
                },
              },
            ],
          },
        }),
      ),
    );
    const expected = [
      {
        runId,
        datasetId: 'warehouse/mart.users',
        observedAt: '2026-11-02T02:00:00.000Z',
        rowCount: 3,
      },
    ];
    expect(await store.listQualityMetrics('warehouse/mart.users', 10)).toEqual(
      expected,
    );
    expect(await store.listQualityMetrics('bigquery/acme.users', 10)).toEqual(
      expected,
    );
  });

  it('moves what was stored under a dataset id before it became an alias to its dataset', async () => {
    const { knex, store } = await createStore();
    const alias = 'bigquery/acme.users';
    const dataset = 'warehouse/mart.users';
    const early = new Date('2026-10-01T00:00:00Z');
    // Before any event says that the id is an alias.
    const before = emptyStoreWrites();
    before.pipelines.push(pipeline('reader'));
    before.datasets.push({
      id: alias,
      namespace: 'bigquery',
      name: 'acme.users',
      seenAt: early,
    });
    before.lineageEdges.push({
      pipelineId: 'luigi:reader',
      datasetId: alias,
      direction: 'input',
      seenAt: early,
    });
    before.columnLineage.push({
      datasetId: 'warehouse/report',
      field: 'users',
      inputDatasetId: alias,
      inputField: 'id',
      seenAt: early,
    });
    before.qualityResults.push({
      runId: 'run-1',
      datasetId: alias,
      assertion: 'not_null',
      column: 'id',
      success: false,
      observedAt: early,
    });
    await store.applyWrites(before);

    await store.applyWrites(writesOf(publishedWithAlias()));

    const details = await store.getDataset(alias);
    expect({
      id: details?.id,
      firstSeenAt: details?.firstSeenAt,
      consumers: details?.consumers.map(p => p.id),
      producers: details?.producers.map(p => p.id),
    }).toEqual({
      id: dataset,
      firstSeenAt: early.toISOString(),
      consumers: ['luigi:reader'],
      producers: ['tests:publish'],
    });
    expect(
      (await store.listLineageEdges()).map(e => [e.from, e.to]).sort(),
    ).toEqual(
      [
        [`dataset:${dataset}`, 'pipeline:luigi:reader'],
        ['pipeline:tests:publish', `dataset:${dataset}`],
      ].sort(),
    );
    expect(
      (await store.listColumnLineage('warehouse/report')).map(
        c => c.inputDatasetId,
      ),
    ).toEqual([dataset]);
    expect(
      (await store.listQualityResults(dataset, 10)).map(q => [
        q.runId,
        q.assertion,
        q.success,
      ]),
    ).toEqual([['run-1', 'not_null', false]]);
    expect(
      (await store.listDatasets({ offset: 0, limit: 10 })).items
        .map(d => d.id)
        .sort(),
    ).toEqual([dataset]);

    // A replica that had not learnt of the alias yet wrote under it: the
    // next merge moves that too, merging seen times with the stored edge.
    await knex('lineage_edges').insert({
      pipeline_id: 'luigi:reader',
      dataset_id: alias,
      direction: 'input',
      first_seen_at: new Date('2026-09-01T00:00:00Z'),
      last_seen_at: new Date('2026-12-01T00:00:00Z'),
      created_at: new Date('2026-12-01T00:00:00Z'),
    });
    expect(await store.mergeAliasedDatasets()).toBe(1);
    expect(await store.mergeAliasedDatasets()).toBe(0);
    const edges = await knex('lineage_edges')
      .where({ pipeline_id: 'luigi:reader' })
      .select('dataset_id', 'first_seen_at', 'last_seen_at');
    expect(
      edges.map(e => [
        e.dataset_id,
        toDate(e.first_seen_at).toISOString(),
        toDate(e.last_seen_at).toISOString(),
      ]),
    ).toEqual([
      [dataset, '2026-09-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ]);
  });

  it('flushes a touch held for a dataset that became an alias meanwhile to the dataset it names', async () => {
    const { store } = await createStore();
    const seenAt = (day: number) => ({
      id: 'bigquery/acme.users',
      namespace: 'bigquery',
      name: 'acme.users',
      seenAt: new Date(Date.UTC(2026, 9, day)),
    });
    await store.applyWrites({ ...emptyStoreWrites(), datasets: [seenAt(1)] });
    // Seen again, nothing else changed: a touch, held.
    await store.applyWrites(
      { ...emptyStoreWrites(), datasets: [seenAt(5)] },
      { deferTouches: true },
    );
    expect(store.deferredTouchCount).toBe(1);

    await store.applyWrites(writesOf(publishedWithAlias()));
    await store.flushDeferredTouches();

    expect(
      (await store.listDatasets({ offset: 0, limit: 10 })).items.map(d => d.id),
    ).toEqual(['warehouse/mart.users']);
  });

  it('answers the quality results of an alias from its dataset', async () => {
    const { store } = await createStore();
    await store.applyWrites(writesOf(publishedWithAlias()));
    await store.applyWrites(
      writesOf(
        runEvent({
          eventType: 'COMPLETE',
          eventTime: '2026-11-02T02:00:00Z',
          runId,
          job: 'check',
          extra: {
            inputs: [
              {
                namespace: 'bigquery',
                name: 'acme.users',
                inputFacets: {
                  dataQualityAssertions: {
                    _producer: 'https://example.com',
                    _schemaURL: 'https://example.com/schema',
                    assertions: [{ assertion: 'not_null', success: false }],
                  },
                },
              },
            ],
          },
        }),
      ),
    );
    const byDataset = await store.listQualityResults(
      'warehouse/mart.users',
      10,
    );
    expect(byDataset).toEqual([
      expect.objectContaining({ runId, assertion: 'not_null', success: false }),
    ]);
    expect(await store.listQualityResults('bigquery/acme.users', 10)).toEqual(
      byDataset,
    );
  });

  it('counts a long history up to a cap and says there is more', async () => {
    const { store } = await createStore();
    const runs = Array.from({ length: RUN_COUNT_CAP + 5 }, (_, i) => ({
      id: `run-${i}`,
      pipelineId: 'tests:big',
      state: 'succeeded' as const,
      stateRank: 1 as const,
      stateTime: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000),
      partitionTime: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000),
      firstEventTime: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000),
    }));
    await store.applyWrites({
      ...emptyStoreWrites(),
      pipelines: [
        {
          id: 'tests:big',
          source: 'tests',
          namespace: 'tests',
          name: 'big',
          seenAt: new Date('2026-01-01T00:00:00Z'),
        },
      ],
      runs,
    });
    const page = await store.listRuns({
      pipelineId: 'tests:big',
      offset: 0,
      limit: 1,
    });
    expect(page.totalCount).toBe(RUN_COUNT_CAP);
    expect(page.totalCountCapped).toBe(true);
    expect(page.items[0].id).toBe(`run-${RUN_COUNT_CAP + 4}`);
    const window = await store.listRuns({
      pipelineId: 'tests:big',
      offset: 0,
      limit: 1,
      from: runs[0].partitionTime,
      to: runs[3].partitionTime,
    });
    expect(window.totalCount).toBe(3);
    expect(window.totalCountCapped).toBeUndefined();
  });
});
