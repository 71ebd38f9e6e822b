import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { DatabasePipelinesStore } from '../store/DatabasePipelinesStore';
import {
  createStoreTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabases';
import { createRouter } from './router';

jest.setTimeout(60_000);

const { databases } = createStoreTestDatabases();

describe('createRouter', () => {
  let app: express.Express;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabasePipelinesStore.create({
      database: databaseServiceFor(knex),
    });
    await store.upsertPipelines(
      ['Alpha', 'Bravo', 'Charlie'].map(name => ({
        id: `styx:${name}`,
        source: 'styx',
        namespace: 'styx://prod',
        name,
        owner: name === 'Bravo' ? 'group:default/royalties' : undefined,
        seenAt: new Date('2026-11-01T00:00:00Z'),
      })),
    );
    const router = await createRouter({
      store,
      config: mockServices.rootConfig({
        data: { pipelines: { api: { maxPageSize: 100 } } },
      }),
      logger: mockServices.logger.mock(),
    });
    app = express().use(router);
  });

  it('answers a page with its total', async () => {
    const response = await request(app).get('/v1/pipelines?limit=2');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      totalCount: 3,
      offset: 0,
      limit: 2,
    });
    expect(response.body.items.map((p: { id: string }) => p.id)).toEqual([
      'styx:Alpha',
      'styx:Bravo',
    ]);

    const next = await request(app).get('/v1/pipelines?limit=2&offset=2');
    expect(next.body.items.map((p: { id: string }) => p.id)).toEqual([
      'styx:Charlie',
    ]);
  });

  it('filters by owner', async () => {
    const response = await request(app).get(
      '/v1/pipelines?owner=group:default/royalties',
    );
    expect(response.status).toBe(200);
    expect(response.body.totalCount).toBe(1);
    expect(response.body.items[0].name).toBe('Bravo');
  });

  it.each([
    ['limit=-1', "Query parameter 'limit' must be between 1 and 100, got -1"],
    ['limit=101', "Query parameter 'limit' must be between 1 and 100, got 101"],
    ['limit=ten', "Query parameter 'limit' must be an integer, got 'ten'"],
    ['offset=-5', "Query parameter 'offset' must be between 0 and"],
    ['color=red', "Unknown query parameter 'color'; expected offset, limit"],
    ['state=DONE', "Query parameter 'state' must be one of queued, running"],
    ['owner=a&owner=b', "Query parameter 'owner' must be given once"],
  ])('rejects %s with a 400 that says why', async (query, message) => {
    const response = await request(app).get(`/v1/pipelines?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('InputError');
    expect(response.body.error.message).toContain(message);
  });

  it('answers one pipeline, or a 404', async () => {
    const found = await request(app).get('/v1/pipelines/styx%3ABravo');
    expect(found.status).toBe(200);
    expect(found.body.owner).toBe('group:default/royalties');

    const missing = await request(app).get('/v1/pipelines/styx%3ANope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe("No pipeline with id 'styx:Nope'");
  });
});
