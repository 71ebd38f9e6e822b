import { PipelinesApi } from '../../api';
import {
  listPipelinesOnce,
  pipelinesQuery,
  prefetchFirstPage,
  readFilters,
  readyFirstPage,
} from './firstPage';

const answer = { items: [], totalCount: 0, offset: 0, limit: 50 };

function fakeApi() {
  return {
    listPipelines: jest.fn().mockResolvedValue(answer),
  } as unknown as PipelinesApi & { listPipelines: jest.Mock };
}

const queryOf = (search: string) =>
  pipelinesQuery(readFilters(new URLSearchParams(search)));

describe('the first page of pipelines', () => {
  it('is asked for once: the table takes the prefetched answer', async () => {
    const api = fakeApi();
    prefetchFirstPage(api, '?q=daily&state=failed');

    await expect(
      listPipelinesOnce(api, queryOf('?state=failed&q=daily')),
    ).resolves.toBe(answer);
    expect(api.listPipelines).toHaveBeenCalledTimes(1);
    expect(api.listPipelines).toHaveBeenCalledWith({
      offset: 0,
      limit: 50,
      search: 'daily',
      state: 'failed',
      recentRuns: 14,
    });

    // Taken once: the next load asks again.
    await listPipelinesOnce(api, queryOf('?state=failed&q=daily'));
    expect(api.listPipelines).toHaveBeenCalledTimes(2);
  });

  it('is asked for again when the table wants another page', async () => {
    const api = fakeApi();
    prefetchFirstPage(api, '');

    await listPipelinesOnce(api, queryOf('?page=1'));
    expect(api.listPipelines).toHaveBeenCalledTimes(2);
    expect(api.listPipelines).toHaveBeenLastCalledWith(
      expect.objectContaining({ offset: 50 }),
    );
  });

  it('asks again when the prefetch failed', async () => {
    const api = fakeApi();
    api.listPipelines.mockRejectedValueOnce(new Error('offline'));
    prefetchFirstPage(api, '');

    await expect(listPipelinesOnce(api, queryOf(''))).resolves.toBe(answer);
    expect(api.listPipelines).toHaveBeenCalledTimes(2);
  });

  it('is ready for the first drawing once it came, for its own query', async () => {
    const api = fakeApi();
    prefetchFirstPage(api, '?q=daily');
    // Not come yet.
    expect(readyFirstPage(queryOf('?q=daily'))).toBeUndefined();

    await Promise.resolve();
    expect(readyFirstPage(queryOf('?q=daily'))).toBe(answer);
    expect(readyFirstPage(queryOf('?q=other'))).toBeUndefined();

    // The table still takes it, with no new request.
    await expect(listPipelinesOnce(api, queryOf('?q=daily'))).resolves.toBe(
      answer,
    );
    expect(api.listPipelines).toHaveBeenCalledTimes(1);
    expect(readyFirstPage(queryOf('?q=daily'))).toBeUndefined();
  });

  it('is not prefetched for "mine", which needs the user\'s groups', () => {
    const api = fakeApi();
    prefetchFirstPage(api, '?owned=mine');
    expect(api.listPipelines).not.toHaveBeenCalled();
  });
});
