import { PipelineUpsert } from './PipelinesStore';
import { DatabasePipelinesStore } from './DatabasePipelinesStore';
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

describe.each(ids)('DatabasePipelinesStore on %s', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    const store = await DatabasePipelinesStore.create({
      database: databaseServiceFor(knex),
    });
    return { knex, store };
  }

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
    expect((await names({ owner: 'group:default/growth' })).sort()).toEqual(
      ['UsersXHourly', 'Users_Hourly'].sort(),
    );
    expect(await names({ source: 'flyte' })).toEqual(['payments.settle']);
    expect(await names({ state: 'failed' })).toEqual(['StreamsDaily']);
    const page = await store.listPipelines({
      offset: 0,
      limit: 1,
      owner: 'group:default/growth',
    });
    expect(page.totalCount).toBe(2);
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
