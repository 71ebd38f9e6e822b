import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { LuigiProvider } from './LuigiProvider';
import { FakeLuigiServer } from './testUtils/FakeLuigiServer';

describe('LuigiProvider.fromConfig', () => {
  const logger = mockServices.logger.mock();
  let fake: FakeLuigiServer;

  beforeEach(async () => {
    fake = await FakeLuigiServer.start();
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('makes one provider per configured instance', async () => {
    const config = new ConfigReader({
      pipelines: {
        providers: {
          luigi: [
            {
              id: 'central',
              title: 'Central Luigi',
              baseUrl: fake.url,
              schedule: {
                frequency: { minutes: 1 },
                timeout: { minutes: 2 },
              },
              owner: 'group:default/data-platform',
              owners: {
                'Extract*': 'group:default/ingestion',
                'TopTracks?eport': 'group:default/royalties',
              },
              timeout: { seconds: 20 },
              dependencyRefresh: 'PT30M',
            },
            {
              id: 'adhoc',
              baseUrl: `${fake.url}/`,
              timeout: 5000,
              username: 'svc',
              password: 'secret',
              headers: { 'X-Proxy-Token': 'abc' },
              maxShownTasks: 250000,
            },
          ],
        },
      },
    });

    const providers = LuigiProvider.fromConfig(config, { logger });

    expect(providers.map(p => [p.id, p.title, p.type])).toEqual([
      ['luigi:central', 'Central Luigi', 'luigi'],
      ['luigi:adhoc', 'Luigi (adhoc)', 'luigi'],
    ]);
    expect(providers[0].schedule).toEqual({
      frequency: { minutes: 1 },
      timeout: { minutes: 2 },
    });
    expect(providers[1].schedule).toBeUndefined();

    const owners = Object.fromEntries(
      (await providers[0].listPipelines({})).map(p => [p.name, p.owners]),
    );
    expect(owners).toEqual({
      AggregateStreams: ['group:default/data-platform'],
      DailyReports: ['group:default/data-platform'],
      ExtractPlays: ['group:default/ingestion'],
      FlakyEnrichment: ['group:default/data-platform'],
      TopTracksReport: ['group:default/royalties'],
    });
    expect(fake.requests.at(-1)!.headers.authorization).toBeUndefined();

    const adhoc = await providers[1].listPipelines({});
    expect(adhoc.every(p => p.owners === undefined)).toBe(true);
    const request = fake.calls('task_list').at(-1)!;
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from('svc:secret').toString('base64')}`,
    );
    expect(request.headers['x-proxy-token']).toBe('abc');
    expect(request.data.max_shown_tasks).toBe(250000);
  });

  it('reads the timeout in its several forms', async () => {
    fake.override = r =>
      r.method === 'task_list' ? { delayMs: 1_000, body: '{}' } : undefined;
    for (const timeout of [150, { milliseconds: 150 }, 'PT0.15S']) {
      const [provider] = LuigiProvider.fromConfig(
        new ConfigReader({
          pipelines: {
            providers: {
              luigi: [{ id: 'central', baseUrl: fake.url, timeout }],
            },
          },
        }),
        { logger },
      );
      await expect(provider.listPipelines({})).rejects.toThrow(
        'timed out after 150 ms',
      );
    }
  });

  it('makes none without configuration', () => {
    expect(LuigiProvider.fromConfig(new ConfigReader({}), { logger })).toEqual(
      [],
    );
  });

  it('refuses duplicate and malformed entries', () => {
    const read = (luigi: unknown[]) =>
      LuigiProvider.fromConfig(
        new ConfigReader({ pipelines: { providers: { luigi } } } as any),
        { logger },
      );
    expect(() =>
      read([
        { id: 'central', baseUrl: 'http://a:8082' },
        { id: 'central', baseUrl: 'http://b:8082' },
      ]),
    ).toThrow("Two entries of pipelines.providers.luigi have the id 'central'");
    expect(() => read([{ id: 'central' }])).toThrow(/baseUrl/);
    expect(() => read([{ id: 'central', baseUrl: 'not a url' }])).toThrow(
      "Invalid Luigi baseUrl 'not a url'",
    );
    expect(() =>
      read([{ id: 'central', baseUrl: 'http://a:8082', owners: { 'A*': 1 } }]),
    ).toThrow('Invalid owners.A*: expected a string');
    expect(() =>
      read([{ id: 'central', baseUrl: 'http://a:8082', timeout: -1 }]),
    ).toThrow('Invalid timeout -1');
  });
});
