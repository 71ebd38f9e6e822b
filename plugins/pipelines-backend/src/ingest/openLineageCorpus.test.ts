import fs from 'fs';
import path from 'path';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestApp } from '../__testUtils__/createTestApp';
import {
  EVENT_FILES,
  jobEvent,
  readEvents,
  readExpectedLineage,
  runEvent,
  SHARED_EVENTS_DIR,
} from '../__testUtils__/fixtures';
import { createStoreTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const { databases, ids } = createStoreTestDatabases();
const expected = readExpectedLineage();
const user = mockCredentials.user.header();
const service = mockCredentials.service.header();

const FINAL_STATES: Record<string, string> = {
  COMPLETE: 'succeeded',
  FAIL: 'failed',
  ABORT: 'aborted',
};

const datasetId = (d: { namespace: string; name: string }) =>
  `${d.namespace}/${d.name}`;

// Skipped where the shared corpus is not next to the repository (CI).
const itWhereSharedCorpus = fs.existsSync(SHARED_EVENTS_DIR) ? it : it.skip;

describe('the OpenLineage corpus copies', () => {
  itWhereSharedCorpus(
    'are every event file of the shared corpus, unchanged',
    () => {
      const shared = fs
        .readdirSync(SHARED_EVENTS_DIR)
        .filter(file => file.endsWith('.ndjson'))
        .sort();
      // eslint-disable-next-line jest/no-standalone-expect -- in itWhereSharedCorpus
      expect(EVENT_FILES).toEqual(shared);
      // eslint-disable-next-line jest/no-standalone-expect -- in itWhereSharedCorpus
      expect(EVENT_FILES.map(readEvents)).toEqual(
        shared.map(file =>
          fs
            .readFileSync(path.join(SHARED_EVENTS_DIR, file), 'utf8')
            .split('\n')
            .filter(line => line.trim())
            .map(line => JSON.parse(line)),
        ),
      );
    },
  );
});

describe.each(ids)('the OpenLineage corpus on %s', databaseId => {
  it.each(EVENT_FILES)(
    'ingests %s and answers its jobs, runs, datasets and edges',
    async file => {
      const knex = await databases.init(databaseId);
      const { app } = await createTestApp(knex);
      const events = readEvents(file);
      const expectedFile = expected.bySource[file];
      expect(events).toHaveLength(expectedFile.events);

      // One event per request, in file order, as a producer would send them.
      for (const event of events) {
        await request(app)
          .post('/v1/lineage')
          .set('Authorization', service)
          .send(event)
          .expect(201);
      }

      for (const job of expectedFile.jobs) {
        const pipelineId = `${job.namespace}:${job.name}`;
        const pipeline = await request(app)
          .get(`/v1/pipelines/${encodeURIComponent(pipelineId)}`)
          .set('Authorization', user);
        expect(pipeline.status).toBe(200);
        expect(pipeline.body).toMatchObject({
          namespace: job.namespace,
          name: job.name,
        });

        const lineage = await request(app)
          .get(
            `/v1/lineage?node=${encodeURIComponent(
              `pipeline:${pipelineId}`,
            )}&direction=both&depth=1&limit=1000`,
          )
          .set('Authorization', user);
        expect(lineage.status).toBe(200);
        const inputs = lineage.body.edges
          .filter((e: any) => e.to === `pipeline:${pipelineId}`)
          .map((e: any) => e.from)
          .sort();
        const outputs = lineage.body.edges
          .filter((e: any) => e.from === `pipeline:${pipelineId}`)
          .map((e: any) => e.to)
          .sort();
        expect(inputs).toEqual(
          job.inputs.map((d: any) => `dataset:${datasetId(d)}`).sort(),
        );
        expect(outputs).toEqual(
          job.outputs.map((d: any) => `dataset:${datasetId(d)}`).sort(),
        );
      }

      const runsOfFile = Object.entries<any>(expected.runs).filter(
        ([, run]) => run.source === file,
      );
      expect(runsOfFile.length).toBeGreaterThan(0);
      for (const [runId, run] of runsOfFile) {
        const stored = await request(app)
          .get(`/v1/runs/${runId}`)
          .set('Authorization', user);
        expect(stored.status).toBe(200);
        expect(stored.body.pipelineId).toBe(
          `${run.job.namespace}:${run.job.name}`,
        );
        expect(stored.body.state).toBe(
          run.finalState ? FINAL_STATES[run.finalState] : 'running',
        );
        expect(stored.body.parentRunId).toBe(run.parent?.runId);
      }

      const datasets = await request(app)
        .get('/v1/datasets?limit=500')
        .set('Authorization', user);
      const expectedDatasets = new Set<string>();
      for (const job of expectedFile.jobs) {
        [...job.inputs, ...job.outputs].forEach((d: any) =>
          expectedDatasets.add(datasetId(d)),
        );
      }
      const storedDatasets = datasets.body.items.map((d: any) => d.id);
      for (const id of expectedDatasets) {
        expect(storedDatasets).toContain(id);
      }
    },
  );

  it('keeps schema, quality, column lineage and ownership facets', async () => {
    const knex = await databases.init(databaseId);
    const { app } = await createTestApp(knex);
    const events = EVENT_FILES.flatMap(readEvents);
    await request(app)
      .post('/v1/lineage/batch')
      .set('Authorization', service)
      .send(events)
      .expect(200);

    const withSchema = events
      .flatMap((e: any) => [...(e.inputs ?? []), ...(e.outputs ?? [])])
      .find((d: any) => d.facets?.schema?.fields?.length);
    const dataset = await request(app)
      .get(`/v1/datasets/${encodeURIComponent(datasetId(withSchema))}`)
      .set('Authorization', user);
    expect(dataset.body.schema.map((f: any) => f.name)).toEqual(
      withSchema.facets.schema.fields.map((f: any) => f.name),
    );

    const assertedInput = events
      .flatMap((e: any) => e.inputs ?? [])
      .find(
        (d: any) =>
          d.inputFacets?.dataQualityAssertions ??
          d.facets?.dataQualityAssertions,
      );
    const quality = await request(app)
      .get(
        `/v1/datasets/${encodeURIComponent(datasetId(assertedInput))}/quality`,
      )
      .set('Authorization', user);
    expect(quality.body.items.length).toBeGreaterThan(0);
    expect(quality.body.items[0]).toHaveProperty('success');
  });

  it('maps column lineage, symlinks and ownership facets', async () => {
    const knex = await databases.init(databaseId);
    const { app } = await createTestApp(knex);
    const facet = {
      _producer: 'https://example.com',
      _schemaURL: 'https://example.com/schema',
    };
    const event = runEvent({
      eventType: 'COMPLETE',
      eventTime: '2026-11-02T03:00:00Z',
      job: 'build_users',
      inputs: ['raw.users'],
      extra: {
        job: {
          namespace: 'tests',
          name: 'build_users',
          facets: {
            ownership: { ...facet, owners: [{ name: 'team:growth' }] },
            sourceCodeLocation: {
              ...facet,
              type: 'git',
              url: 'https://github.com/acme/users-pipeline',
            },
          },
        },
        outputs: [
          {
            namespace: 'warehouse',
            name: 'mart.users',
            facets: {
              symlinks: {
                ...facet,
                identifiers: [
                  {
                    namespace: 'bigquery',
                    name: 'acme.mart.users',
                    type: 'TABLE',
                  },
                ],
              },
              columnLineage: {
                ...facet,
                fields: {
                  user_id: {
                    inputFields: [
                      {
                        namespace: 'warehouse',
                        name: 'raw.users',
                        field: 'id',
                      },
                    ],
                  },
                },
              },
            },
          },
        ],
      },
    });
    await request(app)
      .post('/v1/lineage')
      .set('Authorization', service)
      .send(event)
      .expect(201);
    // A later event names the dataset by its alias.
    await request(app)
      .post('/v1/lineage')
      .set('Authorization', service)
      .send(jobEvent('reads_alias', [], []))
      .expect(201);
    await request(app)
      .post('/v1/lineage')
      .set('Authorization', service)
      .send({
        ...jobEvent('reads_alias', [], []),
        inputs: [{ namespace: 'bigquery', name: 'acme.mart.users' }],
      })
      .expect(201);

    const columns = await request(app)
      .get(
        `/v1/datasets/${encodeURIComponent(
          'warehouse/mart.users',
        )}/column-lineage?field=user_id`,
      )
      .set('Authorization', user);
    expect(columns.body.items).toEqual([
      {
        datasetId: 'warehouse/mart.users',
        field: 'user_id',
        inputDatasetId: 'warehouse/raw.users',
        inputField: 'id',
      },
    ]);

    const pipeline = await request(app)
      .get('/v1/pipelines/tests%3Abuild_users')
      .set('Authorization', user);
    expect(pipeline.body).toMatchObject({
      sourceOwners: ['team:growth'],
      sourceUrl: 'https://github.com/acme/users-pipeline',
    });

    const viaAlias = await request(app)
      .get(`/v1/datasets/${encodeURIComponent('bigquery/acme.mart.users')}`)
      .set('Authorization', user);
    expect(viaAlias.body.id).toBe('warehouse/mart.users');
    expect(viaAlias.body.lastWrittenByRun).toBe(event.run.runId);
    expect(viaAlias.body.consumers.map((p: any) => p.id)).toEqual([
      'tests:reads_alias',
    ]);
  });
});
