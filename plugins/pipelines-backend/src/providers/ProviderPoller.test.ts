import { mockServices } from '@backstage/backend-test-utils';
import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import {
  ListRunsResult,
  ProviderRun,
  SchedulerProvider,
} from '@tributary/plugin-pipelines-node';
import { Knex } from 'knex';
import {
  createStoreTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabases';
import { WriteBatcher } from '../ingest/WriteBatcher';
import { DatabasePipelinesStore } from '../store/DatabasePipelinesStore';
import { backoffDelayMs, ProviderPoller } from './ProviderPoller';

jest.setTimeout(60_000);

const { databases, ids } = createStoreTestDatabases();

/** A scheduler whose answers the test controls. */
class FakeProvider implements SchedulerProvider {
  readonly type = 'fake';
  readonly title = 'Fake scheduler';
  readonly capabilities = {
    triggerRun: false,
    nativeBackfill: false,
    taskDependencies: true,
  };
  runs: ProviderRun[] = [];
  failing = false;
  listRunsCalls: Array<string | undefined> = [];

  constructor(readonly id: string) {}

  async listPipelines() {
    if (this.failing) throw new Error('scheduler answered 500');
    return [
      { name: 'extract', schedule: '@daily', owners: ['data-platform'] },
      { name: 'report', url: 'http://fake/report' },
    ];
  }

  async listRuns(options: { cursor?: string }): Promise<ListRunsResult> {
    this.listRunsCalls.push(options.cursor);
    if (this.failing) throw new Error('scheduler answered 500');
    return { runs: this.runs, cursor: `after-${this.runs.length}` };
  }

  async listDependencies() {
    return [{ upstream: 'extract', downstream: 'report' }];
  }
}

function run(
  id: string,
  day: number,
  state: ProviderRun['state'],
): ProviderRun {
  return {
    id,
    pipelineName: 'extract',
    partition: new Date(Date.UTC(2026, 10, day)),
    state,
    sourceState: state.toUpperCase(),
    startedAt: new Date(Date.UTC(2026, 10, day, 1)),
    errorMessage: state === 'failed' ? 'disk full' : undefined,
  };
}

async function setup(knex: Knex, provider: FakeProvider) {
  const store = await DatabasePipelinesStore.create({
    database: databaseServiceFor(knex),
  });
  const logger = mockServices.logger.mock();
  const poller = ProviderPoller.create({
    providers: [provider],
    store,
    batcher: WriteBatcher.create({ store, logger }),
    scheduler: mockServices.scheduler.mock(),
    logger,
  });
  return { store, poller };
}

describe.each(ids)('ProviderPoller on %s', databaseId => {
  it('writes pipelines, runs and dependencies and keeps the cursor', async () => {
    const provider = new FakeProvider('fake:one');
    provider.runs = [run('r1', 1, 'succeeded'), run('r2', 2, 'failed')];
    const { store, poller } = await setup(
      await databases.init(databaseId),
      provider,
    );

    expect(await poller.poll(provider)).toBe('polled');
    expect(await store.getPipeline('fake:one:extract')).toMatchObject({
      source: 'fake:one',
      schedule: '@daily',
      sourceOwners: ['data-platform'],
      latestRunState: 'failed',
    });
    expect(await store.getPipeline('fake:one:report')).toMatchObject({
      schedulerUrl: 'http://fake/report',
    });
    expect(await store.getRun('fake:one:r2')).toMatchObject({
      pipelineId: 'fake:one:extract',
      state: 'failed',
      sourceState: 'FAILED',
      partition: '2026-11-02T00:00:00.000Z',
      errorMessage: 'disk full',
    });
    const edges = await store.listLineageEdges();
    expect(edges.map(({ from, to }) => ({ from, to }))).toEqual([
      { from: 'pipeline:fake:one:extract', to: 'pipeline:fake:one:report' },
    ]);

    await poller.poll(provider);
    expect(provider.listRunsCalls).toEqual([undefined, 'after-2']);
  });

  it('loses nothing in an outage, marks it stale, and recovers', async () => {
    const provider = new FakeProvider('fake:two');
    provider.runs = [run('r1', 1, 'succeeded')];
    const { store, poller } = await setup(
      await databases.init(databaseId),
      provider,
    );
    const t0 = new Date('2026-11-02T00:00:00Z');
    await poller.poll(provider, { now: t0 });

    provider.failing = true;
    const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
    expect(await poller.poll(provider, { now: at(60) })).toBe('failed');
    expect(await poller.poll(provider, { now: at(120) })).toBe('failed');
    // Two failures in a row: the next poll waits for the backoff.
    expect(await poller.poll(provider, { now: at(130) })).toBe('backing-off');

    const stale = await store.getPipeline('fake:two:extract');
    expect(stale?.stale).toEqual({
      since: t0.toISOString(),
      reason: 'scheduler answered 500',
    });
    expect((await store.listPipelines({ offset: 0, limit: 10 })).items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'fake:two:extract',
          stale: expect.anything(),
        }),
      ]),
    );
    expect(await store.getRun('fake:two:r1')).toMatchObject({
      state: 'succeeded',
    });

    // Recovered, with the runs it missed; a short answer deletes nothing.
    provider.failing = false;
    provider.runs = [run('r2', 2, 'running')];
    expect(
      await poller.poll(provider, { now: at(120 + backoffDelayMs(2) / 1000) }),
    ).toBe('polled');
    expect(
      (await store.getPipeline('fake:two:extract'))?.stale,
    ).toBeUndefined();
    expect(await store.getRun('fake:two:r1')).toMatchObject({
      state: 'succeeded',
    });
    expect(await store.getRun('fake:two:r2')).toMatchObject({
      state: 'running',
    });
    expect(
      (
        await store.listRuns({
          pipelineId: 'fake:two:extract',
          offset: 0,
          limit: 10,
        })
      ).totalCount,
    ).toBe(2);
  });

  it('shows a re-run as running again after it had failed', async () => {
    const provider = new FakeProvider('fake:three');
    provider.runs = [run('r1', 1, 'failed')];
    const { store, poller } = await setup(
      await databases.init(databaseId),
      provider,
    );
    await poller.poll(provider, { now: new Date('2026-11-02T00:00:00Z') });
    provider.runs = [run('r1', 1, 'running')];
    await poller.poll(provider, { now: new Date('2026-11-02T00:01:00Z') });
    const rerun = await store.getRun('fake:three:r1');
    expect(rerun).toMatchObject({ state: 'running' });
    expect(rerun?.errorMessage).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  it('retries at once after one failure, then doubles up to a cap', () => {
    expect(backoffDelayMs(1)).toBe(0);
    expect(backoffDelayMs(2)).toBe(30_000);
    expect(backoffDelayMs(3)).toBe(60_000);
    expect(backoffDelayMs(20)).toBe(30 * 60_000);
  });
});

