import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { pipelinesApiRef } from '../../api';
import {
  examplePipeline,
  fakePipelinesApi,
} from '../../__testUtils__/fakePipelinesApi';
import { PipelinesTable } from './PipelinesTable';

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
      apis: [[pipelinesApiRef, api]],
    });

    expect(await screen.findByText('Daily streams')).toBeInTheDocument();
    expect(screen.getByText('group:default/royalties')).toBeInTheDocument();
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
      apis: [[pipelinesApiRef, api]],
    });

    expect(await screen.findByText('Task00')).toBeInTheDocument();
    expect(screen.queryByText('Task50')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /next page/i }));

    expect(await screen.findByText('Task50')).toBeInTheDocument();
    expect(api.listPipelines).toHaveBeenLastCalledWith({
      offset: 50,
      limit: 50,
      search: undefined,
    });
  });

  it('searches on the server and says when nothing matches', async () => {
    const api = fakePipelinesApi([examplePipeline('DailyStreams')]);
    await renderInTestApp(<PipelinesTable />, {
      apis: [[pipelinesApiRef, api]],
    });
    await screen.findByText('DailyStreams');

    await userEvent.type(screen.getByLabelText('Search pipelines'), 'nothing');

    expect(
      await screen.findByText('No pipeline matches "nothing"'),
    ).toBeInTheDocument();
    expect(api.listPipelines).toHaveBeenLastCalledWith(
      expect.objectContaining({ search: 'nothing', offset: 0 }),
    );
  });

  it('explains an empty store', async () => {
    await renderInTestApp(<PipelinesTable />, {
      apis: [[pipelinesApiRef, fakePipelinesApi([])]],
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
      apis: [[pipelinesApiRef, api]],
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
      apis: [[pipelinesApiRef, api]],
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });
});
