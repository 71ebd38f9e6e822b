import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ColumnLineageEntry,
  DatasetDetails,
  QualityMetrics,
  QualityResult,
} from '@tributary/plugin-pipelines-common';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { pipelinesApiRef } from '../../api';
import {
  createMswPipelinesClient,
  PIPELINES_BASE_URL,
} from '../../__testUtils__/mswPipelinesClient';
import { formatTime } from '../PipelineTab/runs';
import { DatasetContent } from './DatasetContent';

// The graph has its own tests; here only where the tab centres it matters.
jest.mock('../LineageGraph', () => ({
  LineageGraph: (p: any) => <div>lineage of {p.root}</div>,
}));

const BASE = `${PIPELINES_BASE_URL}/v1`;
const DATASET_ID = 'bigquery/warehouse.plays';
const hoursAgo = (hours: number) =>
  new Date(Date.now() - hours * 3_600_000).toISOString();

const server = setupServer();
registerMswTestHooks(server);

const pipelinesClient = createMswPipelinesClient();

function component(name: string, type: string, pipelineId?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      title: name.replace(/-/g, ' '),
      ...(pipelineId && {
        annotations: { 'tributary.dev/pipeline-id': pipelineId },
      }),
    },
    spec: { type, owner: 'group:default/royalties', lifecycle: 'production' },
  };
}

const catalogEntities: Entity[] = [
  component('daily-plays', 'data-pipeline', 'luigi:DailyPlays'),
  component('weekly-report', 'data-pipeline', 'airflow:weekly_report'),
  component('royalty-service', 'service'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: 'raw-plays',
      annotations: { 'tributary.dev/dataset-id': 'gs://raw/plays' },
    },
    spec: { type: 'dataset', owner: 'group:default/royalties' },
  },
];

const datasetEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: {
    name: 'plays',
    annotations: { 'tributary.dev/dataset-id': DATASET_ID },
  },
  spec: { type: 'dataset', owner: 'group:default/royalties' },
  relations: [
    { type: 'apiProvidedBy', targetRef: 'component:default/daily-plays' },
    { type: 'apiConsumedBy', targetRef: 'component:default/weekly-report' },
    { type: 'apiConsumedBy', targetRef: 'component:default/royalty-service' },
  ],
};

const details: DatasetDetails = {
  id: DATASET_ID,
  namespace: 'bigquery',
  name: 'warehouse.plays',
  platform: 'bigquery',
  firstSeenAt: hoursAgo(100),
  lastSeenAt: hoursAgo(3),
  lastWrittenAt: hoursAgo(4),
  lastWrittenByRun: 'run-42',
  schema: [
    { name: 'user_id', type: 'STRING' },
    { name: 'ms_played', type: 'INT64', description: 'Play time' },
  ],
  producers: [
    {
      id: 'luigi:DailyPlays',
      name: 'DailyPlays',
      title: 'Daily plays',
      latestRunState: 'failed',
      latestRunAt: hoursAgo(2),
    },
  ],
  consumers: [
    {
      id: 'airflow:weekly_report',
      name: 'weekly_report',
      title: 'Weekly report',
      latestRunState: 'succeeded',
      latestRunAt: hoursAgo(5),
    },
  ],
};

const upstream: ColumnLineageEntry[] = [
  {
    datasetId: DATASET_ID,
    field: 'user_id',
    inputDatasetId: 'gs://raw/plays',
    inputField: 'uid',
    transformations: [{ type: 'DIRECT', subtype: 'IDENTITY' }],
  },
  {
    datasetId: DATASET_ID,
    field: 'ms_played',
    inputDatasetId: 'kafka://broker/plays-stream',
    inputField: 'duration_ms',
    transformations: [{ type: 'DIRECT', subtype: 'AGGREGATION' }],
  },
];

