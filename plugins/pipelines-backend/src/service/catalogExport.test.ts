import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createStoreTestDatabases } from '../__testUtils__/testDatabases';
import { createTestApp } from '../__testUtils__/createTestApp';
import { runEvent } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const { databases, ids } = createStoreTestDatabases();
const service = mockCredentials.service.header();

describe.each(ids)('GET /v1/catalog/* on %s', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    const app = await createTestApp(knex);
    const ingest = async (event: object) => {
      const posted = await request(app.app)
        .post('/v1/lineage')
        .set('Authorization', service)
        .send(event);
      expect(posted.status).toBe(201);
    };
    const get = (path: string, query: Record<string, string | number> = {}) =>
      request(app.app).get(path).query(query).set('Authorization', service);
    return { ...app, ingest, get };
  }

  it('pages through every pipeline with its inputs and outputs', async () => {
    const { ingest, get } = await setup();
    await ingest(
      runEvent({
        eventTime: '2026-11-02T03:00:00Z',
        job: 'b_load',
        inputs: ['raw.z', 'raw.a'],
        outputs: ['mart.b'],
      }),
    );
    await ingest(
      runEvent({ eventTime: '2026-11-02T03:00:00Z', job: 'a_extract' }),
    );

    const first = await get('/v1/catalog/pipelines', { limit: 1 });
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      {
        id: 'tests:a_extract',
        source: 'tests',
        namespace: 'tests',
        name: 'a_extract',
        inputs: [],
        outputs: [],
      },
    ]);
    expect(Date.parse(first.body.readAt)).not.toBeNaN();
    const second = await get('/v1/catalog/pipelines', {
      limit: 1,
      after: first.body.nextCursor,
    });
    expect(second.body.items).toEqual([
      expect.objectContaining({
        id: 'tests:b_load',
        inputs: ['warehouse/raw.a', 'warehouse/raw.z'],
        outputs: ['warehouse/mart.b'],
      }),
    ]);
    expect(second.body.nextCursor).toBeUndefined();

    const datasets = await get('/v1/catalog/datasets');
    expect(datasets.body.items.map((d: any) => d.id)).toEqual([
      'warehouse/mart.b',
      'warehouse/raw.a',
      'warehouse/raw.z',
    ]);
  });

  it('answers only what changed since a time, including new edges', async () => {
    const { ingest, get, store } = await setup();
    const runId = '11111111-0000-4000-8000-000000000001';
    await ingest(
      runEvent({
        eventTime: '2026-11-02T03:00:00Z',
        runId,
        job: 'load',
        outputs: ['mart.one'],
      }),
    );
    await ingest(
      runEvent({ eventTime: '2026-11-02T03:00:00Z', job: 'unrelated' }),
    );
    const before = await get('/v1/catalog/pipelines');
    await new Promise(resolve => setTimeout(resolve, 20));

    // Same pipeline, seconds later: its row is not rewritten, but it gains
    // an output.
    await ingest(
      runEvent({
        eventType: 'COMPLETE',
        eventTime: '2026-11-02T03:00:10Z',
        runId,
        job: 'load',
        outputs: ['mart.one', 'mart.two'],
      }),
    );

    const changed = await get('/v1/catalog/pipelines', {
      changedSince: before.body.readAt,
    });
    expect(changed.body.items).toEqual([
      expect.objectContaining({
        id: 'tests:load',
        outputs: ['warehouse/mart.one', 'warehouse/mart.two'],
      }),
    ]);
    // mart.one was only written again by the completed run: a touch, which
    // changes nothing its entity shows, so it is not sent again.
    await store.flushDeferredTouches();
    const changedDatasets = await get('/v1/catalog/datasets', {
      changedSince: before.body.readAt,
    });
    expect(changedDatasets.body.items.map((d: any) => d.id)).toEqual([
      'warehouse/mart.two',
    ]);
    const { items: datasets } = await store.listDatasets({
      offset: 0,
      limit: 10,
    });
    expect(
      datasets.find(d => d.id === 'warehouse/mart.one')?.lastWrittenAt,
    ).toBe('2026-11-02T03:00:10.000Z');
  });

  it('refuses a cursor it did not give out and limits out of range', async () => {
    const { get } = await setup();
    const badCursor = await get('/v1/catalog/pipelines', { after: 'bm90?' });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.message).toBe(
      "Query parameter 'after' is not a cursor this API gave out: 'bm90?'",
    );
    expect((await get('/v1/catalog/datasets', { limit: 0 })).status).toBe(400);
    expect((await get('/v1/catalog/datasets', { limit: 5001 })).status).toBe(
      400,
    );
    expect(
      (await get('/v1/catalog/pipelines', { changedSince: 'yesterday' }))
        .status,
    ).toBe(400);
  });
});
