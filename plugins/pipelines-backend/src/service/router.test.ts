import { gzipSync } from 'node:zlib';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createStoreTestDatabases } from '../__testUtils__/testDatabases';
import {
  countRows,
  createTestApp,
  snapshotRows,
} from '../__testUtils__/createTestApp';
import { jobEvent, runEvent } from '../__testUtils__/fixtures';
import { LineageService } from '../lineage/LineageService';
import metricsEvent from '../ingest/__fixtures__/data_quality_metrics_event.json';

jest.setTimeout(60_000);

const { databases, ids } = createStoreTestDatabases();
const user = mockCredentials.user.header();
const service = mockCredentials.service.header();

describe.each(ids)('the router on %s', databaseId => {
  async function setup(configData: Record<string, any> = {}) {
    const knex = await databases.init(databaseId);
    return createTestApp(knex, configData);
  }

  describe('GET /v1/pipelines', () => {
    it('answers pages with their total and filters by owner', async () => {
      const { app, store } = await setup({
        pipelines: { api: { maxPageSize: 100 } },
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

      const first = await request(app)
        .get('/v1/pipelines?limit=2')
        .set('Authorization', user);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ totalCount: 3, offset: 0, limit: 2 });
      expect(first.body.items.map((p: any) => p.id)).toEqual([
        'styx:Alpha',
        'styx:Bravo',
      ]);
      const next = await request(app)
        .get('/v1/pipelines?limit=2&offset=2')
        .set('Authorization', user);
      expect(next.body.items.map((p: any) => p.id)).toEqual(['styx:Charlie']);

      const owned = await request(app)
        .get('/v1/pipelines?owner=group:default/royalties')
        .set('Authorization', user);
      expect(owned.body.items.map((p: any) => p.name)).toEqual(['Bravo']);

      const one = await request(app)
        .get('/v1/pipelines/styx%3ABravo')
        .set('Authorization', user);
      expect(one.body.owner).toBe('group:default/royalties');
      const missing = await request(app)
        .get('/v1/pipelines/styx%3ANope')
        .set('Authorization', user);
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toBe(
        "No pipeline with id 'styx:Nope'",
      );
    });

    it.each([
      ['limit=-1', "Query parameter 'limit' must be between 1 and 100, got -1"],
      [
        'limit=101',
        "Query parameter 'limit' must be between 1 and 100, got 101",
      ],
      ['limit=ten', "Query parameter 'limit' must be an integer, got 'ten'"],
      ['offset=-5', "Query parameter 'offset' must be between 0 and"],
      ['color=red', "Unknown query parameter 'color'; expected offset, limit"],
      ['state=DONE', "Query parameter 'state' must be one of queued, running"],
      ['owner=a&owner=b', "Query parameter 'owner' must be given once"],
    ])('rejects %s with a 400 that says why', async (query, message) => {
      const { app } = await setup({ pipelines: { api: { maxPageSize: 100 } } });
      const response = await request(app)
        .get(`/v1/pipelines?${query}`)
        .set('Authorization', user);
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
      expect(response.body.error.message).toContain(message);
    });
  });

  describe('POST /v1/lineage', () => {
    it('stores a run event and answers it from the query API', async () => {
      const { app } = await setup();
      const event = runEvent({
        eventType: 'FAIL',
        eventTime: '2026-11-02T03:00:00Z',
        job: 'daily_streams',
        inputs: ['raw.streams'],
        outputs: ['agg.daily_streams'],
        runFacets: {
          nominalTime: {
            _producer: 'https://example.com',
            _schemaURL: 'https://example.com/schema',
            nominalStartTime: '2026-11-01T00:00:00Z',
          },
          errorMessage: {
            _producer: 'https://example.com',
            _schemaURL: 'https://example.com/schema',
            message: 'Out of quota',
            programmingLanguage: 'python',
          },
        },
      });
      const posted = await request(app)
        .post('/v1/lineage')
        .set('Authorization', service)
        .send(event);
      expect(posted.status).toBe(201);

      const run = await request(app)
        .get(`/v1/runs/${event.run.runId}`)
        .set('Authorization', user);
      expect(run.body).toMatchObject({
        id: event.run.runId,
        pipelineId: 'tests:daily_streams',
        state: 'failed',
        sourceState: 'FAIL',
        partition: '2026-11-01T00:00:00.000Z',
        errorMessage: 'Out of quota',
        endedAt: '2026-11-02T03:00:00.000Z',
      });
      const runs = await request(app)
        .get('/v1/pipelines/tests%3Adaily_streams/runs')
        .set('Authorization', user);
      expect(runs.body.totalCount).toBe(1);
      const pipeline = await request(app)
        .get('/v1/pipelines/tests%3Adaily_streams')
        .set('Authorization', user);
      expect(pipeline.body.latestRunState).toBe('failed');
      const dataset = await request(app)
        .get(
          `/v1/datasets/${encodeURIComponent('warehouse/agg.daily_streams')}`,
        )
        .set('Authorization', user);
      expect(dataset.body.producers.map((p: any) => p.id)).toEqual([
        'tests:daily_streams',
      ]);
    });

    it('also serves the stock OpenLineage transport path', async () => {
      const { app } = await setup();
      const response = await request(app)
        .post('/api/v1/lineage')
        .set('Authorization', service)
        .send(runEvent({ eventTime: '2026-11-02T03:00:00Z' }));
      expect(response.status).toBe(201);
    });

    it.each([
      [
        'missing eventTime',
        (e: any) => delete e.eventTime,
        '$.eventTime',
        'is required',
      ],
      [
        'bad runId',
        (e: any) => (e.run.runId = 'not-a-uuid'),
        '$.run.runId',
        'must match format "uuid"',
      ],
      [
        'unknown eventType',
        (e: any) => (e.eventType = 'DONE'),
        '$.eventType',
        'must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER',
      ],
      [
        'eventTime of the wrong type',
        (e: any) => (e.eventTime = 12),
        '$.eventTime',
        'must be string',
      ],
      [
        'inputs of the wrong type',
        (e: any) => (e.inputs = { name: 'x' }),
        '$.inputs',
        'must be array',
      ],
    ])(
      'rejects %s with a 400 and writes nothing',
      async (_, mutate, path, message) => {
        const { app, knex } = await setup();
        const before = await countRows(knex);
        const event: any = runEvent({
          eventTime: '2026-11-02T03:00:00Z',
          outputs: ['x'],
        });
        mutate(event);

        const response = await request(app)
          .post('/v1/lineage')
          .set('Authorization', service)
          .send(event);
        expect(response.status).toBe(400);
        expect(response.body.problems).toContainEqual({ path, message });
        expect(response.body.error.message).toContain(`${path}: ${message}`);
        expect(await countRows(knex)).toEqual(before);
      },
    );

    it('rejects invalid JSON with a 400', async () => {
      const { app, knex } = await setup();
      const before = await countRows(knex);
      const response = await request(app)
        .post('/v1/lineage')
        .set('Authorization', service)
        .set('Content-Type', 'application/json')
        .send('{"eventType": "START",');
      expect(response.status).toBe(400);
      expect(await countRows(knex)).toEqual(before);
    });

    it('rejects an oversized event with a 413', async () => {
      const { app, knex } = await setup({
        pipelines: { ingest: { maxEventBytes: 2000 } },
      });
      const event = runEvent({
        eventTime: '2026-11-02T03:00:00Z',
        outputs: Array.from({ length: 100 }, (_, i) => `table_${i}`),
      });
      const before = await countRows(knex);
      const response = await request(app)
        .post('/v1/lineage')
        .set('Authorization', service)
        .send(event);
      expect(response.status).toBe(413);
      expect(await countRows(knex)).toEqual(before);
    });

    it('refuses requests without credentials (401) and from users (403)', async () => {
      const { app, knex } = await setup();
      const event = runEvent({ eventTime: '2026-11-02T03:00:00Z' });
      const anonymous = await request(app)
        .post('/v1/lineage')
        .set('Authorization', mockCredentials.none.header())
        .send(event);
      expect(anonymous.status).toBe(401);
      const asUser = await request(app)
        .post('/v1/lineage')
        .set('Authorization', user)
        .send(event);
      expect(asUser.status).toBe(403);
      expect((await countRows(knex)).events).toBe(0);
    });

    it('changes nothing when the same event comes twice', async () => {
      const { app, knex } = await setup();
      const event = runEvent({
        eventType: 'COMPLETE',
        eventTime: '2026-11-02T03:00:00Z',
        inputs: ['a'],
        outputs: ['b'],
      });
      await request(app)
        .post('/v1/lineage')
        .set('Authorization', service)
        .send(event);
      const once = await snapshotRows(knex);
      const again = await request(app)
        .post('/v1/lineage')
        .set('Authorization', service)
        .send(event);
      expect(again.status).toBe(201);
      expect(await snapshotRows(knex)).toEqual(once);
    });

    it.each([
      [['COMPLETE', 'START'], 'succeeded', 'COMPLETE'],
      [['START', 'COMPLETE', 'RUNNING'], 'succeeded', 'COMPLETE'],
      // Among non-terminal events the later eventTime wins, not the later post.
      [['START', 'RUNNING'], 'running', 'RUNNING'],
      [['RUNNING', 'START'], 'running', 'RUNNING'],
      [['FAIL', 'START', 'RUNNING'], 'failed', 'FAIL'],
      [['OTHER', 'START'], 'running', 'START'],
    ])(
      'ends %j in %s (%s) whatever the order',
      async (types, expected, source) => {
        const { app } = await setup();
        const runId = '11111111-1111-4111-8111-111111111111';
        const times: Record<string, string> = {
          START: '2026-11-02T01:00:00Z',
          RUNNING: '2026-11-02T01:30:00Z',
          COMPLETE: '2026-11-02T02:00:00Z',
          FAIL: '2026-11-02T02:00:00Z',
          OTHER: '2026-11-02T00:30:00Z',
        };
        for (const eventType of types) {
          await request(app)
            .post('/v1/lineage')
            .set('Authorization', service)
            .send(runEvent({ eventType, eventTime: times[eventType], runId }))
            .expect(201);
        }
        const run = await request(app)
          .get(`/v1/runs/${runId}`)
          .set('Authorization', user);
        expect(run.body.state).toBe(expected);
        expect(run.body.sourceState).toBe(source);
        expect(run.body.startedAt).toBe(
          types.includes('START') ? '2026-11-02T01:00:00.000Z' : undefined,
        );
      },
    );
  });

  describe('POST /v1/lineage/batch', () => {
    it('answers per event and stores every valid one', async () => {
      const { app, knex } = await setup({
        pipelines: { ingest: { maxEventBytes: 2000 } },
      });
      const good = runEvent({ eventTime: '2026-11-02T03:00:00Z', job: 'good' });
      const bad = {
        ...runEvent({ eventTime: '2026-11-02T03:00:00Z' }),
        eventType: 'NOPE',
      };
      const huge = runEvent({
        eventTime: '2026-11-02T03:00:00Z',
        job: 'huge',
        outputs: Array.from({ length: 100 }, (_, i) => `table_${i}`),
      });
      const response = await request(app)
        .post('/v1/lineage/batch')
        .set('Authorization', service)
        .send([good, bad, huge]);
      expect(response.status).toBe(200);
      expect(response.body.accepted).toBe(1);
      expect(response.body.results).toEqual([
        { index: 0, status: 'accepted', statusCode: 201 },
        {
          index: 1,
          status: 'rejected',
          statusCode: 400,
          problems: [
            {
              path: '$.eventType',
              message:
                'must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER',
            },
          ],
        },
        expect.objectContaining({
          index: 2,
          status: 'rejected',
          statusCode: 413,
        }),
      ]);
      const counts = await countRows(knex);
      expect(counts.events).toBe(1);
      expect(counts.runs).toBe(1);
      expect(counts.pipelines).toBe(1);
    });

    it('measures each event of a compressed batch, however small it came', async () => {
      const { app, knex } = await setup({
        pipelines: { ingest: { maxEventBytes: 2000 } },
      });
      const huge = runEvent({
        eventTime: '2026-11-02T03:00:00Z',
        job: 'huge',
        outputs: Array.from({ length: 100 }, (_, i) => `table_${i}`),
      });
      const body = gzipSync(JSON.stringify([huge]));
      expect(body.length).toBeLessThan(2000);
      const response = await request(app)
        .post('/v1/lineage/batch')
        .set('Authorization', service)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        // Sent as it is, not serialized as JSON again (typed as a string, but
        // superagent writes a Buffer too).
        .serialize((data: Buffer) => data as unknown as string)
        .send(body);
      expect(response.status).toBe(200);
      expect(response.body.results).toEqual([
        expect.objectContaining({
          index: 0,
          status: 'rejected',
          statusCode: 413,
        }),
      ]);
      expect((await countRows(knex)).events).toBe(0);
    });

    it('rejects a body that is not an array', async () => {
      const { app } = await setup();
      const response = await request(app)
        .post('/v1/lineage/batch')
        .set('Authorization', service)
        .send({ not: 'an array' });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe(
        'A lineage batch must be a JSON array of OpenLineage events',
      );
    });
  });

  describe('GET /v1/lineage', () => {
    async function chain() {
      const context = await setup();
      // a -> P1 -> b -> P2 -> c -> P3 -> d, plus P1 -> b2 (a sibling branch)
      // and a cycle d -> P4 -> a.
      await request(context.app)
        .post('/v1/lineage/batch')
        .set('Authorization', service)
        .send([
          jobEvent('P1', ['a'], ['b', 'b2']),
          jobEvent('P2', ['b'], ['c']),
          jobEvent('P3', ['c'], ['d']),
          jobEvent('P4', ['d'], ['a']),
          jobEvent('Other', ['b2'], ['z']),
        ])
        .expect(200);
      return context;
    }

    const keysOf = (body: any) => body.nodes.map((n: any) => n.key).sort();

    it('walks downstream to the depth asked', async () => {
      const { app } = await chain();
      const response = await request(app)
        .get(
          '/v1/lineage?node=dataset:warehouse/b&direction=downstream&depth=2',
        )
        .set('Authorization', user);
      expect(response.status).toBe(200);
      expect(keysOf(response.body)).toEqual(
        [
          'dataset:warehouse/b',
          'dataset:warehouse/c',
          'pipeline:tests:P2',
        ].sort(),
      );
      expect(response.body.edges).toContainEqual({
        from: 'pipeline:tests:P2',
        to: 'dataset:warehouse/c',
      });
      const p2 = response.body.nodes.find(
        (n: any) => n.key === 'pipeline:tests:P2',
      );
      expect(p2).toMatchObject({
        kind: 'pipeline',
        id: 'tests:P2',
        name: 'P2',
        depth: 1,
      });
    });

    it("names each node's owner and its pipeline's latest state", async () => {
      const { app, store } = await chain();
      await store.saveOwners({
        pipelines: [{ id: 'tests:P2', owner: 'group:default/team-a' }],
        datasets: [{ id: 'warehouse/c', owner: 'group:default/team-b' }],
      });
      await request(app)
        .post('/v1/lineage')
        .set('Authorization', service)
        .send(
          runEvent({
            eventType: 'FAIL',
            eventTime: '2026-11-02T03:00:00Z',
            job: 'P2',
          }),
        )
        .expect(201);

      const response = await request(app)
        .get(
          '/v1/lineage?node=dataset:warehouse/b&direction=downstream&depth=2',
        )
        .set('Authorization', user);
      const byKey = Object.fromEntries(
        response.body.nodes.map((n: any) => [n.key, n]),
      );
      expect(byKey['pipeline:tests:P2']).toMatchObject({
        owner: 'group:default/team-a',
        latestRunState: 'failed',
      });
      expect(byKey['dataset:warehouse/c']).toMatchObject({
        owner: 'group:default/team-b',
      });
      expect(byKey['dataset:warehouse/b'].owner).toBeUndefined();
    });

    it('moves the lineage of a dataset id that turns out to be an alias to its dataset', async () => {
      const { app, store } = await chain();
      const lineageOf = async (node: string) =>
        keysOf(
          (
            await request(app)
              .get(`/v1/lineage?node=${node}&direction=both&depth=1`)
              .set('Authorization', user)
              .expect(200)
          ).body,
        );
      expect(await lineageOf('dataset:warehouse/z')).toEqual([
        'dataset:warehouse/z',
        'pipeline:tests:Other',
      ]);
      // Another replica, its graph loaded before the alias is known.
      const replica = LineageService.create({
        store,
        logger: mockServices.logger.mock(),
      });
      const replicaLineageOf = async (node: string) =>
        (
          await replica.query({ node, direction: 'both', depth: 1, limit: 100 })
        ).nodes
          .map(n => n.key)
          .sort();
      expect(await replicaLineageOf('dataset:warehouse/z')).toEqual([
        'dataset:warehouse/z',
        'pipeline:tests:Other',
      ]);

      // Publish writes lake/z, which warehouse/z is a symlink of.
      await request(app)
        .post('/v1/lineage')
        .set('Authorization', service)
        .send(
          runEvent({
            eventType: 'COMPLETE',
            eventTime: '2026-11-02T03:00:00Z',
            job: 'Publish',
            extra: {
              outputs: [
                {
                  namespace: 'lake',
                  name: 'z',
                  facets: {
                    symlinks: {
                      _producer: 'https://example.com',
                      _schemaURL: 'https://example.com/schema',
                      identifiers: [
                        { namespace: 'warehouse', name: 'z', type: 'TABLE' },
                      ],
                    },
                  },
                },
              ],
            },
          }),
        )
        .expect(201);

      const merged = [
        'dataset:lake/z',
        'pipeline:tests:Other',
        'pipeline:tests:Publish',
      ];
      expect(await lineageOf('dataset:lake/z')).toEqual(merged);
      // The alias answers for its dataset.
      expect(await lineageOf('dataset:warehouse/z')).toEqual(merged);
      // The other replica drops the alias's node at its next refresh.
      await replica.refresh();
      expect(await replicaLineageOf('dataset:warehouse/z')).toEqual(merged);
      const dataset = await request(app)
        .get(`/v1/datasets/${encodeURIComponent('warehouse/z')}`)
        .set('Authorization', user)
        .expect(200);
      expect(dataset.body.id).toBe('lake/z');
      expect(dataset.body.producers.map((p: any) => p.id).sort()).toEqual([
        'tests:Other',
        'tests:Publish',
      ]);
    });

    it('walks upstream without siblings, and survives the cycle', async () => {
      const { app } = await chain();
      const response = await request(app)
        .get('/v1/lineage?node=dataset:warehouse/c&direction=upstream&depth=20')
        .set('Authorization', user);
      const keys = keysOf(response.body);
      expect(keys).toContain('pipeline:tests:P4'); // through the cycle
      expect(keys).not.toContain('dataset:warehouse/b2');
      expect(keys).not.toContain('pipeline:tests:Other');
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('says how many neighbours a limit left out', async () => {
      const { app } = await chain();
      const response = await request(app)
        .get(
          '/v1/lineage?node=pipeline:tests:P1&direction=downstream&depth=1&limit=1',
        )
        .set('Authorization', user);
      expect(response.body.nodes).toHaveLength(2);
      expect(response.body.omitted['pipeline:tests:P1']).toEqual({
        downstream: 1,
      });
    });

    it('answers 404 for an unknown node and 400 for a malformed one', async () => {
      const { app } = await chain();
      const unknown = await request(app)
        .get('/v1/lineage?node=dataset:nowhere/x')
        .set('Authorization', user);
      expect(unknown.status).toBe(404);
      const malformed = await request(app)
        .get('/v1/lineage?node=table:x')
        .set('Authorization', user);
      expect(malformed.status).toBe(400);
      const badDepth = await request(app)
        .get('/v1/lineage?node=dataset:warehouse/a&depth=500')
        .set('Authorization', user);
      expect(badDepth.status).toBe(400);
    });
  });

  describe('GET /v1/datasets/:id/metrics', () => {
    const metricsPath = (datasetId: string, query = '') =>
      `/v1/datasets/${encodeURIComponent(datasetId)}/metrics${query}`;

    it('serves the stored metrics, and an event seen twice changes nothing', async () => {
      const { app, knex } = await setup();
      await request(app)
        .post('/v1/lineage')
        .set('Authorization', service)
        .send(metricsEvent)
        .expect(201);
      const once = await snapshotRows(knex);
      await request(app)
        .post('/v1/lineage')
        .set('Authorization', service)
        .send(metricsEvent)
        .expect(201);
      expect(await snapshotRows(knex)).toEqual(once);

      const response = await request(app)
        .get(metricsPath('warehouse/raw.payments'))
        .set('Authorization', user);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        items: [
          {
            runId: metricsEvent.run.runId,
            datasetId: 'warehouse/raw.payments',
            partition: '2026-11-02T00:00:00.000Z',
            observedAt: '2026-11-02T02:00:00.000Z',
            rowCount: 10,
            fileCount: 5,
            columns: {
              amount: { count: 10, max: 1500, min: 100, sum: 6600 },
              counterparty_id: { nullCount: 0 },
              user_id: { distinctCount: 3, nullCount: 0 },
            },
          },
        ],
      });
    });

    it('answers the newest 30 by default and at most maxPageSize', async () => {
      const { app } = await setup({ pipelines: { api: { maxPageSize: 40 } } });
      const events = Array.from({ length: 32 }, (_, i) =>
        runEvent({
          eventType: 'COMPLETE',
          eventTime: new Date(Date.UTC(2026, 10, 2, i)).toISOString(),
          job: 'measure',
          extra: {
            inputs: [
              {
                namespace: 'warehouse',
                name: 'measured',
                inputFacets: {
                  dataQualityMetrics: {
                    _producer: 'https://example.com',
                    _schemaURL: 'https://example.com/schema',
                    rowCount: i,
                    columnMetrics: {},
                  },
                },
              },
            ],
          },
        }),
      );
      const batch = await request(app)
        .post('/v1/lineage/batch')
        .set('Authorization', service)
        .send(events);
      expect(batch.body.accepted).toBe(32);

      const byDefault = await request(app)
        .get(metricsPath('warehouse/measured'))
        .set('Authorization', user);
      expect(byDefault.body.items.map((m: any) => m.rowCount)).toEqual(
        Array.from({ length: 30 }, (_, i) => 31 - i),
      );
      const limited = await request(app)
        .get(metricsPath('warehouse/measured', '?limit=2'))
        .set('Authorization', user);
      expect(limited.body.items.map((m: any) => m.rowCount)).toEqual([31, 30]);
      const tooMany = await request(app)
        .get(metricsPath('warehouse/measured', '?limit=41'))
        .set('Authorization', user);
      expect(tooMany.status).toBe(400);
    });

    it('answers 404 for an unknown dataset', async () => {
      const { app } = await setup();
      const response = await request(app)
        .get(metricsPath('warehouse/nowhere'))
        .set('Authorization', user);
      expect(response.status).toBe(404);
    });
  });
});
