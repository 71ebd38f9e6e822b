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
  ANNOTATION_PIPELINE_ID,
  Backfill,
  BackfillPlan,
  Pipeline,
  pipelineSignalChannel,
  Run,
} from '@tributary/plugin-pipelines-common';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { pipelinesApiRef } from '../../api';
import {
  createMswPipelinesClient,
  PIPELINES_BASE_URL,
} from '../../__testUtils__/mswPipelinesClient';
import { mockPermissions } from '../../__testUtils__/permissions';
import { fakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import { formatTime } from './runs';
import { isPipelineEntity, PipelineContent } from '.';

jest.mock('../LineageGraph', () => ({
  LineageGraph: (p: any) => <div>lineage of {p.root}</div>,
}));

const BASE_URL = PIPELINES_BASE_URL;
const PIPELINE_ID = 'airflow:daily_streams';
const LONG_ERROR = `Task exited with return code 1: ${'x'.repeat(
  100,
)}\nTraceback: the tail of the error`;

const pipeline: Pipeline = {
  id: PIPELINE_ID,
  source: 'airflow',
  namespace: 'airflow://central',
  name: 'daily_streams',
  owner: 'group:default/royalties',
  schedule: '@daily',
  freshnessTarget: '6h',
  schedulerUrl: 'https://airflow.example.com/dags/daily_streams',
  firstSeenAt: '2026-10-01T00:00:00.000Z',
  lastSeenAt: '2026-12-01T00:00:00.000Z',
  latestRunState: 'failed',
  stale: { since: '2026-12-01T08:00:00.000Z', reason: 'connection refused' },
};

const DAY = 86_400_000;

function dailyRun(day: number, overrides: Partial<Run> = {}): Run {
  const partition = Date.UTC(2026, 10, day);
  const startedAt = partition + DAY + 3_600_000;
  return {
    id: `run-${String(day).padStart(2, '0')}`,
    pipelineId: PIPELINE_ID,
    partition: new Date(partition).toISOString(),
    partitionEnd: new Date(partition + DAY).toISOString(),
    state: 'succeeded',
    attempt: 1,
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(startedAt + (day % 5) * 600_000 + 60_000).toISOString(),
    updatedAt: '2026-12-01T00:00:00.000Z',
    ...overrides,
  };
}

/** 30 days of partitions; the 28th re-run once, the 29th running, the 30th failed. */
const runs: Run[] = [
  ...Array.from({ length: 28 }, (_, i) => dailyRun(i + 1)),
  dailyRun(28, { id: 'run-28-retry', attempt: 2 }),
  dailyRun(29, { state: 'running', endedAt: undefined }),
  dailyRun(30, {
    state: 'failed',
    attempt: 3,
    errorMessage: LONG_ERROR,
    externalUrl: 'https://airflow.example.com/runs/30',
  }),
]
  .map(run =>
    run.id === 'run-28' ? { ...run, state: 'failed' as const } : run,
  )
  .sort(
    (a, b) =>
      b.partition!.localeCompare(a.partition!) || b.id.localeCompare(a.id),
  );

jest.setTimeout(30_000);
const server = setupServer();
registerMswTestHooks(server);

const newBackfill: Backfill = {
  id: 'bf-new',
  pipelineId: PIPELINE_ID,
  state: 'queued',
  mode: 'native',
  requestedBy: 'user:default/ada',
  start: '2026-11-20T00:00:00.000Z',
  end: '2026-11-25T00:00:00.000Z',
  concurrency: 1,
  order: 'oldest',
  onlyFailedOrMissing: false,
  createdAt: '2026-11-25T08:00:00.000Z',
  updatedAt: '2026-11-25T08:00:00.000Z',
  progress: {
    total: 5,
    queued: 5,
    running: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
  },
};

/**
 * Serves the pipeline, its runs and its backfills like the backend; records
 * run queries. Each list of backfills answers one request, the last repeats.
 * `current` is read at each request: change it to change what the backend has.
 */
function serveBackend(
  options: {
    failPipelineOnce?: boolean;
    runs?: Run[];
    backfills?: Backfill[][];
    current?: { pipeline: Pipeline; runs: Run[] };
  } = {},
) {
  const runQueries: URLSearchParams[] = [];
  const pipelineRequests: string[] = [];
  let failPipeline = options.failPipelineOnce ?? false;
  const backfillLists = options.backfills ?? [[]];
  let backfillCalls = 0;
  server.use(
    rest.get(`${BASE_URL}/v1/pipelines/:id/backfills`, (_req, res, ctx) => {
      const items =
        backfillLists[Math.min(backfillCalls, backfillLists.length - 1)];
      backfillCalls += 1;
      return res(ctx.json({ items }));
    }),
    rest.get(`${BASE_URL}/v1/pipelines/:id`, (req, res, ctx) => {
      pipelineRequests.push(String(req.params.id));
      if (failPipeline) {
        failPipeline = false;
        return res(
          ctx.status(503),
          ctx.json({
            error: { name: 'Error', message: 'database is down' },
            response: { statusCode: 503 },
          }),
        );
      }
      return res(ctx.json(options.current?.pipeline ?? pipeline));
    }),
    rest.get(`${BASE_URL}/v1/pipelines/:id/runs`, (req, res, ctx) => {
      const query = req.url.searchParams;
      runQueries.push(query);
      const offset = Number(query.get('offset') ?? 0);
      const limit = Number(query.get('limit') ?? 50);
      const state = query.get('state');
      const matching = (options.current?.runs ?? options.runs ?? runs).filter(
        run => !state || run.state === state,
      );
      return res(
        ctx.json({
          items: matching.slice(offset, offset + limit),
          totalCount: matching.length,
          offset,
          limit,
        }),
      );
    }),
  );
  return {
    runQueries,
    pipelineRequests,
    backfillCalls: () => backfillCalls,
  };
}

function pipelineEntity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'daily-streams', annotations },
    spec: { type: 'data-pipeline', owner: 'group:default/royalties' },
  };
}

