import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
// The test runs the module inside the real pipelines backend plugin.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pipelinesPlugin from '@tributary/plugin-pipelines-backend';
import request from 'supertest';
import { FakeStyxServer } from './__testUtils__/FakeStyxServer';
import { styxModule } from './module';

jest.setTimeout(30_000);

async function eventually<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`Nothing appeared within ${timeoutMs} ms`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

describe('styxModule', () => {
  let styx: FakeStyxServer;

  beforeAll(async () => {
    styx = await FakeStyxServer.start();
  });

  afterAll(async () => {
    await styx.close();
  });

  it('feeds Styx workflows and instances to the pipelines backend', async () => {
    const backend = await startTestBackend({
      features: [
        pipelinesPlugin,
        styxModule,
        mockServices.rootConfig.factory({
          data: {
            pipelines: {
              providers: {
                styx: [
                  {
                    id: 'test',
                    baseUrl: styx.url,
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
        .get(`/api/pipelines/v1${path}`)
        .set('Authorization', mockCredentials.user.header());

    const pipelines = await eventually(async () => {
      const response = await get('/pipelines?source=styx:test');
      return response.status === 200 && response.body.items.length === 4
        ? response.body.items
        : undefined;
    });
    const daily = pipelines.find(
      (p: any) => p.id === 'styx:test:analytics-pipelines/daily-orders-rollup',
    );
    expect(daily).toMatchObject({
      source: 'styx:test',
      name: 'analytics-pipelines/daily-orders-rollup',
      title: 'daily-orders-rollup',
      schedule: 'days',
      sourceOwners: ['analytics-pipelines'],
    });

    const runs = await eventually(async () => {
      const response = await get(
        `/pipelines/${encodeURIComponent(daily.id)}/runs`,
      );
      return response.status === 200 && response.body.items.length >= 7
        ? response.body.items
        : undefined;
    });
    expect(runs.map((r: any) => r.id).sort()).toEqual([
      'styx:test:analytics-pipelines#daily-orders-rollup#2026-10-03',
      'styx:test:analytics-pipelines#daily-orders-rollup#2026-10-04',
      'styx:test:analytics-pipelines#daily-orders-rollup#2026-10-27',
      'styx:test:analytics-pipelines#daily-orders-rollup#2026-10-28',
      'styx:test:analytics-pipelines#daily-orders-rollup#2026-10-29',
      'styx:test:analytics-pipelines#daily-orders-rollup#2026-10-30',
      'styx:test:analytics-pipelines#daily-orders-rollup#2026-10-31',
    ]);

    const run = await get(
      `/runs/${encodeURIComponent(
        'styx:test:analytics-pipelines#daily-orders-rollup#2026-10-30',
      )}`,
    );
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      pipelineId: daily.id,
      state: 'failed',
      sourceState: 'FAILED',
      attempt: 3,
      errorMessage: 'Exit code: 1',
      partition: '2026-10-30T00:00:00.000Z',
      partitionEnd: '2026-10-31T00:00:00.000Z',
      startedAt: '2026-10-31T02:00:18.420Z',
      endedAt: '2026-10-31T02:40:33.512Z',
    });

    await backend.stop();
  });
});
