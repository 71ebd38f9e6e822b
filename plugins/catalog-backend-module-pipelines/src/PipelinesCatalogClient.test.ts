import { mockServices } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { HttpPipelinesCatalogSource } from './PipelinesCatalogClient';

describe('HttpPipelinesCatalogSource', () => {
  const discovery = mockServices.discovery.mock({
    getBaseUrl: async () => 'http://backstage.test/api/pipelines',
  });
  const source = HttpPipelinesCatalogSource.create({
    discovery,
    auth: mockServices.auth({ pluginId: 'catalog' }),
  });
  let fetchSpy: jest.SpyInstance;

  beforeEach(() => {
    fetchSpy = jest.spyOn(global, 'fetch');
  });

  afterEach(() => {
    fetchSpy.mockRestore();
  });

  it('reads a page with a service token for the pipelines plugin', async () => {
    const page = {
      items: [],
      nextCursor: 'next',
      readAt: '2026-11-02T10:00:00.000Z',
    };
    fetchSpy.mockResolvedValue(Response.json(page));

    await expect(
      source.listPipelines({
        limit: 500,
        after: 'airflow:prod:a b',
        changedSince: '2026-11-02T09:58:00.000Z',
      }),
    ).resolves.toEqual(page);

    const [url, init] = fetchSpy.mock.calls[0];
    expect(url).toBe(
      'http://backstage.test/api/pipelines/v1/catalog/pipelines?limit=500&after=airflow%3Aprod%3Aa+b&changedSince=2026-11-02T09%3A58%3A00.000Z',
    );
    expect(init.headers.Authorization).toMatch(/^Bearer mock-service-token/);
    expect(init.headers.Authorization).toContain('"target":"pipelines"');
    expect(discovery.getBaseUrl).toHaveBeenCalledWith('pipelines');
  });

  it('reads datasets without parameters it was not given', async () => {
    fetchSpy.mockResolvedValue(
      Response.json({ items: [], readAt: '2026-11-02T10:00:00.000Z' }),
    );
    await source.listDatasets({});
    expect(fetchSpy.mock.calls[0][0]).toBe(
      'http://backstage.test/api/pipelines/v1/catalog/datasets',
    );
  });

  it('throws the error the backend answers', async () => {
    fetchSpy.mockResolvedValue(
      Response.json(
        {
          error: { name: 'InputError', message: 'Bad changedSince' },
          response: { statusCode: 400 },
        },
        { status: 400, statusText: 'Bad Request' },
      ),
    );
    const error = await source
      .listDatasets({ changedSince: 'x' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.body.error.message).toBe('Bad changedSince');
  });
});
