import { PipelinesClient } from './PipelinesClient';

function createClient(response: Response) {
  const fetch = jest.fn(async (_input: RequestInfo | URL) => response);
  const client = new PipelinesClient({
    discoveryApi: {
      getBaseUrl: async pluginId => `http://backend.test/api/${pluginId}`,
    },
    fetchApi: { fetch },
  });
  return { client, fetch };
}

describe('PipelinesClient', () => {
  it('asks the backend for a page with the given filters', async () => {
    const body = { items: [], totalCount: 0, offset: 50, limit: 25 };
    const { client, fetch } = createClient(
      new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      }),
    );

    await expect(
      client.listPipelines({ offset: 50, limit: 25, search: 'daily streams' }),
    ).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/pipelines/v1/pipelines?offset=50&limit=25&search=daily+streams',
    );
  });

  it("throws the backend's error message", async () => {
    const { client } = createClient(
      new Response(
        JSON.stringify({
          error: {
            name: 'InputError',
            message:
              "Query parameter 'limit' must be between 1 and 500, got -1",
          },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'Content-Type': 'application/json' } },
      ),
    );

    const error = await client.listPipelines({ limit: -1 }).catch(e => e);
    expect(error.name).toBe('ResponseError');
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe(
      "Query parameter 'limit' must be between 1 and 500, got -1",
    );
  });

  it('encodes ids into paths and lists into comma-separated parameters', async () => {
    const ok = () =>
      new Response('{}', {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    const fetch = jest.fn(async (_input: RequestInfo | URL) => ok());
    const client = new PipelinesClient({
      discoveryApi: {
        getBaseUrl: async pluginId => `http://backend.test/api/${pluginId}`,
      },
      fetchApi: { fetch },
    });
    await client.listPipelines({
      owner: ['group:default/a', 'user:default/b'],
      recentRuns: 14,
    });
    await client.listRuns('airflow://analytics:reports.kpis', {
      limit: 20,
      state: 'failed',
    });
    await client.getDataset('gs://bucket/path/to file');
    await client.getLineage({
      node: 'dataset:bigquery/p.d.t',
      direction: 'both',
      depth: 3,
    });
    await client.listPipelines({ late: true, state: 'succeeded' });
    await client.listPipelines({ late: false });
    await client.getOwnerHealth(['group:default/a', 'group:default/b']);
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      'http://backend.test/api/pipelines/v1/pipelines?owner=group%3Adefault%2Fa%2Cuser%3Adefault%2Fb&recentRuns=14',
      'http://backend.test/api/pipelines/v1/pipelines/airflow%3A%2F%2Fanalytics%3Areports.kpis/runs?limit=20&state=failed',
      'http://backend.test/api/pipelines/v1/datasets/gs%3A%2F%2Fbucket%2Fpath%2Fto%20file',
      'http://backend.test/api/pipelines/v1/lineage?node=dataset%3Abigquery%2Fp.d.t&direction=both&depth=3',
      'http://backend.test/api/pipelines/v1/pipelines?late=true&state=succeeded',
      'http://backend.test/api/pipelines/v1/pipelines',
      'http://backend.test/api/pipelines/v1/health?owner=group%3Adefault%2Fa%2Cgroup%3Adefault%2Fb',
    ]);
  });

  it('asks for the quality metrics of an encoded dataset id, with a limit', async () => {
    const body = {
      items: [
        {
          runId: 'run-2',
          datasetId: 'gs://bucket/plays',
          observedAt: '2026-11-02T00:00:00.000Z',
          rowCount: 10,
          columns: { user_id: { nullCount: 1 } },
        },
      ],
    };
    const { client, fetch } = createClient(
      new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      }),
    );

    await expect(
      client.listQualityMetrics('gs://bucket/plays', 20),
    ).resolves.toEqual(body);
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      'http://backend.test/api/pipelines/v1/datasets/gs%3A%2F%2Fbucket%2Fplays/metrics?limit=20',
    ]);
  });

  it('throws the 404 of the metrics of an unknown dataset', async () => {
    const { client, fetch } = createClient(
      new Response(
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'No dataset x/y' },
          response: { statusCode: 404 },
        }),
        { status: 404, headers: { 'Content-Type': 'application/json' } },
      ),
    );

    const error = await client.listQualityMetrics('x/y').catch(e => e);
    expect(error.statusCode).toBe(404);
    expect(error.cause.message).toBe('No dataset x/y');
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      'http://backend.test/api/pipelines/v1/datasets/x%2Fy/metrics',
    ]);
  });
});

describe('PipelinesClient backfills', () => {
  function recordingClient(status = 200, body: unknown = {}) {
    const fetch = jest.fn(
      async (_input: RequestInfo | URL, _init?: RequestInit) =>
        new Response(JSON.stringify(body), {
          status,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    const client = new PipelinesClient({
      discoveryApi: {
        getBaseUrl: async pluginId => `http://backend.test/api/${pluginId}`,
      },
      fetchApi: { fetch },
    });
    return { client, fetch };
  }

  it('posts plans, creates and cancels as JSON to the encoded paths', async () => {
    const { client, fetch } = recordingClient();
    const request = {
      start: '2026-11-01T00:00:00.000Z',
      end: '2026-11-03T00:00:00.000Z',
      onlyFailedOrMissing: true,
    };
    await client.planBackfill('airflow:daily/streams', request);
    await client.createBackfill('airflow:daily/streams', {
      ...request,
      idempotencyKey: 'key-1',
    });
    await client.listBackfills('airflow:daily/streams');
    await client.getBackfill('bf 1');
    await client.cancelBackfill('bf 1');

    const calls = fetch.mock.calls.map(([url, init]) => [
      url,
      init?.method ?? 'GET',
      init?.body ? JSON.parse(String(init.body)) : undefined,
    ]);
    expect(calls).toEqual([
      [
        'http://backend.test/api/pipelines/v1/pipelines/airflow%3Adaily%2Fstreams/backfills/plan',
        'POST',
        request,
      ],
      [
        'http://backend.test/api/pipelines/v1/pipelines/airflow%3Adaily%2Fstreams/backfills',
        'POST',
        { ...request, idempotencyKey: 'key-1' },
      ],
      [
        'http://backend.test/api/pipelines/v1/pipelines/airflow%3Adaily%2Fstreams/backfills',
        'GET',
        undefined,
      ],
      [
        'http://backend.test/api/pipelines/v1/backfills/bf%201',
        'GET',
        undefined,
      ],
      [
        'http://backend.test/api/pipelines/v1/backfills/bf%201/cancel',
        'POST',
        {},
      ],
    ]);
    expect(fetch.mock.calls[0][1]?.headers).toEqual({
      'Content-Type': 'application/json',
    });
  });

  it("throws the backend's conflict with its message", async () => {
    const { client } = recordingClient(409, {
      error: {
        name: 'ConflictError',
        message: 'Luigi cannot backfill: it has no scheduler API',
      },
      response: { statusCode: 409 },
    });

    const error = await client
      .planBackfill('luigi:x', { start: 'a', end: 'b' })
      .catch(e => e);
    expect(error.statusCode).toBe(409);
    expect(error.cause.name).toBe('ConflictError');
    expect(error.cause.message).toBe(
      'Luigi cannot backfill: it has no scheduler API',
    );
  });
});
