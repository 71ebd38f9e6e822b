import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
// The integration test runs the real backend plugin (a dev dependency); jest
// here cannot load it with import().
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pipelinesPlugin from '@tributary/plugin-pipelines-backend';
import request from 'supertest';
import { luigiModule } from './module';
import { FakeLuigiServer } from './testUtils/FakeLuigiServer';

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting');
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

describe('luigiModule', () => {
  let fake: FakeLuigiServer;

  beforeEach(async () => {
    fake = await FakeLuigiServer.start();
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('feeds the pipelines backend from a Luigi scheduler', async () => {
    const backend = await startTestBackend({
      features: [
        pipelinesPlugin,
        luigiModule,
        mockServices.rootConfig.factory({
          data: {
            pipelines: {
              providers: {
                luigi: [
                  {
                    id: 'test',
                    baseUrl: fake.url,
                    owners: { 'Extract*': 'group:default/ingestion' },
                    schedule: {
                      frequency: { seconds: 1 },
                      timeout: { seconds: 30 },
                    },
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    const get = (path: string) =>
      request(backend.server)
        .get(path)
        .set('Authorization', mockCredentials.user.header());

    const pipelines = await waitFor(async () => {
      const response = await get(
        '/api/pipelines/v1/pipelines?source=luigi:test',
      );
      return response.status === 200 && response.body.items.length === 5
        ? response.body.items
        : undefined;
    });
    expect(pipelines.map((p: { id: string }) => p.id).sort()).toEqual([
      'luigi:test:AggregateStreams',
      'luigi:test:DailyReports',
      'luigi:test:ExtractPlays',
      'luigi:test:FlakyEnrichment',
      'luigi:test:TopTracksReport',
    ]);

    const runs = await waitFor(async () => {
      const response = await get(
        `/api/pipelines/v1/pipelines/${encodeURIComponent(
          'luigi:test:FlakyEnrichment',
        )}/runs`,
      );
      return response.status === 200 && response.body.items.length === 4
        ? response.body.items
        : undefined;
    });
    expect(
      runs.map((r: { state: string; sourceState: string }) => [
        r.state,
        r.sourceState,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['failed', 'FAILED'],
        ['succeeded', 'DONE'],
      ]),
    );

    const run = await get(
      `/api/pipelines/v1/runs/${encodeURIComponent(
        'luigi:test:FlakyEnrichment_2026_11_04_19a44e81ec',
      )}`,
    );
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      id: 'luigi:test:FlakyEnrichment_2026_11_04_19a44e81ec',
      pipelineId: 'luigi:test:FlakyEnrichment',
      state: 'failed',
      sourceState: 'FAILED',
      errorMessage: expect.stringContaining(
        'RuntimeError: upstream partner feed missing for 2026-11-04',
      ),
    });
    expect(fake.calls('graph').length).toBeGreaterThanOrEqual(1);
    await backend.stop();
  }, 30_000);
});
