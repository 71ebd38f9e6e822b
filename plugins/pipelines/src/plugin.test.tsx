import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { pipelinesApiRef } from './api';
import {
  examplePipeline,
  fakePipelinesApi,
} from './__testUtils__/fakePipelinesApi';
import {
  EntityDatasetContent,
  EntityDatasetsCard,
  EntityPipelineContent,
  EntityPipelinesOwnershipCard,
  PipelinesPage,
  pipelinesPlugin,
} from './plugin';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_DATASET_ID,
  ANNOTATION_PIPELINE_ID,
} from '@tributary/plugin-pipelines-common';
import { ReactElement } from 'react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { mockPermissions } from './__testUtils__/permissions';
import { Route, Routes } from 'react-router-dom';
import newFrontendPlugin from './alpha';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

// The graph has its own tests, and React Flow needs a real browser.
jest.mock('./components/LineageGraph', () => ({
  LineageGraph: (p: { root: string }) => <div>lineage of {p.root}</div>,
}));

// A whole test app per test: slow on a busy machine.
jest.setTimeout(30_000);

const datasetEntity = entity(
  'API',
  'legacy-plays',
  { type: 'dataset', owner: 'group:default/team-a' },
  { [ANNOTATION_DATASET_ID]: 'bigquery/warehouse.legacy_plays' },
);

function entity(
  kind: string,
  name: string,
  spec: NonNullable<Entity['spec']>,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec,
  };
}

/** A fake API that serves what the entity tabs and cards ask for. */
function entityPagesApi() {
  const pipeline = examplePipeline('LegacyPipeline', {
    owner: 'group:default/team-a',
    schedule: '@daily',
  });
  const api = fakePipelinesApi([pipeline]);
  api.getPipeline.mockResolvedValue(pipeline);
  api.listRuns.mockResolvedValue({
    items: [],
    totalCount: 0,
    offset: 0,
    limit: 50,
  });
  api.listBackfills.mockResolvedValue({ items: [] });
  api.getDataset.mockResolvedValue({
    id: 'bigquery/warehouse.legacy_plays',
    namespace: 'bigquery',
    name: 'warehouse.legacy_plays',
    firstSeenAt: '2026-11-01T00:00:00.000Z',
    lastSeenAt: '2026-11-02T00:00:00.000Z',
    producers: [{ id: pipeline.id, name: pipeline.name }],
    consumers: [],
  });
  api.listQualityResults.mockResolvedValue({ items: [] });
  api.listQualityMetrics.mockResolvedValue({ items: [] });
  api.getOwnerHealth.mockResolvedValue({
    owners: ['group:default/team-a'],
    total: 1,
    failing: 0,
    late: 0,
    stale: 0,
    healthy: 1,
  });
  return api;
}

describe('the pipelines plugin', () => {
  it('mounts its page in a legacy frontend-system app', async () => {
    expect(pipelinesPlugin.getId()).toBe('pipelines');
    const api = fakePipelinesApi([examplePipeline('LegacyListed')]);
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [pipelinesApiRef, api],
          [catalogApiRef, catalogApiMock()],
        ]}
      >
        <Routes>
          <Route path="/pipelines" element={<PipelinesPage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/pipelines'], mountedRoutes },
    );

    expect(await screen.findByText('Pipelines')).toBeInTheDocument();
    expect(await screen.findByText('LegacyListed')).toBeInTheDocument();
  });

  it.each<[string, ReactElement, Entity, RegExp]>([
    [
      'EntityPipelineContent',
      <EntityPipelineContent />,
      entity(
        'Component',
        'legacy-pipeline',
        { type: 'data-pipeline', owner: 'group:default/team-a' },
        { [ANNOTATION_PIPELINE_ID]: 'luigi:LegacyPipeline' },
      ),
      /lineage of pipeline:luigi:LegacyPipeline/,
    ],
    [
      'EntityDatasetContent',
      <EntityDatasetContent />,
      datasetEntity,
      /lineage of dataset:bigquery\/warehouse.legacy_plays/,
    ],
    [
      'EntityDatasetsCard',
      <EntityDatasetsCard />,
      {
        ...entity('Component', 'legacy-service', {
          type: 'service',
          owner: 'group:default/team-a',
        }),
        relations: [
          { type: 'consumesApi', targetRef: 'api:default/legacy-plays' },
        ],
      },
      /^legacy-plays$/,
    ],
    [
      'EntityPipelinesOwnershipCard',
      <EntityPipelinesOwnershipCard />,
      entity('Group', 'team-a', { type: 'team', children: [] }),
      /^LegacyPipeline$/,
    ],
  ])(
    'mounts %s in a legacy frontend-system app',
    async (_name, element, shownEntity, shows) => {
      await renderInTestApp(
        <TestApiProvider
          apis={[
            [pipelinesApiRef, entityPagesApi()],
            [catalogApiRef, catalogApiMock({ entities: [datasetEntity] })],
            [permissionApiRef, mockPermissions(() => false)],
          ]}
        >
          <EntityProvider entity={shownEntity}>{element}</EntityProvider>
        </TestApiProvider>,
        { mountedRoutes },
      );

      expect(await screen.findByText(shows)).toBeInTheDocument();
    },
  );

  it('serves /pipelines in a new frontend-system app', async () => {
    const api = fakePipelinesApi([examplePipeline('NewSystemListed')]);
    renderTestApp({
      features: [newFrontendPlugin],
      initialRouteEntries: ['/pipelines'],
      apis: [
        [pipelinesApiRef, api],
        [catalogApiRef, catalogApiMock()],
      ],
      mountedRoutes,
    });

    expect(await screen.findByText('NewSystemListed')).toBeInTheDocument();
  });

  it('gives the new frontend system its entity tabs and cards', () => {
    const ids = (
      [
        newFrontendPlugin.getExtension('entity-content:pipelines/pipeline'),
        newFrontendPlugin.getExtension('entity-content:pipelines/dataset'),
        newFrontendPlugin.getExtension('entity-card:pipelines/datasets'),
        newFrontendPlugin.getExtension(
          'entity-card:pipelines/pipelines-ownership',
        ),
      ] as Array<{ kind?: string; name?: string }>
    ).map(extension => `${extension.kind}:pipelines/${extension.name}`);
    expect(ids).toEqual([
      'entity-content:pipelines/pipeline',
      'entity-content:pipelines/dataset',
      'entity-card:pipelines/datasets',
      'entity-card:pipelines/pipelines-ownership',
    ]);
  });
});
