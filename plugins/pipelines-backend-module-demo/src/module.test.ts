import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
// The real backend plugin (a dev dependency) polls the simulated scheduler.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pipelinesPlugin from '@tributary/plugin-pipelines-backend';
import request from 'supertest';
import { pipelinesModuleDemo } from './module';

jest.setTimeout(120_000);

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting');
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

async function start(demo: { enabled: boolean; historyDays?: number }) {
  const { server } = await startTestBackend({
    features: [
      pipelinesPlugin,
      pipelinesModuleDemo,
      mockServices.rootConfig.factory({ data: { pipelines: { demo } } }),
      // Runs the provider poll (it waits a few seconds) once at start-up.
      mockServices.scheduler.factory({
        includeInitialDelayedTasksOnStartup: true,
      }),
    ],
  });
  return (path: string, query: Record<string, string | number> = {}) =>
    request(server)
      .get(`/api/pipelines${path}`)
      .query(query)
      .set('Authorization', mockCredentials.user.header());
}

describe('pipelinesModuleDemo', () => {
  it('feeds the demo and registers the simulated scheduler when enabled', async () => {
    const get = await start({ enabled: true, historyDays: 2 });

    const simulated = await waitFor(async () => {
      const page = await get('/v1/pipelines', {
        source: 'simulated:demo',
        limit: 100,
      });
      const withRuns = page.body.items.filter((p: any) => p.latestRunState);
      return withRuns.length === 28 ? page.body : undefined;
    });
    expect(simulated.items[0]).toMatchObject({
      source: 'simulated:demo',
      sourceOwners: [expect.any(String)],
    });
    const all = await waitFor(async () => {
      const page = await get('/v1/pipelines', { limit: 1 });
      return page.body.totalCount >= 300 ? page.body : undefined;
    });
    expect(all.totalCount).toBe(308);
  });

  it('does nothing unless enabled', async () => {
    const get = await start({ enabled: false });
    await new Promise(resolve => setTimeout(resolve, 1500));
    const page = await get('/v1/pipelines');
    expect(page.body.totalCount).toBe(0);
  });
});
