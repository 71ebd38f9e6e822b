import { renderInTestApp } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { pipelinesApiRef } from '../../api';
import {
  examplePipeline,
  fakePipelinesApi,
} from '../../__testUtils__/fakePipelinesApi';
import { PipelinesTable } from './PipelinesTable';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { identityApiRef } from '@backstage/core-plugin-api';
import {
  ListPipelinesResponse,
  PIPELINES_CHANGED_SIGNAL_CHANNEL,
} from '@tributary/plugin-pipelines-common';
import { useLocation } from 'react-router-dom';
import { fakeSignalApi } from '../../__testUtils__/fakeSignalApi';

const mountedRoutes = {
  '/catalog/:namespace/:kind/:name': entityRouteRef,
};

/** The APIs the table needs besides the pipelines API. */
function otherApis() {
  return [
    [catalogApiRef, catalogApiMock()],
    [
      identityApiRef,
      {
        getBackstageIdentity: async () => ({
          type: 'user' as const,
          userEntityRef: 'user:default/guest',
          ownershipEntityRefs: [
            'user:default/guest',
            'group:default/royalties',
          ],
        }),
        getProfileInfo: async () => ({}),
        getCredentials: async () => ({}),
        signOut: async () => {},
      },
    ],
  ] as const;
}

jest.setTimeout(30_000);

/** The query of the page's URL, to see what the filters keep there. */
function ShowLocation() {
  return <div data-testid="location">{useLocation().search}</div>;
}

/** The table at `route`, with the URL it keeps shown next to it. */
function renderWithLocation(
  api: ReturnType<typeof fakePipelinesApi>,
  route: string,
) {
  return renderInTestApp(
    <>
      <PipelinesTable />
      <ShowLocation />
    </>,
    {
      apis: [[pipelinesApiRef, api], ...otherApis()],
      mountedRoutes,
      initialRouteEntries: [route],
    },
  );
}

const LATE = {
  since: '2026-11-30T06:00:00.000Z',
  partitionCount: 2,
  oldestPartition: '2026-11-29T00:00:00.000Z',
};

