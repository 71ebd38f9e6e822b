import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Pipeline, RunState } from '@tributary/plugin-pipelines-common';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { pipelinesApiRef } from '../../api';
import {
  createMswPipelinesClient,
  PIPELINES_BASE_URL,
} from '../../__testUtils__/mswPipelinesClient';
import { examplePipeline } from '../../__testUtils__/fakePipelinesApi';
import { EntityPipelinesOwnershipCard } from './EntityPipelinesOwnershipCard';

const BASE = `${PIPELINES_BASE_URL}/v1`;
const GROUP_REF = 'group:default/royalties';

const server = setupServer();
registerMswTestHooks(server);

const pipelinesClient = createMswPipelinesClient();

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'royalties', title: 'Royalties' },
  spec: { type: 'team', children: [] },
};

function owned(name: string, state?: RunState): Pipeline {
  return examplePipeline(name, {
    owner: GROUP_REF,
    latestRunState: state,
    recentRuns: state
      ? [
          { id: `${name}-2`, partition: '2026-11-02', state },
          { id: `${name}-1`, partition: '2026-11-01', state: 'succeeded' },
        ]
      : [],
  });
}

/**
 * Filters like the backend, which answers at most `maxPageSize` items whatever
 * the limit asked for; returns each request's query.
 */
function servePipelines(pipelines: Pipeline[], maxPageSize = 500) {
  const queries: URLSearchParams[] = [];
  server.use(
    rest.get(`${BASE}/pipelines`, (req, res, ctx) => {
      const query = req.url.searchParams;
      queries.push(query);
      const limit = Math.min(Number(query.get('limit') ?? 50), maxPageSize);
      const state = query.get('state');
      const matching = pipelines.filter(
        p =>
          p.owner === query.get('owner') &&
          (!state || p.latestRunState === state),
      );
      return res(
        ctx.json({
          items: matching.slice(0, limit),
          totalCount: matching.length,
          offset: 0,
          limit,
        }),
      );
    }),
  );
  return queries;
}

function renderCard() {
  return renderInTestApp(
    <EntityProvider entity={group}>
      <EntityPipelinesOwnershipCard />
    </EntityProvider>,
    {
      apis: [[pipelinesApiRef, pipelinesClient]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

function rowNames() {
  const table = screen.getByRole('table', { name: 'Owned pipelines' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).getAllByRole('cell')[0].textContent);
}

// A whole test app per test: slow on a busy machine, well past the default 5s.
jest.setTimeout(30_000);

describe('EntityPipelinesOwnershipCard', () => {
  it("lists the group's pipelines failing first, with counts and latest runs", async () => {
    const queries = servePipelines([
      owned('Alpha', 'succeeded'),
      owned('Bravo', 'failed'),
      owned('Charlie', 'running'),
      owned('Delta'),
      owned('Echo', 'failed'),
      examplePipeline('SomeoneElses', { owner: 'group:default/other' }),
    ]);
    renderCard();

    await screen.findByRole('table', { name: 'Owned pipelines' });
    expect(rowNames()).toEqual(['Bravo', 'Echo', 'Charlie', 'Delta', 'Alpha']);
    const count = (label: string) =>
      screen.getByText(label).previousElementSibling?.textContent;
    expect(count('failing')).toBe('2');
    expect(count('healthy')).toBe('1');
    expect(count('total')).toBe('5');

    const strips = screen.getAllByRole('list', { name: /^Latest \d+ runs$/ });
    // Oldest first, like a timeline.
    expect(
      within(strips[0])
        .getAllByRole('listitem')
        .map(run => run.getAttribute('aria-label')?.split(': ')[1]),
    ).toEqual(['succeeded', 'failed']);

    expect(
      screen.getByRole('link', { name: /All pipelines of this owner/ }),
    ).toHaveAttribute('href', '/pipelines?owner=group%3Adefault%2Froyalties');
    expect(queries[0].get('owner')).toBe(GROUP_REF);
    expect(queries[0].get('recentRuns')).toBe('7');
    expect(queries[0].get('limit')).toBe('200');
  });

  it('keeps failing pipelines that are past the page the backend answers', async () => {
    const pipelines = Array.from({ length: 10 }, (_, i) =>
      owned(`Task${i}`, 'succeeded'),
    );
    pipelines.push(owned('Zulu', 'failed'));
    servePipelines(pipelines, 5);
    renderCard();

    await screen.findByRole('table', { name: 'Owned pipelines' });
    expect(rowNames()[0]).toBe('Zulu');
    expect(rowNames()).toHaveLength(6);
    expect(screen.getByText(/Showing 6 of 11/)).toBeInTheDocument();
  });

  it('says when the group owns no pipelines', async () => {
    servePipelines([]);
    renderCard();

    expect(
      await screen.findByText(/No pipelines are owned by Royalties/),
    ).toBeInTheDocument();
  });

  it("shows the backend's error and recovers on retry", async () => {
    servePipelines([owned('Bravo', 'failed')]);
    server.use(
      rest.get(`${BASE}/pipelines`, (_req, res, ctx) =>
        res.once(
          ctx.status(503),
          ctx.json({
            error: { name: 'Error', message: 'database is down' },
            response: { statusCode: 503 },
          }),
        ),
      ),
    );
    renderCard();

    expect(
      await screen.findByText(/Could not load pipelines/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database is down/).length).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Bravo')).toBeInTheDocument();
  });
});
