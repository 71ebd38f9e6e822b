import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { registerMswTestHooks } from '@backstage/test-utils';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ANNOTATION_PIPELINE_ID,
  Backfill,
  BackfillCreateRequest,
  BackfillPlan,
  BackfillPlanPartition,
  BackfillPlanRequest,
  Pipeline,
  Run,
  RunState,
} from '@tributary/plugin-pipelines-common';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { ReactElement } from 'react';
import { pipelinesApiRef } from '../../api';
import {
  createMswPipelinesClient,
  PIPELINES_BASE_URL,
} from '../../__testUtils__/mswPipelinesClient';
import { mockPermissions } from '../../__testUtils__/permissions';
import { BackfillButton } from './BackfillButton';
import { BackfillsCard } from './BackfillsCard';

const BASE_URL = PIPELINES_BASE_URL;
const PIPELINE_ID = 'airflow:daily_streams';
const DAY = 86_400_000;
/** Partitions are placed before today, so the default range is in the past. */
const TODAY = Math.floor(Date.now() / DAY) * DAY;
const day = (daysAgo: number) => new Date(TODAY - daysAgo * DAY).toISOString();
const dateOf = (daysAgo: number) => day(daysAgo).slice(0, 10);
const inputOf = (daysAgo: number) => day(daysAgo).slice(0, 16);

const pipeline: Pipeline = {
  id: PIPELINE_ID,
  source: 'airflow',
  namespace: 'airflow://central',
  name: 'daily_streams',
  title: 'Daily streams',
  owner: 'group:default/royalties',
  schedule: '@daily',
  firstSeenAt: '2026-10-01T00:00:00.000Z',
  lastSeenAt: '2026-12-01T00:00:00.000Z',
};

/** The last five days: the third-latest failed, the second-latest never ran. */
const STATES: Record<string, RunState> = {
  [day(5)]: 'succeeded',
  [day(4)]: 'succeeded',
  [day(3)]: 'failed',
  [day(1)]: 'succeeded',
};

const runs: Run[] = Object.entries(STATES)
  .map(([partition, state]) => ({
    id: `run-${partition}`,
    pipelineId: PIPELINE_ID,
    partition,
    partitionEnd: new Date(Date.parse(partition) + DAY).toISOString(),
    state,
    updatedAt: partition,
  }))
  .reverse();

/** Plans like the backend: every partition of the range, skipping as asked. */
function planFor(request: BackfillPlanRequest): BackfillPlan {
  const partitions: BackfillPlanPartition[] = [];
  for (
    let time = Date.parse(request.start);
    time < Date.parse(request.end);
    time += DAY
  ) {
    const partition = new Date(time).toISOString();
    const currentState = STATES[partition];
    let action: BackfillPlanPartition['action'] = 'rerun';
    let reason = `Re-runs the ${currentState} partition`;
    if (!currentState) {
      action = 'run';
      reason = 'Never ran';
    } else if (request.onlyFailedOrMissing && currentState === 'succeeded') {
      action = 'skip';
      reason = 'Already succeeded';
    }
    partitions.push({
      partition,
      partitionEnd: new Date(time + DAY).toISOString(),
      currentState,
      action,
      reason,
    });
  }
  const runCount = partitions.filter(p => p.action !== 'skip').length;
  return {
    pipelineId: PIPELINE_ID,
    start: request.start,
    end: request.end,
    concurrency: request.concurrency ?? 1,
    order: request.order ?? 'oldest',
    onlyFailedOrMissing: request.onlyFailedOrMissing ?? false,
    mode: 'orchestrated',
    partitions,
    runCount,
    skipCount: partitions.length - runCount,
  };
}

function backfill(id: string, overrides: Partial<Backfill> = {}): Backfill {
  return {
    id,
    pipelineId: PIPELINE_ID,
    state: 'running',
    mode: 'orchestrated',
    requestedBy: 'user:default/ada',
    start: day(5),
    end: day(0),
    concurrency: 2,
    order: 'oldest',
    onlyFailedOrMissing: false,
    createdAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
    updatedAt: new Date().toISOString(),
    progress: {
      total: 5,
      queued: 1,
      running: 1,
      succeeded: 2,
      failed: 1,
      skipped: 0,
      cancelled: 0,
    },
    ...overrides,
  };
}

function errorBody(status: number, name: string, message: string) {
  return {
    error: { name, message },
    response: { statusCode: status },
  };
}

jest.setTimeout(30_000);
const server = setupServer();
registerMswTestHooks(server);

