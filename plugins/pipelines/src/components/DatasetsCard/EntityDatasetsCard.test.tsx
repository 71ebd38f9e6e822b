import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DatasetDetails } from '@tributary/plugin-pipelines-common';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { pipelinesApiRef } from '../../api';
import {
  createMswPipelinesClient,
  PIPELINES_BASE_URL,
} from '../../__testUtils__/mswPipelinesClient';
import { EntityDatasetsCard } from './EntityDatasetsCard';

const BASE = `${PIPELINES_BASE_URL}/v1`;
const hoursAgo = (hours: number) =>
  new Date(Date.now() - hours * 3_600_000).toISOString();

const server = setupServer();
registerMswTestHooks(server);

const pipelinesClient = createMswPipelinesClient();

function api(name: string, type: string, datasetId?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name,
      title: name.replace(/-/g, ' '),
      ...(datasetId && {
        annotations: { 'tributary.dev/dataset-id': datasetId },
      }),
    },
    spec: { type, owner: 'group:default/royalties', lifecycle: 'production' },
  };
}

const catalogEntities = [
  api('plays', 'dataset', 'bigquery/warehouse.plays'),
  api('royalties', 'dataset', 'bigquery/finance.royalties'),
  api('gone', 'dataset', 'bigquery/finance.gone'),
  api('royalty-openapi', 'openapi'),
];

function service(relations: Entity['relations'] = []): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'royalty-service' },
    spec: { type: 'service', owner: 'group:default/royalties' },
    relations,
  };
}

const royaltyService = service([
  { type: 'consumesApi', targetRef: 'api:default/plays' },
  { type: 'consumesApi', targetRef: 'api:default/gone' },
  { type: 'providesApi', targetRef: 'api:default/royalties' },
  { type: 'providesApi', targetRef: 'api:default/royalty-openapi' },
]);

function dataset(
  id: string,
  overrides: Partial<DatasetDetails> = {},
): DatasetDetails {
  const slash = id.indexOf('/');
  return {
    id,
    namespace: id.slice(0, slash),
    name: id.slice(slash + 1),
    firstSeenAt: hoursAgo(100),
    lastSeenAt: hoursAgo(1),
    producers: [],
    consumers: [],
    ...overrides,
  };
}

const datasets = [
  dataset('bigquery/warehouse.plays', {
    lastWrittenAt: hoursAgo(2),
    producers: [
      {
        id: 'luigi:DailyPlays',
        name: 'DailyPlays',
        title: 'Daily plays',
        latestRunState: 'failed',
      },
      {
        id: 'airflow:late_plays',
        name: 'late_plays',
        latestRunState: 'succeeded',
        lateSince: hoursAgo(3),
      },
    ],
  }),
  // Written by the service itself, not by a pipeline the backend knows.
  dataset('bigquery/finance.royalties'),
];

function serveDatasets() {
  server.use(
    rest.get(`${BASE}/datasets/:id`, (req, res, ctx) => {
      const found = datasets.find(d => d.id === req.params.id);
      return found
        ? res(ctx.json(found))
        : res(
            ctx.status(404),
            ctx.json({
              error: {
                name: 'NotFoundError',
                message: `No dataset with id '${req.params.id}'`,
              },
              response: { statusCode: 404 },
            }),
          );
    }),
  );
}

function renderCard(
  entity: Entity,
  catalogApi = catalogApiMock({ entities: catalogEntities }),
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityDatasetsCard />
    </EntityProvider>,
    {
      apis: [[pipelinesApiRef, pipelinesClient], catalogApi],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

// A whole test app per test: slow on a busy machine, well past the default 5s.
jest.setTimeout(30_000);

describe('EntityDatasetsCard', () => {
  it('lists the datasets read and written, their freshness and producer state', async () => {
    serveDatasets();
    renderCard(royaltyService);

    const table = await screen.findByRole('table', { name: 'Datasets' });
    const rows = within(table).getAllByRole('row').slice(1);
    // Sorted by title; the OpenAPI the service also provides is not a dataset.
    expect(rows.map(row => within(row).getByRole('link').textContent)).toEqual([
      'gone',
      'plays',
      'royalties',
    ]);

    const [gone, plays, royalties] = rows;
    expect(within(plays).getByText('reads')).toBeInTheDocument();
    expect(within(plays).queryByText('writes')).not.toBeInTheDocument();
    expect(await within(plays).findByText('2 hours ago')).toBeInTheDocument();
    expect(within(plays).getByText('Daily plays')).toBeInTheDocument();
    expect(within(plays).getByText('failed')).toBeInTheDocument();
    // A late producer is marked so beside its state; the others are not.
    expect(within(plays).getAllByText('late')).toHaveLength(1);
    expect(
      within(plays).getByText('late_plays').previousElementSibling,
    ).toHaveTextContent('succeededlate');

    expect(within(royalties).getByText('writes')).toBeInTheDocument();
    expect(within(royalties).getByText('never')).toBeInTheDocument();
    expect(within(royalties).getByText('none known')).toBeInTheDocument();

    // A dataset the backend does not know fails its own row only.
    expect(
      await within(gone).findByText(
        "Not loaded: No dataset with id 'bigquery/finance.gone'",
      ),
    ).toBeInTheDocument();
  });

  it('explains how to declare datasets when there are none', async () => {
    renderCard(service());

    expect(
      await screen.findByText('This component declares no datasets.'),
    ).toBeInTheDocument();
    expect(screen.getByText('spec.consumesApis')).toBeInTheDocument();
    expect(screen.getByText('spec.providesApis')).toBeInTheDocument();
  });

  it('shows a catalog failure and recovers on retry', async () => {
    serveDatasets();
    const catalogApi = catalogApiMock.mock({
      getEntitiesByRefs: jest
        .fn()
        .mockRejectedValueOnce(new Error('catalog is down'))
        .mockResolvedValue({ items: [catalogEntities[0]] }),
    });
    renderCard(royaltyService, catalogApi);

    expect(
      await screen.findByText(/Could not load datasets/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/catalog is down/).length).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Daily plays')).toBeInTheDocument();
  });
});