describe('PipelinesTable', () => {
  it('lists pipelines with owner, scheduler and latest state', async () => {
    const api = fakePipelinesApi([
      examplePipeline('DailyStreams', {
        title: 'Daily streams',
        owner: 'group:default/royalties',
        schedule: '@daily',
        latestRunState: 'failed',
        latestRunAt: '2026-11-02T03:00:00.000Z',
      }),
      examplePipeline('HourlyUsers'),
    ]);
    await renderInTestApp(<PipelinesTable />, {
      apis: [[pipelinesApiRef, api], ...otherApis()],
      mountedRoutes,
    });

    expect(await screen.findByText('Daily streams')).toBeInTheDocument();
    expect(screen.getByText('royalties')).toBeInTheDocument();
    expect(screen.getByText('@daily')).toBeInTheDocument();
    expect(screen.getByText('failed')).toBeInTheDocument();
    expect(screen.getByText('HourlyUsers')).toBeInTheDocument();
    expect(screen.getByText('no runs')).toBeInTheDocument();
    expect(screen.getByText('2 pipelines')).toBeInTheDocument();
  });

  it('pages on the server', async () => {
    const api = fakePipelinesApi(
      Array.from({ length: 60 }, (_, i) =>
        examplePipeline(`Task${String(i).padStart(2, '0')}`),
      ),
    );
    await renderInTestApp(<PipelinesTable />, {
      apis: [[pipelinesApiRef, api], ...otherApis()],
      mountedRoutes,
    });

    expect(await screen.findByText('Task00')).toBeInTheDocument();
    // A screenful first, the rest of the page over the next frames.
    expect(await screen.findByText('Task49')).toBeInTheDocument();
    expect(
      within(screen.getByRole('table', { name: 'Pipelines' })).getAllByRole(
        'row',
      ),
    ).toHaveLength(51);
    expect(screen.queryByText('Task50')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /next page/i }));

    expect(await screen.findByText('Task50')).toBeInTheDocument();
    expect(api.listPipelines).toHaveBeenLastCalledWith(
      expect.objectContaining({ offset: 50, limit: 50, recentRuns: 14 }),
    );
  });

  it('searches on the server and says when nothing matches', async () => {
    const api = fakePipelinesApi([examplePipeline('DailyStreams')]);
    await renderInTestApp(<PipelinesTable />, {
      apis: [[pipelinesApiRef, api], ...otherApis()],
      mountedRoutes,
    });
    await screen.findByText('DailyStreams');

    await userEvent.type(screen.getByLabelText('Search pipelines'), 'nothing');

    expect(
      await screen.findByText('No pipeline matches these filters'),
    ).toBeInTheDocument();
    expect(api.listPipelines).toHaveBeenLastCalledWith(
      expect.objectContaining({ search: 'nothing', offset: 0 }),
    );
  });

  it('explains an empty store', async () => {
    await renderInTestApp(<PipelinesTable />, {
      apis: [[pipelinesApiRef, fakePipelinesApi([])], ...otherApis()],
      mountedRoutes,
    });
    expect(await screen.findByText('No pipelines yet')).toBeInTheDocument();
  });

  it('shows the error and recovers on retry', async () => {
    const api = fakePipelinesApi([examplePipeline('DailyStreams')]);
    const failure = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'Error', message: 'database is down' },
          response: { statusCode: 503 },
        }),
        { status: 503, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    api.listPipelines.mockRejectedValueOnce(failure);
    // The panel shows the backend's own message, not only a status code.
    await renderInTestApp(<PipelinesTable />, {
      apis: [[pipelinesApiRef, api], ...otherApis()],
      mountedRoutes,
    });

    expect(
      await screen.findByText(/Could not load pipelines/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database is down/).length).toBeGreaterThan(0);
    await userEvent.click(screen.getByText('Try again'));
    await waitFor(() =>
      expect(screen.getByText('DailyStreams')).toBeInTheDocument(),
    );
  });

  it('shows progress while the first page loads', async () => {
    const api = fakePipelinesApi([]);
    api.listPipelines.mockReturnValue(new Promise(() => {}));
    await renderInTestApp(<PipelinesTable />, {
      apis: [[pipelinesApiRef, api], ...otherApis()],
      mountedRoutes,
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('filters by state, scheduler and my groups, and keeps the filters in the URL', async () => {
    const api = fakePipelinesApi([examplePipeline('DailyStreams')]);
    api.listSources.mockResolvedValue({
      items: [
        { source: 'luigi', count: 1 },
        { source: 'airflow://analytics', count: 4 },
      ],
    });
    await renderWithLocation(api, '/?state=failed&q=daily');
    await screen.findByText('DailyStreams');
    expect(api.listPipelines).toHaveBeenCalledWith(
      expect.objectContaining({ state: 'failed', search: 'daily' }),
    );

    await userEvent.click(screen.getByLabelText('Scheduler'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'airflow://analytics (4)' }),
    );
    await waitFor(() =>
      expect(api.listPipelines).toHaveBeenLastCalledWith(
        expect.objectContaining({
          source: 'airflow://analytics',
          state: 'failed',
          offset: 0,
        }),
      ),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(
      '?q=daily&source=airflow%3A%2F%2Fanalytics&state=failed',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Mine and my groups' }),
    );
    await waitFor(() =>
      expect(api.listPipelines).toHaveBeenLastCalledWith(
        expect.objectContaining({
          owner: ['user:default/guest', 'group:default/royalties'],
        }),
      ),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(
      '?q=daily&owned=mine&source=airflow%3A%2F%2Fanalytics&state=failed',
    );
  });

  it('filters by an owner typed in, trimmed, keeps it in the URL and starts at the first page', async () => {
    const api = fakePipelinesApi([examplePipeline('DailyStreams')]);
    await renderWithLocation(api, '/?page=2');
    await screen.findByText('Owner', { selector: 'label' });

    await userEvent.type(
      screen.getByLabelText('Owner'),
      ' group:default/royalties {Enter}',
    );

    await waitFor(() =>
      expect(api.listPipelines).toHaveBeenLastCalledWith(
        expect.objectContaining({
          owner: 'group:default/royalties',
          offset: 0,
        }),
      ),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(
      '?owner=group%3Adefault%2Froyalties',
    );
  });

  it('reads the owner filter from the URL', async () => {
    const api = fakePipelinesApi([examplePipeline('DailyStreams')]);
    await renderInTestApp(<PipelinesTable />, {
      apis: [[pipelinesApiRef, api], ...otherApis()],
      mountedRoutes,
      initialRouteEntries: ['/?owner=group%3Adefault%2Fgrowth'],
    });
    await screen.findByText('DailyStreams');
    expect(screen.getByLabelText('Owner')).toHaveValue('group:default/growth');
    expect(api.listPipelines).toHaveBeenCalledWith(
      expect.objectContaining({ owner: 'group:default/growth' }),
    );
  });

  it('draws the latest runs oldest first and says how fresh the pipeline is', async () => {
    const api = fakePipelinesApi([
      examplePipeline('Hourly', {
        latestRunAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
        recentRuns: [
          { id: 'r3', state: 'failed', partition: '2026-11-01T02:00:00.000Z' },
          {
            id: 'r2',
            state: 'succeeded',
            partition: '2026-11-01T01:00:00.000Z',
          },
        ],
      }),
    ]);
    await renderInTestApp(<PipelinesTable />, {
      apis: [[pipelinesApiRef, api], ...otherApis()],
      mountedRoutes,
    });
    const strip = await screen.findByRole('list', {
      name: 'Latest 2 partitions',
    });
    const cells = strip.querySelectorAll('[role="listitem"]');
    expect(cells[0].getAttribute('aria-label')).toMatch(/succeeded$/);
    expect(cells[1].getAttribute('aria-label')).toMatch(/failed$/);
    expect(screen.getByText('3 hours ago')).toBeInTheDocument();
  });

  it('filters to late pipelines, keeps the filter in the URL and starts at the first page', async () => {
    const api = fakePipelinesApi(
      Array.from({ length: 60 }, (_, i) =>
        examplePipeline(`Task${String(i).padStart(2, '0')}`, {
          latestRunState: 'succeeded',
          late: i === 55 ? LATE : undefined,
        }),
      ),
    );
    await renderWithLocation(api, '/?page=1');
    expect(await screen.findByText('Task50')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('checkbox', { name: 'Late only' }));

    await waitFor(() =>
      expect(api.listPipelines).toHaveBeenLastCalledWith(
        expect.objectContaining({ late: true, offset: 0 }),
      ),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(/^\?late=1$/);
    const table = await screen.findByRole('table', { name: 'Pipelines' });
    await waitFor(() =>
      expect(within(table).getAllByRole('row')).toHaveLength(2),
    );
    const row = within(table).getAllByRole('row')[1];
    expect(within(row).getByText('Task55')).toBeInTheDocument();
    expect(within(row).getByText('succeeded')).toBeInTheDocument();
    expect(within(row).getByText('late')).toBeInTheDocument();
    expect(screen.getByText('1 pipeline')).toBeInTheDocument();
  });

  it('reads the late filter from the URL', async () => {
    const api = fakePipelinesApi([examplePipeline('Slow', { late: LATE })]);
    await renderInTestApp(<PipelinesTable />, {
      apis: [[pipelinesApiRef, api], ...otherApis()],
      mountedRoutes,
      initialRouteEntries: ['/?late=1&state=succeeded'],
    });

    expect(await screen.findByText('Slow')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Late only' })).toBeChecked();
    expect(api.listPipelines).toHaveBeenCalledWith(
      expect.objectContaining({ late: true, state: 'succeeded' }),
    );
  });

  it('loads the page again in place when a pipeline on it changes, and not for others', async () => {
    const pipelines = [
      examplePipeline('DailyStreams', { latestRunState: 'running' }),
    ];
    const api = fakePipelinesApi(pipelines);
    const signals = fakeSignalApi();
    await renderInTestApp(<PipelinesTable />, {
      apis: [[pipelinesApiRef, api], [signalApiRef, signals], ...otherApis()],
      mountedRoutes,
    });
    expect(await screen.findByText('running')).toBeInTheDocument();
    const calls = api.listPipelines.mock.calls.length;

    signals.emit(PIPELINES_CHANGED_SIGNAL_CHANNEL, {
      pipelineIds: ['airflow:not_on_this_page'],
    });
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(api.listPipelines).toHaveBeenCalledTimes(calls);

    // The next answer waits, to see what the table shows meanwhile.
    let answer: (page: ListPipelinesResponse) => void = () => {};
    api.listPipelines.mockImplementationOnce(
      () => new Promise(resolve => (answer = resolve)),
    );
    signals.emit(PIPELINES_CHANGED_SIGNAL_CHANNEL, {
      pipelineIds: ['airflow:other', 'luigi:DailyStreams'],
    });
    await waitFor(() =>
      expect(api.listPipelines).toHaveBeenCalledTimes(calls + 1),
    );
    expect(api.listPipelines).toHaveBeenLastCalledWith(
      expect.objectContaining({ offset: 0, limit: 50 }),
    );
    expect(screen.getByText('running')).toBeInTheDocument();
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();

    await act(async () =>
      answer({
        items: [{ ...pipelines[0], latestRunState: 'failed', late: LATE }],
        totalCount: 1,
        offset: 0,
        limit: 50,
      }),
    );
    expect(await screen.findByText('failed')).toBeInTheDocument();
    expect(screen.getByText('late')).toBeInTheDocument();
    expect(screen.queryByText('running')).not.toBeInTheDocument();
  });
});