const quality: QualityResult[] = [
  {
    runId: 'run-42',
    datasetId: DATASET_ID,
    assertion: 'not_null',
    column: 'user_id',
    success: true,
    partition: '2026-11-02',
    observedAt: hoursAgo(3),
  },
  {
    runId: 'run-41',
    datasetId: DATASET_ID,
    assertion: 'row_count_above',
    success: false,
    partition: '2026-11-01',
    observedAt: hoursAgo(27),
  },
];

// Newest first, as the backend lists them.
const metrics: QualityMetrics[] = [
  {
    runId: 'run-42',
    datasetId: DATASET_ID,
    partition: '2026-11-02',
    observedAt: hoursAgo(3),
    rowCount: 1_234_567,
    bytes: 1_610_612_736,
    fileCount: 12,
    columns: {
      user_id: { nullCount: 5, distinctCount: 90_000 },
      ms_played: { nullCount: 0, distinctCount: 4_000, min: 0, max: 3_600.5 },
    },
  },
  {
    runId: 'run-41',
    datasetId: DATASET_ID,
    partition: '2026-11-01',
    observedAt: hoursAgo(27),
    rowCount: 1_000_000,
    columns: {
      user_id: { nullCount: 2 },
      ms_played: { nullCount: 0 },
    },
  },
  {
    runId: 'run-40',
    datasetId: DATASET_ID,
    partition: '2026-10-31',
    observedAt: hoursAgo(51),
    rowCount: 900_000,
  },
];

/** Serves the dataset; returns the `field` of each column-lineage request. */
function serveDataset(
  dataset: DatasetDetails = details,
  qualityResults: QualityResult[] = quality,
  qualityMetrics: QualityMetrics[] = metrics,
) {
  const lineageFields: Array<string | null> = [];
  server.use(
    rest.get(`${BASE}/datasets/:id`, (req, res, ctx) =>
      req.params.id === dataset.id
        ? res(ctx.json(dataset))
        : res(ctx.status(404), ctx.json({ error: { message: 'not found' } })),
    ),
    rest.get(`${BASE}/datasets/:id/column-lineage`, (req, res, ctx) => {
      const field = req.url.searchParams.get('field');
      lineageFields.push(field);
      return res(
        ctx.json({ items: upstream.filter(e => !field || e.field === field) }),
      );
    }),
    rest.get(`${BASE}/datasets/:id/quality`, (_req, res, ctx) =>
      res(ctx.json({ items: qualityResults })),
    ),
    rest.get(`${BASE}/datasets/:id/metrics`, (req, res, ctx) =>
      req.params.id === dataset.id
        ? res(ctx.json({ items: qualityMetrics }))
        : res(ctx.status(404), ctx.json({ error: { message: 'not found' } })),
    ),
  );
  return lineageFields;
}

