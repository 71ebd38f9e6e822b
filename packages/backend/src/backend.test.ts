import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { createServer } from 'node:net';
import { backendFeatures } from './features';

jest.setTimeout(120_000);

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('No port assigned')),
      );
    });
  });
}

describe('the Tributary backend', () => {
  it('starts every plugin, signs a guest in and answers the pipelines API', async () => {
    const port = await findFreePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const backend = createBackend();
    backend.add(
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://127.0.0.1:3000' },
          backend: {
            baseUrl,
            listen: { port, host: '127.0.0.1' },
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
          auth: {
            providers: {
              guest: {
                userEntityRef: 'user:default/guest',
                dangerouslyAllowOutsideDevelopment: true,
              },
            },
          },
        },
      }),
    );
    for (const feature of backendFeatures) {
      backend.add(feature);
    }

    await backend.start();
    try {
      const readiness = await fetch(
        `${baseUrl}/.backstage/health/v1/readiness`,
      );
      expect(readiness.status).toBe(200);

      const anonymous = await fetch(`${baseUrl}/api/pipelines/v1/pipelines`);
      expect(anonymous.status).toBe(401);

      const refresh = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      expect(refresh.status).toBe(200);
      const session = await refresh.json();
      const token: string = session.backstageIdentity.token;
      expect(session.backstageIdentity.identity.userEntityRef).toBe(
        'user:default/guest',
      );

      const pipelines = await fetch(`${baseUrl}/api/pipelines/v1/pipelines`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(pipelines.status).toBe(200);
      expect(await pipelines.json()).toEqual({
        items: [],
        totalCount: 0,
        offset: 0,
        limit: 50,
      });

      const badLimit = await fetch(
        `${baseUrl}/api/pipelines/v1/pipelines?limit=-1`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      expect(badLimit.status).toBe(400);
    } finally {
      await backend.stop();
    }
  });
});