/** The backend's backfill routes; records what the UI sent. */
function serveBackfills(
  options: {
    plan?: (request: BackfillPlanRequest) => {
      status: number;
      body: object;
    };
    createFailures?: number;
    lists?: Backfill[][];
  } = {},
) {
  const planRequests: BackfillPlanRequest[] = [];
  const createRequests: BackfillCreateRequest[] = [];
  const cancelled: string[] = [];
  let listCalls = 0;
  let createFailures = options.createFailures ?? 0;
  const lists = options.lists ?? [[]];
  server.use(
    rest.get(`${BASE_URL}/v1/pipelines/:id/runs`, (_req, res, ctx) =>
      res(
        ctx.json({
          items: runs,
          totalCount: runs.length,
          offset: 0,
          limit: 50,
        }),
      ),
    ),
    rest.post(
      `${BASE_URL}/v1/pipelines/:id/backfills/plan`,
      async (req, res, ctx) => {
        const body = await req.json();
        planRequests.push(body);
        const answer = options.plan?.(body) ?? {
          status: 200,
          body: planFor(body),
        };
        return res(ctx.status(answer.status), ctx.json(answer.body));
      },
    ),
    rest.post(
      `${BASE_URL}/v1/pipelines/:id/backfills`,
      async (req, res, ctx) => {
        const body = await req.json();
        createRequests.push(body);
        if (createFailures > 0) {
          createFailures -= 1;
          return res(
            ctx.status(503),
            ctx.json(errorBody(503, 'ServiceUnavailableError', 'try again')),
          );
        }
        return res(ctx.status(201), ctx.json(backfill('bf-new')));
      },
    ),
    rest.get(`${BASE_URL}/v1/pipelines/:id/backfills`, (_req, res, ctx) => {
      const items = lists[Math.min(listCalls, lists.length - 1)];
      listCalls += 1;
      return res(ctx.json({ items }));
    }),
    rest.post(`${BASE_URL}/v1/backfills/:id/cancel`, (req, res, ctx) => {
      cancelled.push(String(req.params.id));
      return res(ctx.json(backfill(String(req.params.id))));
    }),
  );
  return {
    planRequests,
    createRequests,
    cancelled,
    listCalls: () => listCalls,
  };
}

/**
 * Permission answers are cached per entity for the whole file, so tests that
 * deny use an entity of their own.
 */
function pipelineEntity(name = 'daily-streams'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: { [ANNOTATION_PIPELINE_ID]: PIPELINE_ID },
    },
    spec: { type: 'data-pipeline', owner: 'royalties' },
  };
}