function renderTab(entity: Entity = datasetEntity) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <DatasetContent />
    </EntityProvider>,
    {
      apis: [
        [pipelinesApiRef, pipelinesClient],
        catalogApiMock({ entities: catalogEntities }),
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

// A whole test app per test: slow on a busy machine, well past the default 5s.
jest.setTimeout(30_000);

describe('DatasetContent', () => {
  it('centres the lineage on the dataset and says when it was last written', async () => {
    serveDataset();
    renderTab();

    expect(
      screen.getByText(`lineage of dataset:${DATASET_ID}`),
    ).toBeInTheDocument();
    expect(await screen.findByText('4 hours ago')).toBeInTheDocument();
    expect(screen.getByText('run-42')).toBeInTheDocument();
  });

  it('lists producing and consuming pipelines with their state, and services', async () => {
    serveDataset();
    renderTab();

    const producers = await screen.findByRole('table', { name: 'Producers' });
    expect(within(producers).getByText('Daily plays')).toHaveAttribute(
      'href',
      '/catalog/default/component/daily-plays',
    );
    expect(within(producers).getByText('failed')).toBeInTheDocument();

    const consumers = screen.getByRole('table', { name: 'Consumers' });
    const rows = within(consumers).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText('Weekly report')).toBeInTheDocument();
    expect(within(rows[0]).getByText('succeeded')).toBeInTheDocument();
    expect(within(rows[1]).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/component/royalty-service',
    );
    expect(within(rows[1]).getByText('service')).toBeInTheDocument();
  });

  it('shows the upstream columns of the column picked in the schema', async () => {
    const lineageFields = serveDataset();
    renderTab();

    expect(
      await screen.findByText(
        'Pick a column to see the columns it is computed from.',
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('radio', {
        name: 'Show the upstream columns of user_id',
      }),
    );

    const userIdUpstream = await screen.findByRole('table', {
      name: 'Upstream of user_id',
    });
    expect(within(userIdUpstream).getByText('uid')).toBeInTheDocument();
    expect(within(userIdUpstream).getByText('IDENTITY')).toBeInTheDocument();
    // The input dataset is in the catalog, so it links to its page.
    expect(within(userIdUpstream).getByText('gs://raw/plays')).toHaveAttribute(
      'href',
      '/catalog/default/api/raw-plays',
    );

    // Arrow keys move between the radios, as in any radio group.
    await userEvent.keyboard('{ArrowDown}');
    const msPlayedUpstream = await screen.findByRole('table', {
      name: 'Upstream of ms_played',
    });
    expect(
      within(msPlayedUpstream).getByText('kafka://broker/plays-stream'),
    ).toBeInTheDocument();
    expect(
      within(msPlayedUpstream).getByText('duration_ms'),
    ).toBeInTheDocument();
    expect(lineageFields).toEqual(['user_id', 'ms_played']);
  });

  it('lists failed quality results first', async () => {
    serveDataset();
    renderTab();

    const table = await screen.findByRole('table', { name: 'Quality results' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(within(rows[0]).getByText('row_count_above')).toBeInTheDocument();
    expect(within(rows[0]).getByText('failed')).toBeInTheDocument();
    expect(within(rows[0]).getByTestId('ErrorOutlineIcon')).toBeInTheDocument();
    expect(within(rows[1]).getByText('not_null')).toBeInTheDocument();
    expect(within(rows[1]).getByText('passed')).toBeInTheDocument();
    expect(within(rows[1]).queryByTestId('ErrorOutlineIcon')).toBeNull();
    // The failure is of an older run: the latest one passed.
    expect(
      screen.getByText('The assertion of the latest run passed.'),
    ).toBeInTheDocument();
  });

  it('sums up how the assertions of the latest run went', async () => {
    const observedAt = hoursAgo(1);
    const latest = (assertion: string, success: boolean): QualityResult => ({
      runId: 'run-43',
      datasetId: DATASET_ID,
      assertion,
      success,
      observedAt,
    });
    serveDataset(details, [
      ...quality,
      latest('not_null', true),
      latest('unique', false),
      latest('row_count_above', false),
    ]);
    renderTab();

    const summary = await screen.findByRole('alert');
    expect(summary).toHaveTextContent(
      '2 of 3 assertions failed in the latest run.',
    );
    const table = screen.getByRole('table', { name: 'Quality results' });
    expect(within(table).getAllByText('failed')).toHaveLength(3);
  });

  it("shows the latest run's metrics and its columns", async () => {
    serveDataset();
    renderTab();

    const latest = await screen.findByRole('group', {
      name: 'Latest metrics',
    });
    expect(within(latest).getByText('1,234,567')).toBeInTheDocument();
    expect(within(latest).getByText('1.5 GiB')).toBeInTheDocument();
    expect(within(latest).getByText('12')).toBeInTheDocument();
    expect(within(latest).getByText('2026-11-02')).toBeInTheDocument();
    expect(within(latest).getByText('3 hours ago')).toBeInTheDocument();

    const table = screen.getByRole('table', { name: 'Column metrics' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      'ms_played04,00003,600.5',
      'user_id590,000——',
    ]);
  });

  it('draws one row-count bar per listed run, oldest first', async () => {
    serveDataset();
    renderTab();

    const trend = await screen.findByRole('img', {
      name: 'Row counts of the last 3 runs, oldest first',
    });
    const bars = within(trend).getAllByTestId('row-count-bar');
    expect(bars).toHaveLength(3);
    expect(bars.map(b => b.textContent)).toEqual([
      '2026-10-31: 900,000 rows',
      '2026-11-01: 1,000,000 rows',
      '2026-11-02: 1,234,567 rows',
    ]);
    // The newest run has the most rows: its bar is the full height.
    expect(bars[2]).toHaveAttribute('y', '0');
  });

  it('marks the columns whose nulls rose since the previous run', async () => {
    serveDataset();
    renderTab();

    const table = await screen.findByRole('table', { name: 'Column metrics' });
    const [msPlayed, userId] = within(table).getAllByRole('row').slice(1);
    expect(
      within(userId).getByRole('img', {
        name: 'Nulls rose from 2 in the previous run',
      }),
    ).toBeInTheDocument();
    expect(within(msPlayed).queryByRole('img')).toBeNull();
  });

  it('says when no metrics were reported', async () => {
    serveDataset(details, quality, []);
    renderTab();

    expect(
      await screen.findByText('No metrics reported for this dataset'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Column metrics' })).toBeNull();
  });

  it("shows the metrics' error and recovers on retry", async () => {
    serveDataset();
    server.use(
      rest.get(`${BASE}/datasets/:id/metrics`, (_req, res, ctx) =>
        res.once(
          ctx.status(503),
          ctx.json({
            error: { name: 'Error', message: 'metrics store is down' },
            response: { statusCode: 503 },
          }),
        ),
      ),
    );
    renderTab();

    expect(
      await screen.findByText(/Could not load quality metrics/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('table', { name: 'Column metrics' }),
    ).toBeInTheDocument();
  });

  it('says since when the dataset is late and marks its late producers', async () => {
    const lateSince = '2026-11-30T06:00:00.000Z';
    serveDataset({
      ...details,
      lateSince,
      producers: [{ ...details.producers[0], lateSince }],
    });
    renderTab();

    expect(
      await screen.findByText(
        `Late since ${formatTime(
          lateSince,
        )}: a pipeline that writes this dataset is past its freshness deadline.`,
      ),
    ).toBeInTheDocument();
    const producers = await screen.findByRole('table', { name: 'Producers' });
    expect(within(producers).getByText('late')).toBeInTheDocument();
    const consumers = screen.getByRole('table', { name: 'Consumers' });
    expect(within(consumers).queryByText('late')).toBeNull();
  });

  it('says nothing of lateness while the dataset is on time', async () => {
    serveDataset();
    renderTab();

    await screen.findByRole('table', { name: 'Producers' });
    expect(screen.queryByText(/^Late since/)).toBeNull();
    expect(screen.queryByText('late')).toBeNull();
  });

  it('explains an API without a dataset id', async () => {
    renderTab({
      ...datasetEntity,
      metadata: { name: 'plays', annotations: {} },
    });

    expect(
      screen.getByText('This API is not linked to a Tributary dataset'),
    ).toBeInTheDocument();
    expect(screen.getByText(/tributary\.dev\/dataset-id/)).toBeInTheDocument();
  });

  it("shows the backend's error and recovers on retry", async () => {
    serveDataset();
    server.use(
      rest.get(`${BASE}/datasets/:id`, (_req, res, ctx) =>
        res.once(
          ctx.status(503),
          ctx.json({
            error: { name: 'Error', message: 'database is down' },
            response: { statusCode: 503 },
          }),
        ),
      ),
    );
    renderTab();

    expect(
      await screen.findByText(/Could not load the dataset/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database is down/).length).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() =>
      expect(screen.getByRole('table', { name: 'Schema' })).toBeInTheDocument(),
    );
  });
});
