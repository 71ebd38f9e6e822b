import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_PIPELINE_ID,
  pipelinesBackfillCancelPermission,
  pipelinesBackfillCreatePermission,
} from '@tributary/plugin-pipelines-common';
import {
  BackfillRequest,
  BackfillStatus,
  ProviderRun,
  SchedulerProvider,
} from '@tributary/plugin-pipelines-node';
import { Knex } from 'knex';
import request from 'supertest';
import { createTestApp } from '../__testUtils__/createTestApp';
import { createStoreTestDatabases } from '../__testUtils__/testDatabases';
import { providerWrites } from '../providers/providerWrites';

jest.setTimeout(60_000);

const { databases, ids } = createStoreTestDatabases();

const OWNER = 'user:default/olive';
const ADMIN = 'user:default/ada';
const STRANGER = 'user:default/sam';
const OWNER_GROUP = 'group:default/team-a';
const NOW = new Date('2026-11-20T12:00:00Z');
const day = (n: number) => new Date(Date.UTC(2026, 10, n));

/**
 * A scheduler that records what it is asked. Runs it starts stay running
 * until the test finishes them, so the test sees what was in flight.
 */
class FakeScheduler implements SchedulerProvider {
  readonly type = 'fake';
  readonly title = 'Fake scheduler';
  readonly triggered: Array<{ runId: string; partition: Date }> = [];
  readonly running = new Set<string>();
  readonly aborted: string[] = [];
  readonly backfills: BackfillRequest[] = [];
  readonly cancelled: string[] = [];
  maxInFlight = 0;
  nativeState: BackfillStatus['state'] = 'running';

  constructor(
    readonly id: string,
    readonly capabilities: SchedulerProvider['capabilities'],
  ) {
    if (!capabilities.triggerRun) {
      delete (this as Partial<SchedulerProvider>).triggerRun;
    }
    if (!capabilities.nativeBackfill) {
      delete (this as Partial<SchedulerProvider>).createBackfill;
    }
  }

  async listPipelines() {
    return [];
  }

  async listRuns() {
    return { runs: [] };
  }

  triggerRun = async (options: { pipelineName: string; partition: Date }) => {
    const runId = `run-${this.triggered.length + 1}`;
    this.triggered.push({ runId, partition: options.partition });
    this.running.add(runId);
    this.maxInFlight = Math.max(this.maxInFlight, this.running.size);
    return { runId };
  };

  async abortRun(options: { runId: string }) {
    this.aborted.push(options.runId);
  }

  createBackfill = async (backfillRequest: BackfillRequest) => {
    this.backfills.push(backfillRequest);
    return { id: `native-${this.backfills.length}`, state: 'running' as const };
  };

  async getBackfill(id: string): Promise<BackfillStatus> {
    return { id, state: this.nativeState };
  }

  async cancelBackfill(id: string): Promise<BackfillStatus> {
    this.cancelled.push(id);
    return { id, state: 'cancelled' };
  }
}

function pipelineEntity(pipelineId: string, name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { [ANNOTATION_PIPELINE_ID]: pipelineId },
    },
    spec: { type: 'data-pipeline', owner: OWNER_GROUP, lifecycle: 'prod' },
  };
}

/** Owners and the admin may; everyone else is denied, as the policy does. */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const principal = options?.credentials.principal as {
      userEntityRef?: string;
    };
    const allowed = [OWNER, ADMIN].includes(principal.userEntityRef ?? '');
    return requests.map(() => ({
      result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    }));
  },
});

const as = (user: string) => mockCredentials.user.header(user);

