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
});
