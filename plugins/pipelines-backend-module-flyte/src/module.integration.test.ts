import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
// The test runs the real backend plugin next to the module (jest cannot load
// it through a dynamic import here).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pipelinesPlugin from '@tributary/plugin-pipelines-backend';
import request from 'supertest';
import { FakeFlyteServer } from './__testUtils__/FakeFlyteServer';
import { flyteModule } from './module';

const PIPELINE_ID =
  'flyte:test:customer-analytics/production/ltv.workflows.weekly_ltv_lp';
const RUN_ID = 'flyte:test:customer-analytics/production/c5hz9m2tw7xq4kv1n8rd';

describe('flyteModule', () => {
  let fake: FakeFlyteServer;

  beforeEach(async () => {
    fake = await FakeFlyteServer.start();
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('registers a provider whose pipelines and runs reach the backend', async () => {
    const backend = await startTestBackend({
      features: [
        pipelinesPlugin,
        flyteModule,
        mockServices.rootConfig.factory({
          data: {
            pipelines: {
              providers: {
                flyte: [
                  {
                    id: 'test',
                    baseUrl: fake.url,
                    projects: [
                      { project: 'customer-analytics', domain: 'production' },
                    ],
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
    const { server } = backend;
    const auth = mockCredentials.user.header();

    let pipelines: any[] = [];
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const response = await request(server)
        .get('/api/pipelines/v1/pipelines?source=flyte:test')
        .set('Authorization', auth);
      expect(response.status).toBe(200);
      pipelines = response.body.items;
      if (pipelines.length >= 2) break;
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    expect(pipelines.map(p => p.id).sort()).toEqual([
      'flyte:test:customer-analytics/production/ltv.workflows.daily_features_lp',
      PIPELINE_ID,
    ]);

    const runs = await request(server)
      .get(
        `/api/pipelines/v1/pipelines/${encodeURIComponent(PIPELINE_ID)}/runs`,
      )
      .set('Authorization', auth);
    expect(runs.status).toBe(200);
    expect(runs.body.items).toHaveLength(5);

    const run = await request(server)
      .get(`/api/pipelines/v1/runs/${encodeURIComponent(RUN_ID)}`)
      .set('Authorization', auth);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      id: RUN_ID,
      pipelineId: PIPELINE_ID,
      state: 'failed',
      sourceState: 'FAILED',
    });
    expect(run.body.errorMessage).toMatch(/^USER:RuntimeError: Traceback/);
    await backend.stop();
  }, 30_000);
});