/** Metrics and lifecycle stand-ins: the scheduler only records into them. */
const noopMetrics: any = new Proxy(
  {},
  {
    get: () => () => new Proxy({}, { get: () => () => undefined }),
  },
);

describe('ProviderPoller with two backend instances on one PostgreSQL', () => {
  const postgresIds = ids.filter(id => id === 'POSTGRES_15');

  it.each(postgresIds)(
    'polls once per schedule tick on %s',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const provider = new FakeProvider('fake:shared');
      const shutdownHooks: Array<() => void> = [];
      // The store migrates first, as the plugin does before it schedules.
      const store = await DatabasePipelinesStore.create({
        database: databaseServiceFor(knex),
      });
      const scheduled = { frequency: { seconds: 2 }, timeout: { seconds: 30 } };
      for (const instance of ['replica-1', 'replica-2']) {
        const logger = mockServices.logger.mock();
        const scheduler = DefaultSchedulerService.create({
          // Skipped: the first replica's scheduler migrates below, once.
          database: {
            getClient: async () => knex,
            migrations: { skip: instance !== 'replica-1' },
          },
          logger,
          metrics: noopMetrics,
          rootLifecycle: {
            addStartupHook: (hook: () => void) => hook(),
            addShutdownHook: (hook: () => void) => shutdownHooks.push(hook),
            addBeforeShutdownHook: () => {},
          } as any,
          httpRouter: { use: () => {}, addAuthPolicy: () => {} } as any,
          pluginMetadata: { getId: () => 'pipelines' } as any,
        });
        const replicaProvider: SchedulerProvider = Object.assign(
          Object.create(provider),
          { schedule: scheduled },
        );
        await ProviderPoller.create({
          providers: [replicaProvider],
          store,
          batcher: WriteBatcher.create({ store, logger }),
          scheduler,
          logger,
        }).start();
        // Let the first replica's scheduler finish migrating its tables.
        await new Promise(resolve => setTimeout(resolve, 500));
      }

      await new Promise(resolve => setTimeout(resolve, 9_000));
      shutdownHooks.forEach(hook => hook());

      // About 9 s / 2 s = 4-5 ticks; twice that would mean both instances polled.
      expect(provider.listRunsCalls.length).toBeGreaterThanOrEqual(3);
      expect(provider.listRunsCalls.length).toBeLessThanOrEqual(6);
    },
  );
});