describe.each(ids)('backfills on %s', databaseId => {
  let knex: Knex;
  let native: FakeScheduler;
  let orchestrated: FakeScheduler;
  let luigi: FakeScheduler;
  let auditor: ReturnType<typeof mockServices.auditor.mock>;
  let audited: Array<{ eventId: string; outcome: string; meta?: any }>;
  let notifications: { send: jest.Mock };
  const onPipelinesChanged = jest.fn();
  let now: Date;

  async function seedPipeline(provider: FakeScheduler, name: string) {
    const { store } = await app();
    await store.applyWrites(
      providerWrites(
        provider,
        {
          pipelines: [{ name, schedule: '@daily' }],
          runs: [],
          dependencies: [],
        },
        NOW,
      ),
    );
    await store.saveOwners({
      pipelines: [{ id: `${provider.id}:${name}`, owner: OWNER_GROUP }],
      datasets: [],
    });
  }

  async function writeRuns(provider: FakeScheduler, runs: ProviderRun[]) {
    const { store } = await app();
    await store.applyWrites(
      providerWrites(provider, { pipelines: [], runs, dependencies: [] }, now),
    );
  }

  async function finishRun(provider: FakeScheduler, runId: string, ok = true) {
    const run = provider.triggered.find(r => r.runId === runId)!;
    provider.running.delete(runId);
    await writeRuns(provider, [
      {
        id: runId,
        pipelineName: 'daily',
        partition: run.partition,
        state: ok ? 'succeeded' : 'failed',
        sourceState: ok ? 'SUCCEEDED' : 'FAILED',
        queuedAt: now,
        endedAt: now,
      },
    ]);
  }

  /** A fresh service and router over the same database: a restart. */
  function app() {
    return createTestApp(
      knex,
      {},
      [
        pipelineEntity('native:daily', 'native-daily'),
        pipelineEntity('orch:daily', 'orch-daily'),
        pipelineEntity('luigi:daily', 'luigi-daily'),
      ],
      {
        providers: [native, orchestrated, luigi],
        permissions,
        auditor,
        notifications: notifications as any,
        clock: () => now,
        onPipelinesChanged,
      },
    );
  }

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    now = NOW;
    native = new FakeScheduler('native', {
      triggerRun: true,
      nativeBackfill: true,
      taskDependencies: false,
    });
    orchestrated = new FakeScheduler('orch', {
      triggerRun: true,
      nativeBackfill: false,
      taskDependencies: false,
    });
    luigi = new FakeScheduler('luigi', {
      triggerRun: false,
      nativeBackfill: false,
      taskDependencies: false,
    });
    audited = [];
    auditor = mockServices.auditor.mock({
      createEvent: async ({ eventId, meta }) => ({
        success: async options => {
          audited.push({
            eventId,
            outcome: 'success',
            meta: { ...meta, ...options?.meta },
          });
        },
        fail: async options => {
          audited.push({
            eventId,
            outcome: 'failure',
            meta: { ...meta, error: options.error.message },
          });
        },
      }),
    });
    notifications = { send: jest.fn(async () => {}) };
    for (const provider of [native, orchestrated, luigi]) {
      await seedPipeline(provider, 'daily');
    }
  });

  afterEach(async () => {
    await knex.destroy();
  });

  const range = {
    start: day(10).toISOString(),
    end: day(15).toISOString(),
  };

  describe('plan', () => {
    it('says what happens to each partition from its latest run', async () => {
      await writeRuns(native, [
        {
          id: 'a',
          pipelineName: 'daily',
          partition: day(10),
          state: 'failed',
          sourceState: 'x',
        },
        {
          id: 'b',
          pipelineName: 'daily',
          partition: day(11),
          state: 'succeeded',
          sourceState: 'x',
        },
        {
          id: 'c',
          pipelineName: 'daily',
          partition: day(12),
          state: 'running',
          sourceState: 'x',
        },
      ]);
      const { app: http } = await app();
      const res = await request(http)
        .post('/v1/pipelines/native%3Adaily/backfills/plan')
        .set('authorization', as(STRANGER))
        .send({ ...range, order: 'newest', concurrency: 2 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        pipelineId: 'native:daily',
        concurrency: 2,
        order: 'newest',
        runCount: 4,
        skipCount: 1,
      });
      expect(
        res.body.partitions.map((p: any) => [
          p.partition,
          p.action,
          p.currentState,
        ]),
      ).toEqual([
        [day(14).toISOString(), 'run', undefined],
        [day(13).toISOString(), 'run', undefined],
        [day(12).toISOString(), 'skip', 'running'],
        [day(11).toISOString(), 'rerun', 'succeeded'],
        [day(10).toISOString(), 'rerun', 'failed'],
      ]);

      const onlyFailed = await request(http)
        .post('/v1/pipelines/native%3Adaily/backfills/plan')
        .set('authorization', as(STRANGER))
        .send({ ...range, onlyFailedOrMissing: true });
      expect(
        onlyFailed.body.partitions
          .filter((p: any) => p.action !== 'skip')
          .map((p: any) => p.partition),
      ).toEqual([day(10), day(13), day(14)].map(d => d.toISOString()));
    });

    it('answers 400 for a range not aligned to the schedule, 400 for the future', async () => {
      const { app: http } = await app();
      const misaligned = await request(http)
        .post('/v1/pipelines/native%3Adaily/backfills/plan')
        .set('authorization', as(OWNER))
        .send({ start: '2026-11-10T03:00:00Z', end: range.end });
      expect(misaligned.status).toBe(400);
      expect(misaligned.body.error.message).toContain(
        '2026-11-10T03:00:00.000Z',
      );

      const future = await request(http)
        .post('/v1/pipelines/native%3Adaily/backfills/plan')
        .set('authorization', as(OWNER))
        .send({ start: day(19).toISOString(), end: day(23).toISOString() });
      expect(future.status).toBe(400);
      expect(future.body.error.message).toMatch(/future/);
    });

    it('answers 409 with the reason for a scheduler that cannot backfill', async () => {
      const { app: http } = await app();
      for (const path of ['backfills/plan', 'backfills']) {
        const res = await request(http)
          .post(`/v1/pipelines/luigi%3Adaily/${path}`)
          .set('authorization', as(OWNER))
          .send({ ...range, idempotencyKey: 'k' });
        expect(res.status).toBe(409);
        expect(res.body.error.message).toContain(
          'can neither backfill nor trigger runs',
        );
      }
      expect(Number((await knex('backfills').count({ n: '*' }))[0].n)).toBe(0);
    });
  });

  describe('create', () => {
    it('lets an owner start a native backfill, audited with the plan', async () => {
      const { app: http } = await app();
      const res = await request(http)
        .post('/v1/pipelines/native%3Adaily/backfills')
        .set('authorization', as(OWNER))
        .send({ ...range, concurrency: 3, idempotencyKey: 'key-1' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        pipelineId: 'native:daily',
        mode: 'native',
        state: 'running',
        requestedBy: OWNER,
        externalId: 'native-1',
        progress: { total: 5, queued: 5 },
      });
      expect(native.backfills).toEqual([
        {
          pipelineName: 'daily',
          start: day(10),
          end: day(15),
          concurrency: 3,
          order: 'oldest',
        },
      ]);
      expect(permissions.authorize).toHaveBeenCalledWith(
        [
          {
            permission: pipelinesBackfillCreatePermission,
            resourceRef: 'component:default/native-daily',
          },
        ],
        expect.anything(),
      );
      expect(audited).toEqual([
        expect.objectContaining({
          eventId: 'backfill-create',
          outcome: 'success',
          meta: expect.objectContaining({
            pipelineId: 'native:daily',
            backfillId: res.body.id,
            plan: expect.arrayContaining([
              { partition: day(10).toISOString(), action: 'run' },
            ]),
          }),
        }),
      ]);
    });

    it('refuses a non-owner with 403 and creates nothing, even where the scheduler would', async () => {
      const { app: http } = await app();
      const res = await request(http)
        .post('/v1/pipelines/native%3Adaily/backfills')
        .set('authorization', as(STRANGER))
        .send({ ...range, idempotencyKey: 'key-1' });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain(OWNER_GROUP);
      expect(native.backfills).toEqual([]);
      expect(Number((await knex('backfills').count({ n: '*' }))[0].n)).toBe(0);
      expect(audited).toEqual([
        expect.objectContaining({
          eventId: 'backfill-create',
          outcome: 'failure',
        }),
      ]);
    });

    it('lets the admin group start one', async () => {
      const { app: http } = await app();
      const res = await request(http)
        .post('/v1/pipelines/orch%3Adaily/backfills')
        .set('authorization', as(ADMIN))
        .send({ ...range, idempotencyKey: 'key-admin' });
      expect(res.status).toBe(201);
      expect(res.body.requestedBy).toBe(ADMIN);
    });

    it('answers the same backfill for the same idempotency key', async () => {
      const { app: http } = await app();
      const body = { ...range, idempotencyKey: 'key-1' };
      const first = await request(http)
        .post('/v1/pipelines/native%3Adaily/backfills')
        .set('authorization', as(OWNER))
        .send(body);
      const again = await request(http)
        .post('/v1/pipelines/native%3Adaily/backfills')
        .set('authorization', as(OWNER))
        .send(body);
      expect(first.status).toBe(201);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      expect(native.backfills).toHaveLength(1);

      const otherBody = await request(http)
        .post('/v1/pipelines/native%3Adaily/backfills')
        .set('authorization', as(OWNER))
        .send({ ...body, concurrency: 4 });
      expect(otherBody.status).toBe(409);
      expect(otherBody.body.error.message).toContain('key-1');
      expect(Number((await knex('backfills').count({ n: '*' }))[0].n)).toBe(1);
    });

    it('refuses a request without an idempotency key', async () => {
      const { app: http } = await app();
      const res = await request(http)
        .post('/v1/pipelines/native%3Adaily/backfills')
        .set('authorization', as(OWNER))
        .send(range);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('idempotencyKey');
    });
  });

  describe('orchestration', () => {
    it('never exceeds the concurrency and resumes after a restart', async () => {
      const first = await app();
      const created = await request(first.app)
        .post('/v1/pipelines/orch%3Adaily/backfills')
        .set('authorization', as(OWNER))
        .send({ ...range, concurrency: 2, idempotencyKey: 'k' });
      expect(created.status).toBe(201);
      expect(created.body.mode).toBe('orchestrated');

      await first.backfills.advance();
      await first.backfills.advance();
      expect(orchestrated.triggered.map(t => t.partition)).toEqual([
        day(10),
        day(11),
      ]);

      await finishRun(orchestrated, 'run-1');
      await first.backfills.advance();
      expect(orchestrated.triggered).toHaveLength(3);

      // A new service over the same database: what a restarted backend is.
      const restarted = await app();
      await restarted.backfills.advance();
      expect(orchestrated.triggered).toHaveLength(3);
      await finishRun(orchestrated, 'run-2', false);
      await finishRun(orchestrated, 'run-3');
      await restarted.backfills.advance();
      expect(orchestrated.triggered.map(t => t.partition)).toEqual([
        day(10),
        day(11),
        day(12),
        day(13),
        day(14),
      ]);
      await finishRun(orchestrated, 'run-4');
      await finishRun(orchestrated, 'run-5');
      await restarted.backfills.advance();
      expect(orchestrated.maxInFlight).toBe(2);

      const done = await request(restarted.app)
        .get(`/v1/backfills/${created.body.id}`)
        .set('authorization', as(STRANGER));
      expect(done.body).toMatchObject({
        state: 'failed',
        progress: { total: 5, succeeded: 4, failed: 1 },
      });
      expect(done.body.partitions[1]).toMatchObject({
        partition: day(11).toISOString(),
        state: 'failed',
        runId: 'orch:run-2',
      });
      expect(notifications.send).toHaveBeenCalledTimes(1);
      expect(notifications.send).toHaveBeenCalledWith({
        recipients: { type: 'entity', entityRef: [OWNER, OWNER_GROUP] },
        payload: expect.objectContaining({
          title: 'Backfill of daily failed',
          description: expect.stringContaining(
            '4 partitions succeeded, 1 failed',
          ),
          link: '/catalog/default/component/orch-daily/pipeline',
          severity: 'high',
        }),
      });
      await restarted.backfills.advance();
      expect(notifications.send).toHaveBeenCalledTimes(1);

      const runs = await request(restarted.app)
        .get('/v1/pipelines/orch%3Adaily/runs')
        .set('authorization', as(STRANGER));
      expect(runs.body.items).toHaveLength(5);
      expect(
        runs.body.items.every((r: any) => r.backfillId === created.body.id),
      ).toBe(true);
    });

    it('resumes a claim whose trigger answer was lost, without triggering twice', async () => {
      const { app: http, backfills } = await app();
      const created = await request(http)
        .post('/v1/pipelines/orch%3Adaily/backfills')
        .set('authorization', as(OWNER))
        .send({ ...range, concurrency: 1, idempotencyKey: 'k' });
      // The backend stopped between claiming the first partition and
      // hearing from the scheduler: the run exists, its id was never saved.
      await knex('backfill_partitions')
        .where({ backfill_id: created.body.id, position: 0 })
        .update({ state: 'triggering', triggered_at: now });
      await writeRuns(orchestrated, [
        {
          id: 'lost-answer',
          pipelineName: 'daily',
          partition: day(10),
          state: 'running',
          sourceState: 'RUNNING',
          queuedAt: now,
        },
      ]);
      await backfills.advance();
      expect(orchestrated.triggered).toEqual([]);
      const status = await backfills.get(created.body.id);
      expect(status.partitions![0]).toMatchObject({
        state: 'running',
        runId: 'orch:lost-answer',
      });
    });
  });

  describe('cancel', () => {
    it('stops orchestrating, aborts runs in flight and is audited', async () => {
      const { app: http, backfills } = await app();
      const created = await request(http)
        .post('/v1/pipelines/orch%3Adaily/backfills')
        .set('authorization', as(OWNER))
        .send({ ...range, concurrency: 2, idempotencyKey: 'k' });
      await backfills.advance();

      const denied = await request(http)
        .post(`/v1/backfills/${created.body.id}/cancel`)
        .set('authorization', as(STRANGER));
      expect(denied.status).toBe(403);
      expect((await backfills.get(created.body.id)).state).toBe('running');

      const res = await request(http)
        .post(`/v1/backfills/${created.body.id}/cancel`)
        .set('authorization', as(OWNER));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        state: 'cancelled',
        progress: { running: 2, cancelled: 3 },
      });
      expect(orchestrated.aborted).toEqual(['run-1', 'run-2']);
      expect(permissions.authorize).toHaveBeenLastCalledWith(
        [
          {
            permission: pipelinesBackfillCancelPermission,
            resourceRef: 'component:default/orch-daily',
          },
        ],
        expect.anything(),
      );

      await backfills.advance();
      expect(orchestrated.triggered).toHaveLength(2);
      // Notified once its runs in flight have ended.
      expect(notifications.send).not.toHaveBeenCalled();
      await finishRun(orchestrated, 'run-1');
      await finishRun(orchestrated, 'run-2', false);
      await backfills.advance();
      expect(notifications.send).toHaveBeenCalledTimes(1);
      expect(audited.map(a => [a.eventId, a.outcome])).toEqual([
        ['backfill-create', 'success'],
        ['backfill-cancel', 'failure'],
        ['backfill-cancel', 'success'],
      ]);

      const again = await request(http)
        .post(`/v1/backfills/${created.body.id}/cancel`)
        .set('authorization', as(OWNER));
      expect(again.status).toBe(409);
    });

    it('halts a native backfill at the scheduler', async () => {
      const { app: http } = await app();
      const created = await request(http)
        .post('/v1/pipelines/native%3Adaily/backfills')
        .set('authorization', as(OWNER))
        .send({ ...range, idempotencyKey: 'k' });
      const res = await request(http)
        .post(`/v1/backfills/${created.body.id}/cancel`)
        .set('authorization', as(OWNER));
      expect(res.body.state).toBe('cancelled');
      expect(native.cancelled).toEqual(['native-1']);
    });
  });

  it('follows a native backfill through the runs the scheduler reports', async () => {
    const { app: http, backfills } = await app();
    onPipelinesChanged.mockClear();
    const created = await request(http)
      .post('/v1/pipelines/native%3Adaily/backfills')
      .set('authorization', as(OWNER))
      .send({
        start: day(10).toISOString(),
        end: day(12).toISOString(),
        idempotencyKey: 'k',
      });
    now = new Date(NOW.getTime() + 60_000);
    await writeRuns(native, [
      {
        id: 'bf/10',
        pipelineName: 'daily',
        partition: day(10),
        state: 'succeeded',
        sourceState: 'x',
        queuedAt: now,
      },
      {
        id: 'bf/11',
        pipelineName: 'daily',
        partition: day(11),
        state: 'running',
        sourceState: 'x',
        queuedAt: now,
      },
    ]);
    await backfills.advance();
    expect((await backfills.get(created.body.id)).progress).toMatchObject({
      succeeded: 1,
      running: 1,
    });
    // Linking the runs changes what they answer (their backfill): open pages
    // are told, as no commit of a run tells them.
    expect(onPipelinesChanged).toHaveBeenCalledWith(['native:daily']);
    onPipelinesChanged.mockClear();
    await backfills.advance();
    expect(onPipelinesChanged).not.toHaveBeenCalled();

    native.nativeState = 'succeeded';
    await writeRuns(native, [
      {
        id: 'bf/11',
        pipelineName: 'daily',
        partition: day(11),
        state: 'succeeded',
        sourceState: 'x',
        queuedAt: now,
      },
    ]);
    await backfills.advance();
    const done = await backfills.get(created.body.id);
    expect(done).toMatchObject({
      state: 'succeeded',
      progress: { succeeded: 2 },
    });
    expect(notifications.send).toHaveBeenCalledWith(
      expect.objectContaining({
        payload: expect.objectContaining({
          title: 'Backfill of daily succeeded',
          severity: 'normal',
        }),
      }),
    );
    const run = await request(http)
      .get('/v1/runs/native%3Abf%2F11')
      .set('authorization', as(STRANGER));
    expect(run.body.backfillId).toBe(created.body.id);
  });
});
