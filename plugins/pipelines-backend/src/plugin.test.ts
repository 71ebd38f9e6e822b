import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { pipelinesPlugin } from './plugin';

describe('pipelinesPlugin', () => {
  it('migrates its database on start and serves the list endpoint', async () => {
    const { server } = await startTestBackend({ features: [pipelinesPlugin] });

    const response = await request(server)
      .get('/api/pipelines/v1/pipelines')
      .set('Authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [],
      totalCount: 0,
      offset: 0,
      limit: 50,
    });
  });

  it('refuses requests without credentials', async () => {
    const { server } = await startTestBackend({ features: [pipelinesPlugin] });

    const response = await request(server)
      .get('/api/pipelines/v1/pipelines')
      .set('Authorization', mockCredentials.none.header());
    expect(response.status).toBe(401);
  });
});
