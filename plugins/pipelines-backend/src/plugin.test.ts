import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import request from 'supertest';
import { runEvent } from './__testUtils__/fixtures';
import { OPENLINEAGE_EVENTS_TOPIC, pipelinesPlugin } from './plugin';

function eventsFactory(events: DefaultEventsService) {
  return createServiceFactory({
    service: eventsServiceRef,
    deps: {},
    factory: () => events,
  });
}

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

    const list = await request(server)
      .get('/api/pipelines/v1/pipelines')
      .set('Authorization', mockCredentials.none.header());
    expect(list.status).toBe(401);
    const ingest = await request(server)
      .post('/api/pipelines/v1/lineage')
      .set('Authorization', mockCredentials.none.header())
      .send(runEvent({ eventTime: '2026-11-02T03:00:00Z' }));
    expect(ingest.status).toBe(401);
  });

  it('ingests OpenLineage events from the events service topic', async () => {
    const events = DefaultEventsService.create({
      logger: mockServices.logger.mock(),
    });
    const { server } = await startTestBackend({
      features: [pipelinesPlugin, eventsFactory(events)],
    });
    const event = runEvent({
      eventType: 'COMPLETE',
      eventTime: '2026-11-02T03:00:00Z',
      job: 'from_kafka',
    });

    await events.publish({
      topic: OPENLINEAGE_EVENTS_TOPIC,
      eventPayload: event,
    });

    const run = await request(server)
      .get(`/api/pipelines/v1/runs/${event.run.runId}`)
      .set('Authorization', mockCredentials.user.header());
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      pipelineId: 'tests:from_kafka',
      state: 'succeeded',
    });
  });

  it('accepts OpenLineage events from a static external-access token', async () => {
    const { server } = await startTestBackend({
      features: [
        pipelinesPlugin,
        // The real auth services: the mocks know no static tokens.
        authServiceFactory,
        httpAuthServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              auth: {
                externalAccess: [
                  {
                    type: 'static',
                    options: {
                      token: 'openlineage-producer-token-0123',
                      subject: 'openlineage-producer',
                    },
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    const event = runEvent({ eventTime: '2026-11-02T03:00:00Z' });
    const response = await request(server)
      .post('/api/pipelines/v1/lineage')
      .set('Authorization', 'Bearer openlineage-producer-token-0123')
      .send(event);
    expect(response.status).toBe(201);

    const wrongToken = await request(server)
      .post('/api/pipelines/v1/lineage')
      .set('Authorization', 'Bearer not-the-configured-token')
      .send(event);
    expect(wrongToken.status).toBe(401);
  });
});
