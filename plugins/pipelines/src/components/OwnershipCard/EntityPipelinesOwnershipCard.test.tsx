import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { registerMswTestHooks } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  OwnerHealth,
  Pipeline,
  PIPELINES_CHANGED_SIGNAL_CHANNEL,
  RunState,
} from '@tributary/plugin-pipelines-common';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { pipelinesApiRef } from '../../api';
import {
  createMswPipelinesClient,
  PIPELINES_BASE_URL,
} from '../../__testUtils__/mswPipelinesClient';
import { examplePipeline } from '../../__testUtils__/fakePipelinesApi';
import { fakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import { EntityPipelinesOwnershipCard } from './EntityPipelinesOwnershipCard';

const BASE = `${PIPELINES_BASE_URL}/v1`;
const GROUP_REF = 'group:default/royalties';

const server = setupServer();
registerMswTestHooks(server);

const pipelinesClient = createMswPipelinesClient();

const LATE = {
  since: '2026-11-30T06:00:00.000Z',
  partitionCount: 1,
  oldestPartition: '2026-11-29T00:00:00.000Z',
};

function health(counts: Partial<OwnerHealth> = {}): OwnerHealth {
  return {
    owners: [GROUP_REF],
    total: 0,
    failing: 0,
    late: 0,
    stale: 0,
    healthy: 0,
    failedQualityDatasets: 0,
    ...counts,
  };
}

/** Answers the health of the owners with `counts`; returns each query. */
function serveHealth(counts: OwnerHealth | (() => OwnerHealth) = health()) {
  const queries: URLSearchParams[] = [];
  server.use(
    rest.get(`${BASE}/health`, (req, res, ctx) => {
      queries.push(req.url.searchParams);
      return res(ctx.json(typeof counts === 'function' ? counts() : counts));
    }),
  );
  return queries;
}

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
  serveHealth();
  server.use(
    rest.get(`${BASE}/pipelines`, (req, res, ctx) => {
      const query = req.url.searchParams;
      queries.push(query);
      const limit = Math.min(Number(query.get('limit') ?? 50), maxPageSize);
      const state = query.get('state');
      const late = query.get('late') === 'true';
      const matching = pipelines.filter(
        p =>
          p.owner === query.get('owner') &&
          (!state || p.latestRunState === state) &&
          (!late || p.late),
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

function renderCard(signals?: ReturnType<typeof fakeSignalApi>) {
  return renderInTestApp(
    <EntityProvider entity={group}>
      <EntityPipelinesOwnershipCard />
    </EntityProvider>,
    {
      apis: [
        [pipelinesApiRef, pipelinesClient],
        ...(signals ? [[signalApiRef, signals] as const] : []),
      ],
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
    serveHealth(health({ total: 5, failing: 2, healthy: 1 }));
    renderCard();

    await screen.findByRole('table', { name: 'Owned pipelines' });
    expect(rowNames()).toEqual(['Bravo', 'Echo', 'Charlie', 'Delta', 'Alpha']);
    await screen.findByRole('group', { name: 'Health' });
    const count = (label: string) =>
      screen.getByText(label).previousElementSibling?.textContent;
    expect(count('failing')).toBe('2');
    expect(count('healthy')).toBe('1');
    expect(count('total')).toBe('5');

    const strips = screen.getAllByRole('list', {
      name: /^Latest \d+ partitions$/,
    });
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

  it('sums up health from the backend, each count linking to its pipelines', async () => {
    servePipelines([owned('Alpha', 'succeeded')]);
    const queries = serveHealth(
      health({
        total: 12,
        failing: 2,
        late: 3,
        stale: 1,
        healthy: 6,
        failedQualityDatasets: 4,
      }),
    );
    renderCard();

    const summary = await screen.findByRole('group', { name: 'Health' });
    const pipelinesOf = '/pipelines?owner=group%3Adefault%2Froyalties';
    expect(
      within(summary).getByRole('link', { name: '2 failing' }),
    ).toHaveAttribute('href', `${pipelinesOf}&state=failed`);
    expect(
      within(summary).getByRole('link', { name: '3 late' }),
    ).toHaveAttribute('href', `${pipelinesOf}&late=1`);
    expect(
      within(summary).getByRole('link', { name: '12 total' }),
    ).toHaveAttribute('href', pipelinesOf);
    // The pipelines page has no filter for these.
    expect(within(summary).getAllByRole('link')).toHaveLength(3);
    expect(
      within(summary).getByText('stale').previousElementSibling,
    ).toHaveTextContent('1');
    expect(
      within(summary).getByText('healthy').previousElementSibling,
    ).toHaveTextContent('6');
    expect(
      within(summary).getByText('4 datasets with failed quality checks'),
    ).toBeInTheDocument();
    expect(queries[0].get('owner')).toBe(GROUP_REF);
  });

  it('keeps the list when the health summary cannot load, and loads it again', async () => {
    servePipelines([owned('Alpha', 'succeeded')]);
    server.use(
      rest.get(`${BASE}/health`, (_req, res, ctx) =>
        res.once(
          ctx.status(503),
          ctx.json({
            error: { name: 'Error', message: 'health is down' },
            response: { statusCode: 503 },
          }),
        ),
      ),
    );
    renderCard();

    expect(
      await screen.findByText(
        /Could not load the health summary: health is down/,
      ),
    ).toBeInTheDocument();
    expect(rowNames()).toEqual(['Alpha']);
    await userEvent.click(screen.getByRole('button', { name: 'Load again' }));
    expect(
      await screen.findByRole('group', { name: 'Health' }),
    ).toBeInTheDocument();
  });

  it('lists late pipelines after failing ones and before the rest, marked late', async () => {
    const queries = servePipelines([
      owned('Alpha', 'succeeded'),
      { ...owned('Bravo', 'succeeded'), late: LATE },
      owned('Charlie', 'running'),
      owned('Delta', 'failed'),
    ]);
    renderCard();

    await screen.findByRole('table', { name: 'Owned pipelines' });
    expect(rowNames()).toEqual(['Delta', 'Bravo', 'Charlie', 'Alpha']);
    const table = screen.getByRole('table', { name: 'Owned pipelines' });
    const bravo = within(table).getAllByRole('row')[2];
    expect(within(bravo).getByText('late')).toBeInTheDocument();
    expect(within(table).getAllByText('late')).toHaveLength(1);
    // Asked for on their own, so that the limit never hides them.
    expect(queries.some(q => q.get('late') === 'true')).toBe(true);
  });

  it('loads again when the backend signals a change to a listed pipeline', async () => {
    const pipelines = [owned('Alpha', 'succeeded'), owned('Bravo', 'running')];
    const queries = servePipelines(pipelines);
    let counts = health({ total: 2, healthy: 1 });
    const healthQueries = serveHealth(() => counts);
    const signals = fakeSignalApi();
    renderCard(signals);

    await screen.findByRole('table', { name: 'Owned pipelines' });
    await screen.findByRole('group', { name: 'Health' });
    const listed = queries.length;
    expect(healthQueries).toHaveLength(1);

    signals.emit(PIPELINES_CHANGED_SIGNAL_CHANNEL, {
      pipelineIds: ['luigi:SomeoneElses'],
    });
    await act(() => new Promise(resolve => setTimeout(resolve, 100)));
    expect(queries).toHaveLength(listed);
    expect(healthQueries).toHaveLength(1);

    pipelines[1] = { ...owned('Bravo', 'failed') };
    counts = health({ total: 2, failing: 1, healthy: 1 });
    signals.emit(PIPELINES_CHANGED_SIGNAL_CHANNEL, {
      pipelineIds: ['luigi:Bravo'],
    });

    await waitFor(() => expect(rowNames()).toEqual(['Bravo', 'Alpha']));
    expect(queries).toHaveLength(listed * 2);
    expect(healthQueries).toHaveLength(2);
    expect(
      await screen.findByRole('link', { name: '1 failing' }),
    ).toBeInTheDocument();
    // The list stayed on screen while it loaded again.
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });
});
