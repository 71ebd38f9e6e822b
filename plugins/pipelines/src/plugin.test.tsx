import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { pipelinesApiRef } from './api';
import {
  examplePipeline,
  fakePipelinesApi,
} from './__testUtils__/fakePipelinesApi';
import { PipelinesPage, pipelinesPlugin } from './plugin';
import { Route, Routes } from 'react-router-dom';
import newFrontendPlugin from './alpha';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

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
