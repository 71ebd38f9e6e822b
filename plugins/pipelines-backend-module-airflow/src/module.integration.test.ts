import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
// The module's own plugin, to test them together.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pipelinesPlugin from '@tributary/plugin-pipelines-backend';
import request from 'supertest';
import { airflowModule } from './module';
import { FakeAirflow, startFakeAirflow } from './__testUtils__/fakeAirflow';

jest.setTimeout(60_000);

async function eventually<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`Nothing after ${timeoutMs} ms`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

describe('airflowModule', () => {
  let airflow: FakeAirflow;
  let stopBackend: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    airflow = await startFakeAirflow();
  });

  afterEach(async () => {
    await stopBackend?.();
    await airflow.close();
  });

  it('feeds DAGs and DAG runs into the pipelines backend', async () => {
    const backend = await startTestBackend({
      features: [
        pipelinesPlugin,
        airflowModule,
        mockServices.rootConfig.factory({
          data: {
            pipelines: {
              providers: {
                airflow: [
                  {
                    id: 'test',
                    baseUrl: airflow.url,
                    auth: { username: 'backstage', password: 's3cr3t' },
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
    stopBackend = () => backend.stop();
    const { server } = backend;
    const auth = mockCredentials.user.header();

    const pipelines = await eventually(async () => {
      const response = await request(server)
        .get('/api/pipelines/v1/pipelines')
        .query({ source: 'airflow:test' })
        .set('Authorization', auth);
      return response.status === 200 && response.body.items.length >= 3
        ? response.body.items
        : undefined;
    });
    expect(pipelines.map((p: { id: string }) => p.id).sort()).toEqual([
      'airflow:test:daily_sales_etl',
      'airflow:test:hourly_inventory_sync',
      'airflow:test:legacy_customer_export',
    ]);
    expect(
      pipelines.find(
        (p: { id: string }) => p.id === 'airflow:test:daily_sales_etl',
      ),
    ).toMatchObject({ schedule: '0 2 * * *', title: 'Daily Sales ETL' });

    const runs = await eventually(async () => {
      const response = await request(server)
        .get(
          `/api/pipelines/v1/pipelines/${encodeURIComponent(
            'airflow:test:daily_sales_etl',
          )}/runs`,
        )
        .set('Authorization', auth);
      return response.status === 200 && response.body.items.length >= 4
        ? response.body.items
        : undefined;
    });
    expect(runs.map((r: { id: string }) => r.id).sort()).toEqual([
      'airflow:test:daily_sales_etl/backfill__2026-11-02T02:00:00+00:00',
      'airflow:test:daily_sales_etl/manual__2026-11-28T07:05:12.480391+00:00',
      'airflow:test:daily_sales_etl/scheduled__2026-11-26T02:00:00+00:00',
      'airflow:test:daily_sales_etl/scheduled__2026-11-27T02:00:00+00:00',
    ]);

    const failedId =
      'airflow:test:daily_sales_etl/scheduled__2026-11-27T02:00:00+00:00';
    const run = await request(server)
      .get(`/api/pipelines/v1/runs/${encodeURIComponent(failedId)}`)
      .set('Authorization', auth);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      id: failedId,
      pipelineId: 'airflow:test:daily_sales_etl',
      state: 'failed',
      sourceState: 'failed',
      partition: '2026-11-27T02:00:00.000Z',
      partitionEnd: '2026-11-28T02:00:00.000Z',
      errorMessage:
        'Task transform_orders failed on try 2 of 2; upstream_failed: load_warehouse',
      externalUrl: `${airflow.url}/dags/daily_sales_etl/runs/scheduled__2026-11-27T02%3A00%3A00%2B00%3A00`,
    });
  });
});
