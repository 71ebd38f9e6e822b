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

describe('the pipelines plugin', () => {
  it('mounts its page in a legacy frontend-system app', async () => {
    expect(pipelinesPlugin.getId()).toBe('pipelines');
    const api = fakePipelinesApi([examplePipeline('LegacyListed')]);
    await renderInTestApp(
      <TestApiProvider apis={[[pipelinesApiRef, api]]}>
        <Routes>
          <Route path="/pipelines" element={<PipelinesPage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/pipelines'] },
    );

    expect(await screen.findByText('Pipelines')).toBeInTheDocument();
    expect(await screen.findByText('LegacyListed')).toBeInTheDocument();
  });

  it('serves /pipelines in a new frontend-system app', async () => {
    const api = fakePipelinesApi([examplePipeline('NewSystemListed')]);
    renderTestApp({
      features: [newFrontendPlugin],
      initialRouteEntries: ['/pipelines'],
      apis: [[pipelinesApiRef, api]],
    });

    expect(await screen.findByText('NewSystemListed')).toBeInTheDocument();
  });
});
