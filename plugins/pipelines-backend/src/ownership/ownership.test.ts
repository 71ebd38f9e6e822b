import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { createStoreTestDatabases } from '../__testUtils__/testDatabases';
import { createTestApp } from '../__testUtils__/createTestApp';
import { runEvent } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const { databases, ids } = createStoreTestDatabases();
const user = mockCredentials.user.header();
const service = mockCredentials.service.header();

const catalogEntities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'growth' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'royalties' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'ada.lindqvist' },
    spec: { profile: { email: 'ada@example.com' }, memberOf: [] },
  },
];

function owned(owners: string[]) {
  return {
    ownership: {
      _producer: 'https://example.com',
      _schemaURL: 'https://example.com/schema',
      owners: owners.map(name => ({ name, type: 'team' })),
    },
  };
}

/** A COMPLETE event of job `name` with ownership facets on job and datasets. */
function ownedRun(options: {
  job: string;
  owners?: string[];
  inputs?: string[];
  outputs?: Array<{ name: string; owners?: string[] }>;
}) {
  const event = runEvent({
    eventType: 'COMPLETE',
    eventTime: '2026-11-02T03:00:00Z',
    job: options.job,
    inputs: options.inputs,
  });
  return {
    ...event,
    job: {
      ...event.job,
      facets: options.owners ? owned(options.owners) : {},
    },
    outputs: (options.outputs ?? []).map(output => ({
      namespace: 'warehouse',
      name: output.name,
      facets: output.owners ? owned(output.owners) : {},
    })),
  };
}

describe.each(ids)('ownership on %s', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    const app = await createTestApp(
      knex,
      {
        pipelines: {
          ownership: {
            mapping: [{ source: 'royalties-team', owner: 'royalties' }],
          },
        },
      },
      catalogEntities,
    );
    const events = [
      ownedRun({
        job: 'extract_royalties',
        owners: ['royalties-team'],
        outputs: [{ name: 'raw.royalties' }],
      }),
      ownedRun({
        job: 'growth_report',
        owners: ['growth', 'ghost-team'],
        inputs: ['raw.royalties'],
        outputs: [
          { name: 'report.growth' },
          { name: 'report.shared', owners: ['ada@example.com'] },
        ],
      }),
      ownedRun({
        job: 'orphan',
        owners: ['ghost-team'],
        outputs: [{ name: 'orphan.out', owners: ['nobody-at-all'] }],
      }),
    ];
    for (const event of events) {
      const posted = await request(app.app)
        .post('/v1/lineage')
        .set('Authorization', service)
        .send(event);
      expect(posted.status).toBe(201);
    }
    return app;
  }

  async function ownerOf(app: any, kind: 'pipelines' | 'datasets', id: string) {
    const response = await request(app)
      .get(`/v1/${kind}/${encodeURIComponent(id)}`)
      .set('Authorization', user);
    return response.body.owner;
  }

  it('resolves source owners by mapping, name and email, and datasets through their producer', async () => {
    const { app, ownership } = await setup();
    expect(await ownerOf(app, 'pipelines', 'tests:extract_royalties')).toBe(
      undefined,
    );

    expect(await ownership.sync()).toBe(5);

    expect(await ownerOf(app, 'pipelines', 'tests:extract_royalties')).toBe(
      'group:default/royalties',
    );
    expect(await ownerOf(app, 'pipelines', 'tests:growth_report')).toBe(
      'group:default/growth',
    );
    expect(await ownerOf(app, 'pipelines', 'tests:orphan')).toBe(undefined);
    expect(await ownerOf(app, 'datasets', 'warehouse/raw.royalties')).toBe(
      'group:default/royalties',
    );
    expect(await ownerOf(app, 'datasets', 'warehouse/report.growth')).toBe(
      'group:default/growth',
    );
    expect(await ownerOf(app, 'datasets', 'warehouse/report.shared')).toBe(
      'user:default/ada.lindqvist',
    );

    const mine = await request(app)
      .get('/v1/pipelines')
      .query({ owner: 'group:default/growth' })
      .set('Authorization', user);
    expect(mine.body.items.map((p: any) => p.id)).toEqual([
      'tests:growth_report',
    ]);

    // Nothing changed since: nothing is written again.
    expect(await ownership.sync()).toBe(0);
  });

  it('lists the owners nothing resolves instead of dropping them', async () => {
    const { app } = await setup();
    const response = await request(app)
      .get('/v1/ownership/unmapped')
      .set('Authorization', user);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        {
          name: 'ghost-team',
          pipelineCount: 2,
          datasetCount: 0,
          examples: ['tests:growth_report', 'tests:orphan'],
        },
        {
          name: 'nobody-at-all',
          pipelineCount: 0,
          datasetCount: 1,
          examples: ['warehouse/orphan.out'],
        },
      ],
    });
  });
});