async function render(
  element: ReactElement,
  options: { entity?: Entity; allowed?: (permission: string) => boolean } = {},
) {
  return renderInTestApp(
    <EntityProvider entity={options.entity ?? pipelineEntity()}>
      {element}
    </EntityProvider>,
    {
      apis: [
        [pipelinesApiRef, createMswPipelinesClient()],
        mockPermissions(options.allowed ?? (() => true)),
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

async function openDialog(onCreated = jest.fn()) {
  await render(<BackfillButton pipeline={pipeline} onCreated={onCreated} />);
  const button = screen.getByRole('button', { name: 'Backfill' });
  await waitFor(() => expect(button).toBeEnabled());
  await userEvent.click(button);
  const dialog = await screen.findByRole('dialog', {
    name: 'Backfill Daily streams',
  });
  // The form appears once the latest runs have placed its range.
  await within(dialog).findByLabelText('First partition');
  return dialog;
}

/** Lets time pass for timers that should, or should not, fire. */
const wait = (ms: number) =>
  act(() => new Promise<void>(resolve => setTimeout(resolve, ms)));

const planTable = () => screen.getByRole('table', { name: 'Backfill plan' });
const confirmButton = () =>
  screen.getByRole('button', { name: 'Start backfill' });

describe('BackfillButton', () => {
  it('is disabled for those who may not start a backfill, and says who can', async () => {
    await render(<BackfillButton pipeline={pipeline} onCreated={jest.fn()} />, {
      entity: pipelineEntity('denied-streams'),
      allowed: () => false,
    });

    const reason =
      'Only the owners of this pipeline (group:default/royalties) and admins can start a backfill';
    expect(await screen.findByText(reason)).toBeVisible();
    const button = screen.getByRole('button', { name: 'Backfill' });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(reason);
  });

  it('plans the latest partitions of the schedule and shows what each will do', async () => {
    const { planRequests } = serveBackfills();
    const dialog = await openDialog();

    expect(within(dialog).getByLabelText('First partition')).toHaveValue(
      inputOf(5),
    );
    expect(within(dialog).getByLabelText('End (exclusive)')).toHaveValue(
      inputOf(0),
    );
    await waitFor(() =>
      expect(within(planTable()).getAllByRole('row')).toHaveLength(6),
    );
    expect(planRequests[0]).toEqual({
      start: day(5),
      end: day(0),
      onlyFailedOrMissing: false,
      concurrency: 1,
      order: 'oldest',
    });
    const rows = within(planTable()).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(
      `${dateOf(5)}succeededRe-runRe-runs the succeeded partition`,
    );
    expect(rows[3]).toHaveTextContent(`${dateOf(3)}failedRe-run`);
    expect(rows[4]).toHaveTextContent(`${dateOf(2)}no runsRunNever ran`);
    expect(
      within(dialog).getByText('5 partitions will run, 0 skipped'),
    ).toBeInTheDocument();
    await waitFor(() => expect(confirmButton()).toBeEnabled());
  });

  it('plans again, once the inputs settle, when they change', async () => {
    const { planRequests } = serveBackfills();
    const dialog = await openDialog();
    await within(dialog).findByText('5 partitions will run, 0 skipped');

    await userEvent.click(
      within(dialog).getByRole('checkbox', {
        name: 'Only failed or missing partitions',
      }),
    );
    expect(
      await within(dialog).findByText('2 partitions will run, 3 skipped'),
    ).toBeInTheDocument();
    expect(planRequests).toHaveLength(2);
    expect(planRequests[1].onlyFailedOrMissing).toBe(true);
    const skipped = within(planTable()).getAllByRole('row')[1];
    expect(skipped).toHaveTextContent('SkipAlready succeeded');

    // Typing "12" passes through "" and "1": only the settled value is asked.
    const concurrency = within(dialog).getByLabelText('Concurrency');
    for (const value of ['', '1', '12']) {
      fireEvent.change(concurrency, { target: { value } });
    }
    await waitFor(() => expect(planRequests).toHaveLength(3));
    expect(planRequests[2].concurrency).toBe(12);

    await userEvent.selectOptions(
      within(dialog).getByLabelText('Order'),
      'newest',
    );
    await waitFor(() => expect(planRequests).toHaveLength(4));
    expect(planRequests[3]).toMatchObject({ concurrency: 12, order: 'newest' });

    fireEvent.change(within(dialog).getByLabelText('First partition'), {
      target: { value: inputOf(3) },
    });
    await waitFor(() => expect(planRequests).toHaveLength(5));
    expect(planRequests[4].start).toBe(day(3));
    await waitFor(() =>
      expect(within(planTable()).getAllByRole('row')).toHaveLength(4),
    );
  });

  it('says why a range is not valid without asking the backend', async () => {
    const { planRequests } = serveBackfills();
    const dialog = await openDialog();
    await within(dialog).findByText('5 partitions will run, 0 skipped');

    fireEvent.change(within(dialog).getByLabelText('End (exclusive)'), {
      target: { value: inputOf(6) },
    });
    expect(
      within(dialog).getByText('The end must be after the first partition.'),
    ).toBeInTheDocument();
    expect(confirmButton()).toBeDisabled();
    await wait(500);
    expect(planRequests).toHaveLength(1);
  });

  it("shows the backend's message when it refuses the range", async () => {
    const message = 'start 2026-11-26T06:00:00.000Z is not aligned to @daily';
    serveBackfills({
      plan: () => ({
        status: 400,
        body: errorBody(400, 'InputError', message),
      }),
    });
    const dialog = await openDialog();

    expect(await within(dialog).findByText(message)).toBeInTheDocument();
    expect(within(dialog).queryByRole('table')).toBeNull();
    expect(confirmButton()).toBeDisabled();
  });

  it('explains a scheduler that cannot backfill and does not offer to start', async () => {
    const message = 'Luigi pipelines cannot be backfilled from Tributary';
    serveBackfills({
      plan: () => ({
        status: 409,
        body: errorBody(409, 'ConflictError', message),
      }),
    });
    const dialog = await openDialog();

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent(message);
    expect(confirmButton()).toBeDisabled();
  });

  it('does not offer to start when nothing would run', async () => {
    serveBackfills({
      plan: request => ({
        status: 200,
        body: { ...planFor(request), runCount: 0, skipCount: 5 },
      }),
    });
    const dialog = await openDialog();

    expect(
      await within(dialog).findByText('0 partitions will run, 5 skipped'),
    ).toBeInTheDocument();
    expect(confirmButton()).toBeDisabled();
  });

  it('starts the backfill with one key per opening, the same on a retry', async () => {
    const { createRequests } = serveBackfills({ createFailures: 1 });
    const onCreated = jest.fn();
    const dialog = await openDialog(onCreated);
    await waitFor(() => expect(confirmButton()).toBeEnabled());

    await userEvent.click(confirmButton());
    expect(
      await within(dialog).findByText(
        'Could not start the backfill: try again',
      ),
    ).toBeInTheDocument();
    expect(onCreated).not.toHaveBeenCalled();

    await userEvent.click(confirmButton());
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(onCreated).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'bf-new' }),
    );
    expect(createRequests).toHaveLength(2);
    expect(createRequests[0]).toEqual({
      start: day(5),
      end: day(0),
      onlyFailedOrMissing: false,
      concurrency: 1,
      order: 'oldest',
      idempotencyKey: expect.stringMatching(/^[0-9a-f-]{32,36}$/),
    });
    expect(createRequests[1].idempotencyKey).toBe(
      createRequests[0].idempotencyKey,
    );

    // A new opening is a new backfill.
    await userEvent.click(screen.getByRole('button', { name: 'Backfill' }));
    await waitFor(() => expect(confirmButton()).toBeEnabled());
    await userEvent.click(confirmButton());
    await waitFor(() => expect(createRequests).toHaveLength(3));
    expect(createRequests[2].idempotencyKey).not.toBe(
      createRequests[0].idempotencyKey,
    );
  });
});

describe('BackfillsCard', () => {
  it('shows each backfill with its progress and cancels a running one', async () => {
    const running = backfill('bf-1');
    const done = backfill('bf-0', {
      state: 'succeeded',
      mode: 'native',
      progress: {
        ...running.progress,
        queued: 0,
        running: 0,
        succeeded: 5,
        failed: 0,
      },
    });
    const { cancelled, listCalls } = serveBackfills({
      lists: [
        [running, done],
        [{ ...running, state: 'cancelled' }, done],
      ],
    });
    await render(<BackfillsCard pipelineId={PIPELINE_ID} pollMs={60_000} />);

    const table = await screen.findByRole('table', { name: 'Backfills' });
    const first = within(table).getByTestId('backfill-bf-1');
    expect(first).toHaveTextContent(`${dateOf(5)} → ${dateOf(0)}`);
    expect(first).toHaveTextContent('orchestrated');
    expect(first).toHaveTextContent('ada');
    expect(first).toHaveTextContent('3 hours ago');
    expect(first).toHaveTextContent('3/5 done, 1 failed');
    expect(
      within(first).getByRole('progressbar', {
        name: 'Progress of backfill bf-1',
      }),
    ).toHaveAttribute('aria-valuenow', '60');
    const second = within(table).getByTestId('backfill-bf-0');
    expect(second).toHaveTextContent('5/5 done');
    expect(within(second).queryByRole('button')).toBeNull();

    await userEvent.click(
      within(first).getByRole('button', { name: 'Cancel backfill' }),
    );
    await waitFor(() => expect(cancelled).toEqual(['bf-1']));
    expect(await within(table).findByText('cancelled')).toBeInTheDocument();
    expect(listCalls()).toBe(2);
    expect(
      screen.queryByRole('button', { name: 'Cancel backfill' }),
    ).toBeNull();
  });

  it('keeps cancel disabled for those who may not, and says who can', async () => {
    serveBackfills({ lists: [[backfill('bf-1')]] });
    await render(<BackfillsCard pipelineId={PIPELINE_ID} pollMs={60_000} />, {
      entity: pipelineEntity('cancel-denied-streams'),
      allowed: name => name !== 'pipelines.backfill.cancel',
    });

    const reason =
      'Only the owners of this pipeline (group:default/royalties) and admins can cancel a backfill';
    expect(await screen.findByText(reason)).toBeVisible();
    const cancel = screen.getByRole('button', { name: 'Cancel backfill' });
    expect(cancel).toBeDisabled();
    expect(cancel).toHaveAccessibleDescription(reason);
  });

  it('polls while a backfill is queued or running and stops after', async () => {
    const finished = backfill('bf-1', {
      state: 'succeeded',
      progress: {
        ...backfill('bf-1').progress,
        queued: 0,
        running: 0,
        succeeded: 4,
      },
    });
    const { listCalls } = serveBackfills({
      lists: [
        [backfill('bf-1', { state: 'queued' })],
        [backfill('bf-1')],
        [finished],
      ],
    });
    await render(<BackfillsCard pipelineId={PIPELINE_ID} pollMs={50} />);

    expect(
      await screen.findByText('succeeded', undefined, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.getByText('5/5 done, 1 failed')).toBeInTheDocument();
    await wait(300);
    expect(listCalls()).toBe(3);
  });

  it('stops polling when it goes away', async () => {
    const { listCalls } = serveBackfills({ lists: [[backfill('bf-1')]] });
    const { unmount } = await render(
      <BackfillsCard pipelineId={PIPELINE_ID} pollMs={200} />,
    );
    await screen.findByText('running');

    unmount();
    const calls = listCalls();
    await wait(500);
    expect(listCalls()).toBe(calls);
  });

  it('says so when there are none', async () => {
    serveBackfills({ lists: [[]] });
    await render(<BackfillsCard pipelineId={PIPELINE_ID} />);

    expect(await screen.findByText(/No backfills yet/)).toBeInTheDocument();
  });
});