async function renderTab(
  entity = pipelineEntity({ [ANNOTATION_PIPELINE_ID]: PIPELINE_ID }),
  signals?: ReturnType<typeof fakeSignalApi>,
) {
  const client = createMswPipelinesClient();
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <PipelineContent />
    </EntityProvider>,
    {
      apis: [
        [pipelinesApiRef, client],
        mockPermissions(() => true),
        ...(signals ? [[signalApiRef, signals] as const] : []),
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

const runsTable = () => screen.getByRole('table', { name: 'Runs' });

describe('PipelineContent', () => {
  it('shows the overview with its owner, schedule, scheduler link and stale mark', async () => {
    serveBackend();
    await renderTab();

    expect(await screen.findByText('@daily')).toBeInTheDocument();
    expect(screen.getByText('royalties')).toBeInTheDocument();
    expect(screen.getByText('6h')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open in airflow/ }),
    ).toHaveAttribute('href', pipeline.schedulerUrl);
    expect(screen.getByText('Stale')).toBeInTheDocument();
    expect(screen.getByText(/connection refused/)).toBeInTheDocument();
    expect(
      screen.getByText(`lineage of pipeline:${PIPELINE_ID}`),
    ).toBeInTheDocument();
  });

  it('charts the durations of succeeded runs, oldest first', async () => {
    serveBackend();
    await renderTab();

    const bars = await screen.findAllByTestId('duration-bar');
    // Every succeeded run: the 1st to the 27th and the 28th's retry.
    expect(bars).toHaveLength(28);
    expect(bars[0]).toHaveTextContent('2026-11-01: 11m');
    expect(bars[27]).toHaveTextContent('2026-11-28: 31m');
  });

  it('draws a cell per partition, coloured by its latest attempt, that opens the run', async () => {
    serveBackend();
    await renderTab();

    const grid = await screen.findByRole('group', { name: 'Run history' });
    // Daily partitions: the last two weeks, 17 to 30 November.
    const cells = within(grid).getAllByRole('button');
    expect(cells).toHaveLength(14);
    expect(cells[0]).toHaveAccessibleName('2026-11-17: succeeded');
    expect(
      within(grid).getAllByRole('button', { name: /: succeeded$/ }),
    ).toHaveLength(12);
    // The 28th failed first and succeeded on its retry.
    expect(
      within(grid).getByRole('button', { name: '2026-11-28: succeeded' }),
    ).toBeInTheDocument();
    expect(
      within(grid).getByRole('button', { name: '2026-11-29: running' }),
    ).toBeInTheDocument();

    await userEvent.click(
      within(grid).getByRole('button', { name: '2026-11-30: failed' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('run-error')).toHaveTextContent(
      'the tail of the error',
    );
    expect(
      within(dialog).getByRole('link', { name: 'Open in scheduler' }),
    ).toHaveAttribute('href', 'https://airflow.example.com/runs/30');
  });

  it("tells a cell's times and attempts on hover", async () => {
    serveBackend();
    await renderTab();
    const grid = await screen.findByRole('group', { name: 'Run history' });

    await userEvent.hover(
      within(grid).getByRole('button', { name: '2026-11-28: succeeded' }),
    );

    const tooltip = await screen.findByRole('tooltip');
    const retry = dailyRun(28, { attempt: 2 });
    expect(tooltip).toHaveTextContent(`Started ${formatTime(retry.startedAt)}`);
    expect(tooltip).toHaveTextContent(`Ended ${formatTime(retry.endedAt)}`);
    expect(tooltip).toHaveTextContent('Took 31m, 2 attempts');
  });

  it('pages runs on the server and expands error messages', async () => {
    const { runQueries } = serveBackend();
    await renderTab();

    await waitFor(() =>
      expect(within(runsTable()).getAllByRole('row')).toHaveLength(21),
    );
    expect(within(runsTable()).queryByText(/the tail of the error/)).toBeNull();
    await userEvent.click(
      within(runsTable()).getByRole('button', { name: 'Show full error' }),
    );
    expect(
      within(runsTable()).getByText(/the tail of the error/),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    expect(
      await within(runsTable()).findByText('2026-11-01'),
    ).toBeInTheDocument();
    expect(
      runQueries.some(q => q.get('offset') === '20' && q.get('limit') === '20'),
    ).toBe(true);
  });

  it('filters runs by state on the server', async () => {
    const { runQueries } = serveBackend();
    await renderTab();
    await waitFor(() => expect(runsTable()).toBeInTheDocument());

    await userEvent.click(screen.getByRole('combobox', { name: /State/ }));
    await userEvent.click(screen.getByRole('option', { name: 'failed' }));

    await waitFor(() =>
      expect(within(runsTable()).getAllByRole('row')).toHaveLength(3),
    );
    expect(runQueries[runQueries.length - 1].get('state')).toBe('failed');
    expect(runQueries[runQueries.length - 1].get('offset')).toBe('0');
  });

  it('shows the error and asks again on retry', async () => {
    serveBackend({ failPipelineOnce: true });
    await renderTab();

    expect(
      await screen.findByText(/Could not load the pipeline/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database is down/).length).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await screen.findByText('@daily')).toBeInTheDocument();
  });

  it('holds the place of every section while it loads', async () => {
    server.use(
      // Never answers; a delay would leave a timer running after the test.
      rest.get(`${BASE_URL}/*`, () => new Promise<undefined>(() => {})),
    );
    await renderTab();

    expect(screen.getByTestId('run-history-loading')).toBeInTheDocument();
    expect(screen.getByTestId('duration-loading')).toBeInTheDocument();
    expect(screen.getByTestId('runs-loading')).toBeInTheDocument();
    expect(screen.getByTestId('backfills-loading')).toBeInTheDocument();
    expect(screen.getByText('Owner')).toBeInTheDocument();
  });

  it('says so in every section when there are no runs yet', async () => {
    serveBackend({ runs: [] });
    await renderTab();

    expect(
      await screen.findByText(/^No runs yet\. Partitions/),
    ).toBeInTheDocument();
    expect(await screen.findByText('No runs yet.')).toBeInTheDocument();
    expect(
      await screen.findByText(/No succeeded runs with start and end times/),
    ).toBeInTheDocument();
  });

  it('marks the runs a backfill started in the grid and the table', async () => {
    serveBackend({
      runs: runs.map(run =>
        run.id === 'run-30' ? { ...run, backfillId: 'bf-7' } : run,
      ),
    });
    await renderTab();

    const grid = await screen.findByRole('group', { name: 'Run history' });
    const marked = within(grid).getByRole('button', {
      name: '2026-11-30: failed, started by backfill bf-7',
    });
    expect(within(marked).getByTestId('backfill-mark')).toHaveTextContent('B');
    expect(within(grid).getAllByTestId('backfill-mark')).toHaveLength(1);
    expect(screen.getByText('started by a backfill')).toBeInTheDocument();

    await waitFor(() =>
      expect(within(runsTable()).getAllByRole('row')).toHaveLength(21),
    );
    const rows = within(runsTable()).getAllByRole('row');
    expect(within(rows[1]).getByText('Backfill')).toBeInTheDocument();
    expect(within(runsTable()).getAllByText('Backfill')).toHaveLength(1);
  });

  it('starts a backfill from the overview and lists it at once', async () => {
    serveBackend({ backfills: [[], [newBackfill]] });
    const plan: BackfillPlan = {
      pipelineId: PIPELINE_ID,
      start: newBackfill.start,
      end: newBackfill.end,
      concurrency: 1,
      order: 'oldest',
      onlyFailedOrMissing: false,
      mode: 'native',
      partitions: [
        {
          partition: newBackfill.start,
          partitionEnd: '2026-11-21T00:00:00.000Z',
          currentState: 'failed',
          action: 'rerun',
          reason: 'Failed',
        },
      ],
      runCount: 1,
      skipCount: 0,
    };
    const created: unknown[] = [];
    server.use(
      rest.post(`${BASE_URL}/v1/pipelines/:id/backfills/plan`, (_r, res, ctx) =>
        res(ctx.json(plan)),
      ),
      rest.post(
        `${BASE_URL}/v1/pipelines/:id/backfills`,
        async (req, res, ctx) => {
          created.push(await req.json());
          return res(ctx.status(201), ctx.json(newBackfill));
        },
      ),
    );
    await renderTab();

    expect(
      screen.getByRole('heading', { name: 'Backfills' }),
    ).toBeInTheDocument();
    expect(await screen.findByText(/No backfills yet/)).toBeInTheDocument();
    const button = screen.getByRole('button', { name: 'Backfill' });
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.click(button);
    const dialog = await screen.findByRole('dialog', {
      name: 'Backfill daily_streams',
    });
    const confirm = within(dialog).getByRole('button', {
      name: 'Start backfill',
    });
    await waitFor(() => expect(confirm).toBeEnabled());
    await userEvent.click(confirm);

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(created).toHaveLength(1);
    const list = await screen.findByRole('table', { name: 'Backfills' });
    expect(within(list).getByTestId('backfill-bf-new')).toHaveTextContent(
      '0/5 done',
    );
  });

  it('explains a Component without the pipeline id annotation', async () => {
    serveBackend();
    await renderTab(pipelineEntity({}));

    expect(
      screen.getAllByText(new RegExp(ANNOTATION_PIPELINE_ID)).length,
    ).toBeGreaterThan(0);
  });
  it('marks a late pipeline and a streak of failures in the overview', async () => {
    const late = {
      since: '2026-11-30T06:00:00.000Z',
      partitionCount: 2,
      oldestPartition: '2026-11-29T00:00:00.000Z',
    };
    serveBackend({
      current: {
        pipeline: { ...pipeline, late, failureStreak: 3 },
        runs,
      },
    });
    await renderTab();

    expect(await screen.findByText('Failing 3 in a row')).toBeInTheDocument();
    expect(screen.getByText('late')).toBeInTheDocument();
    expect(screen.getByText('Late since').nextElementSibling).toHaveTextContent(
      `${formatTime(
        late.since,
      )}: 2 partitions past their freshness deadline (oldest 2026-11-29)`,
    );
  });

  it('says nothing of lateness or a single failure when there is none to tell', async () => {
    serveBackend({
      current: { pipeline: { ...pipeline, failureStreak: 1 }, runs },
    });
    await renderTab();

    expect(await screen.findByText('@daily')).toBeInTheDocument();
    expect(screen.queryByText('Late since')).not.toBeInTheDocument();
    expect(screen.queryByText('late')).not.toBeInTheDocument();
    expect(screen.queryByText(/in a row/)).not.toBeInTheDocument();
  });

  it('loads the pipeline, its runs and backfills again in place when the backend signals a change', async () => {
    const current = { pipeline, runs };
    const backend = serveBackend({ current });
    const signals = fakeSignalApi();
    await renderTab(undefined, signals);

    const grid = await screen.findByRole('group', { name: 'Run history' });
    expect(
      within(grid).getByRole('button', { name: '2026-11-30: failed' }),
    ).toBeInTheDocument();
    await waitFor(() => expect(backend.runQueries).toHaveLength(3));
    await waitFor(() => expect(backend.backfillCalls()).toBe(1));
    expect(backend.pipelineRequests).toHaveLength(1);
    expect(signals.channels()).toEqual([pipelineSignalChannel(PIPELINE_ID)]);

    // The 30th succeeds on a retry; the pipeline's latest run with it.
    current.pipeline = { ...pipeline, latestRunState: 'succeeded' };
    current.runs = [dailyRun(30, { id: 'run-30-retry', attempt: 4 }), ...runs];
    signals.emit(pipelineSignalChannel(PIPELINE_ID), {
      pipelineIds: [PIPELINE_ID],
    });

    // What was shown stays while the new data loads: no placeholders.
    expect(screen.queryByTestId('run-history-loading')).toBeNull();
    expect(screen.queryByTestId('runs-loading')).toBeNull();
    expect(screen.queryByTestId('duration-loading')).toBeNull();
    expect(screen.queryByTestId('backfills-loading')).toBeNull();
    expect(screen.getByText('@daily')).toBeInTheDocument();

    expect(
      await within(grid).findByRole('button', {
        name: '2026-11-30: succeeded',
      }),
    ).toBeInTheDocument();
    await waitFor(() => expect(backend.runQueries).toHaveLength(6));
    expect(backend.pipelineRequests).toHaveLength(2);
    await waitFor(() => expect(backend.backfillCalls()).toBe(2));
    await waitFor(() =>
      expect(within(runsTable()).getAllByRole('row')[1]).toHaveTextContent(
        /succeeded/,
      ),
    );
    await waitFor(() =>
      expect(
        screen.getByText('Latest run').nextElementSibling,
      ).toHaveTextContent(/^succeeded/),
    );
  });

  it('ignores signals of other pipelines', async () => {
    const backend = serveBackend();
    const signals = fakeSignalApi();
    await renderTab(undefined, signals);
    await waitFor(() => expect(backend.runQueries).toHaveLength(3));

    signals.emit(pipelineSignalChannel('airflow:other'), {
      pipelineIds: ['airflow:other'],
    });
    await act(() => new Promise(resolve => setTimeout(resolve, 100)));

    expect(backend.runQueries).toHaveLength(3);
    expect(backend.pipelineRequests).toHaveLength(1);
  });
});

describe('isPipelineEntity', () => {
  it('accepts data-pipeline Components only', () => {
    expect(isPipelineEntity(pipelineEntity({}))).toBe(true);
    expect(
      isPipelineEntity({ ...pipelineEntity({}), spec: { type: 'service' } }),
    ).toBe(false);
    expect(isPipelineEntity({ ...pipelineEntity({}), kind: 'API' })).toBe(
      false,
    );
  });
});
