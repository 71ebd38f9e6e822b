import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ProviderRun,
  SchedulerRequestError,
} from '@tributary/plugin-pipelines-node';
import { FakeFlyteServer, readFixture } from './__testUtils__/FakeFlyteServer';
import { FlyteProviderOptions } from './config';
import { FlyteProvider } from './FlyteProvider';
import { FlyteExecution, FlyteLiteralMap } from './types';

const PAIR = 'customer-analytics/production';
const WEEKLY = `${PAIR}/ltv.workflows.weekly_ltv_lp`;
const DAILY = `${PAIR}/ltv.workflows.daily_features_lp`;

let fake: FakeFlyteServer;

beforeEach(async () => {
  fake = await FakeFlyteServer.start();
});

afterEach(async () => {
  await fake.stop();
});

function createProvider(options: Partial<FlyteProviderOptions> = {}) {
  return FlyteProvider.create({
    id: 'test',
    baseUrl: fake.url,
    timeoutMs: 5000,
    ...options,
  });
}

/** Only the project/domain the fixtures fill, to keep request logs short. */
const ONLY_PAIR = {
  projects: [{ project: 'customer-analytics', domain: 'production' }],
};

function byId(runs: ProviderRun[]): Record<string, ProviderRun> {
  return Object.fromEntries(runs.map(run => [run.id, run]));
}

function execution(
  name: string,
  overrides: {
    launchPlan?: string;
    resourceType?: string;
    inputs?: FlyteLiteralMap;
    metadata?: Record<string, unknown>;
    labels?: Record<string, string>;
    closure?: Record<string, unknown>;
  } = {},
): FlyteExecution {
  return {
    id: { project: 'customer-analytics', domain: 'production', name },
    spec: {
      launch_plan: {
        resource_type: overrides.resourceType ?? 'LAUNCH_PLAN',
        project: 'customer-analytics',
        domain: 'production',
        name: overrides.launchPlan ?? 'ltv.workflows.daily_features_lp',
        version: 'v2026.10.30-7f3c2e1',
      },
      inputs: overrides.inputs,
      metadata: overrides.metadata,
      labels: overrides.labels ? { values: overrides.labels } : undefined,
    },
    closure: {
      created_at: '2026-11-01T03:00:01.000000Z',
      updated_at: '2026-11-01T03:00:02.000000Z',
      ...overrides.closure,
    },
  };
}

describe('FlyteProvider', () => {
  describe('listPipelines', () => {
    it('reports one pipeline per launch plan name of every project and domain', async () => {
      const provider = createProvider();
      const pipelines = await provider.listPipelines({});

      expect(provider.id).toBe('flyte:test');
      expect(provider.type).toBe('flyte');
      expect(provider.capabilities).toEqual({
        triggerRun: true,
        nativeBackfill: false,
        taskDependencies: false,
      });
      expect(pipelines).toEqual([
        {
          name: DAILY,
          title: 'ltv.workflows.daily_features_lp',
          description:
            'Flyte launch plan in customer-analytics/production running workflow ltv.workflows.daily_features (version v2026.10.30-7f3c2e1, active)',
          schedule: '0 3 * * *',
          owners: ['customer-analytics'],
          url: `${fake.url}/console/projects/customer-analytics/domains/production/launchPlans/ltv.workflows.daily_features_lp`,
          paused: false,
        },
        {
          name: WEEKLY,
          title: 'ltv.workflows.weekly_ltv_lp',
          description:
            'Flyte launch plan in customer-analytics/production running workflow ltv.workflows.weekly_ltv (version v2026.10.30-7f3c2e1, active)',
          schedule: undefined,
          owners: ['customer-analytics'],
          url: `${fake.url}/console/projects/customer-analytics/domains/production/launchPlans/ltv.workflows.weekly_ltv_lp`,
          paused: false,
        },
      ]);

      // 3 projects × 3 domains, each listing paged with a limit and sorted.
      const listings = fake.requestsTo('GET', '/api/v1/launch_plans/');
      expect(listings.map(r => r.path)).toEqual([
        '/api/v1/launch_plans/customer-analytics/development',
        '/api/v1/launch_plans/customer-analytics/staging',
        '/api/v1/launch_plans/customer-analytics/production',
        '/api/v1/launch_plans/marketing-attribution/development',
        '/api/v1/launch_plans/marketing-attribution/staging',
        '/api/v1/launch_plans/marketing-attribution/production',
        '/api/v1/launch_plans/flytesnacks/development',
        '/api/v1/launch_plans/flytesnacks/staging',
        '/api/v1/launch_plans/flytesnacks/production',
      ]);
      for (const listing of listings) {
        expect(listing.query.get('limit')).toBe('100');
        expect(listing.query.get('sort_by.key')).toBe('created_at');
      }
      expect(
        fake.requestsTo('GET', '/api/v1/projects')[0].query.get('limit'),
      ).toBe('100');
    });

    it('skips archived and excluded projects; a missing state is ACTIVE', async () => {
      fake.projects[1].state = 'ARCHIVED';
      const provider = createProvider({ excludeProjects: ['flytesnacks'] });
      await provider.listPipelines({});
      const projects = new Set(
        fake
          .requestsTo('GET', '/api/v1/launch_plans/')
          .map(r => r.path.split('/')[4]),
      );
      expect([...projects]).toEqual(['customer-analytics']);
    });

    it('watches configured project/domain pairs, all domains when none is given', async () => {
      const provider = createProvider({
        projects: [
          { project: 'customer-analytics', domain: 'production' },
          { project: 'marketing-attribution' },
        ],
      });
      await provider.listPipelines({});
      expect(
        fake.requestsTo('GET', '/api/v1/launch_plans/').map(r => r.path),
      ).toEqual([
        '/api/v1/launch_plans/customer-analytics/production',
        '/api/v1/launch_plans/marketing-attribution/development',
        '/api/v1/launch_plans/marketing-attribution/staging',
        '/api/v1/launch_plans/marketing-attribution/production',
      ]);

      await expect(
        createProvider({ projects: [{ project: 'nope' }] }).listPipelines({}),
      ).rejects.toThrow(/configured project 'nope' is not among/);
    });

    it('folds versions: a schedule without an ACTIVE version is paused', async () => {
      for (const lp of fake.launchPlans.get(PAIR)!) delete lp.closure!.state;
      const pipelines = await createProvider(ONLY_PAIR).listPipelines({});
      expect(pipelines.map(p => [p.name, p.schedule, p.paused])).toEqual([
        [DAILY, '0 3 * * *', true],
        [WEEKLY, undefined, false],
      ]);
      // the newest version is reported when none is active
      expect(pipelines[0].description).toContain('v2026.10.30-7f3c2e1)');
    });

    it('follows page tokens', async () => {
      const pipelines = await createProvider({
        ...ONLY_PAIR,
        pageSize: 3,
      }).listPipelines({});
      expect(pipelines).toHaveLength(2);
      expect(
        fake
          .requestsTo('GET', '/api/v1/launch_plans/')
          .map(r => [r.query.get('limit'), r.query.get('token')]),
      ).toEqual([
        ['3', null],
        ['3', '3'],
      ]);
    });

    it('names owners: pattern, then label, then owner, then the project', async () => {
      const owners = async (options: Partial<FlyteProviderOptions>) =>
        (
          await createProvider({ ...ONLY_PAIR, ...options }).listPipelines({})
        ).map(p => p.owners);
      expect(await owners({})).toEqual([
        ['customer-analytics'],
        ['customer-analytics'],
      ]);
      expect(await owners({ owner: 'data-platform' })).toEqual([
        ['data-platform'],
        ['data-platform'],
      ]);
      expect(await owners({ ownerLabel: 'team', owner: 'x' })).toEqual([
        ['data-science'],
        ['data-science'],
      ]);
      // the project's label when the launch plan has none
      for (const lp of fake.launchPlans.get(PAIR)!) delete lp.spec!.labels;
      fake.projects[0].labels!.values!.team = 'ds-from-project';
      expect(await owners({ ownerLabel: 'team' })).toEqual([
        ['ds-from-project'],
        ['ds-from-project'],
      ]);
      expect(
        await owners({
          owners: { '*weekly*': 'ltv-team', 'customer-analytics/*': 'ca' },
          ownerLabel: 'team',
        }),
      ).toEqual([['ca'], ['ltv-team']]);
    });
  });

  describe('listRuns', () => {
    it('maps executions to runs', async () => {
      const provider = createProvider(ONLY_PAIR);
      const result = await provider.listRuns({});
      expect(result.hasMore).toBe(false);
      expect(result.runs).toHaveLength(5);
      const runs = byId(result.runs);

      expect(runs[`${PAIR}/kx2m7q4vh9t1wz6c8bpn`]).toEqual({
        id: `${PAIR}/kx2m7q4vh9t1wz6c8bpn`,
        pipelineName: WEEKLY,
        partition: new Date('2026-08-24T00:00:00Z'),
        state: 'running',
        sourceState: 'RUNNING',
        queuedAt: new Date('2026-11-01T04:40:57.661Z'),
        startedAt: new Date('2026-11-01T04:41:02.019Z'),
        endedAt: undefined,
        errorMessage: undefined,
        url: `${fake.url}/console/projects/customer-analytics/domains/production/executions/kx2m7q4vh9t1wz6c8bpn`,
      });
      expect(runs[`${PAIR}/g4tq8zb2mrw6x1kc9d3v`]).toMatchObject({
        pipelineName: WEEKLY,
        partition: new Date('2026-10-19T00:00:00Z'),
        state: 'succeeded',
        sourceState: 'SUCCEEDED',
        queuedAt: new Date('2026-10-26T00:00:05.118Z'),
        startedAt: new Date('2026-10-26T00:00:09.541Z'),
        // started_at + duration "5231.417092s"
        endedAt: new Date('2026-10-26T01:27:20.958Z'),
        errorMessage: undefined,
      });
      expect(runs[`${PAIR}/pl7w3c9x2nd5f8ta1mqz`]).toMatchObject({
        partition: new Date('2026-10-12T00:00:00Z'),
        state: 'succeeded',
        sourceState: 'SUCCEEDED',
      });
      expect(runs[`${PAIR}/r8vd1n6kq3zx9wt2hm5c`]).toMatchObject({
        partition: new Date('2026-08-31T00:00:00Z'),
        state: 'aborted',
        sourceState: 'ABORTED',
        startedAt: new Date('2026-10-09T19:01:09.306Z'),
        endedAt: new Date('2026-10-09T20:02:10.515Z'),
        errorMessage:
          'Aborted by styx@acme-data-prod.iam.gserviceaccount.com: Styx workflow instance execution reached state: ERROR',
      });
      expect(runs[`${PAIR}/c5hz9m2tw7xq4kv1n8rd`]).toMatchObject({
        partition: new Date('2026-08-24T00:00:00Z'),
        state: 'failed',
        sourceState: 'FAILED',
        endedAt: new Date('2026-10-09T18:58:40.588Z'),
        errorMessage: expect.stringMatching(
          /^USER:RuntimeError: Traceback \(most recent call last\):[\s\S]*KeyError: 'tenure_days'$/,
        ),
      });
      // Flyte has no attempt counter on workflow executions
      expect(result.runs.map(run => run.attempt)).toEqual(
        Array(5).fill(undefined),
      );

      const [request] = fake.requestsTo('GET', '/api/v1/executions/');
      expect(request.path).toBe(`/api/v1/executions/${PAIR}`);
      expect(request.query.get('limit')).toBe('100');
      expect(request.query.get('sort_by.key')).toBe('updated_at');
      expect(request.query.get('sort_by.direction')).toBe('ASCENDING');
      expect(request.query.get('filters')).toBeNull();
    });

    it('reads partitions from kickoff times, scheduled_at, labels and computed inputs', async () => {
      fake.executions.get(PAIR)!.push(
        execution('sched1', {
          inputs: {
            literals: {
              kickoff_time: {
                scalar: { primitive: { datetime: '2026-10-31T03:00:00Z' } },
              },
            },
          },
          metadata: { mode: 'SCHEDULED', scheduled_at: '2026-10-31T03:00:00Z' },
          closure: { phase: 'SUCCEEDED' },
        }),
        execution('sched2', {
          metadata: { scheduled_at: '2026-10-30T03:00:00Z' },
          closure: { phase: 4 },
        }),
        execution('styx1', {
          launchPlan: 'ltv.workflows.weekly_ltv_lp',
          labels: { STYX_PARAMETER: '2026-10-26' },
          closure: {
            phase: 'TIMED_OUT',
            started_at: '2026-11-01T03:00:02Z',
            duration: '60s',
          },
        }),
        execution('computed', {
          launchPlan: 'ltv.workflows.weekly_ltv_lp',
          closure: {
            phase: 'QUEUED',
            computed_inputs: {
              literals: {
                styx_parameter: {
                  scalar: { primitive: { string_value: '2026-10-05' } },
                },
              },
            },
          },
        }),
        execution('fresh'),
        execution('task1', { resourceType: 'TASK', launchPlan: 'ltv.tasks.t' }),
      );
      const runs = byId((await createProvider(ONLY_PAIR).listRuns({})).runs);

      expect(runs[`${PAIR}/sched1`]).toMatchObject({
        pipelineName: DAILY,
        partition: new Date('2026-10-31T03:00:00Z'),
        state: 'succeeded',
      });
      expect(runs[`${PAIR}/sched2`]).toMatchObject({
        partition: new Date('2026-10-30T03:00:00Z'),
        state: 'succeeded',
        sourceState: 'SUCCEEDED',
      });
      expect(runs[`${PAIR}/styx1`]).toMatchObject({
        pipelineName: WEEKLY,
        partition: new Date('2026-10-26T00:00:00Z'),
        state: 'failed',
        sourceState: 'TIMED_OUT',
        endedAt: new Date('2026-11-01T03:01:02Z'),
        errorMessage: 'The execution timed out',
      });
      expect(runs[`${PAIR}/computed`]).toMatchObject({
        partition: new Date('2026-10-05T00:00:00Z'),
        state: 'queued',
        sourceState: 'QUEUED',
      });
      // phase missing = UNDEFINED: created, not yet picked up
      expect(runs[`${PAIR}/fresh`]).toMatchObject({
        partition: undefined,
        state: 'queued',
        sourceState: 'UNDEFINED',
      });
      expect(runs[`${PAIR}/task1`]).toBeUndefined();
    });

    it('asks only for what changed since the cursor', async () => {
      const provider = createProvider({ ...ONLY_PAIR, cursorOverlapMs: 0 });
      const first = await provider.listRuns({});
      expect(JSON.parse(first.cursor!)).toEqual({
        v: 1,
        pairs: { [PAIR]: { since: '2026-11-01T04:41:02.019Z' } },
      });

      const second = await provider.listRuns({ cursor: first.cursor });
      const request = fake.requestsTo('GET', '/api/v1/executions/')[1];
      expect(request.query.get('filters')).toBe(
        'gte(updated_at,2026-11-01T04:41:02.019Z)',
      );
      // the whole value is URL-encoded, `,` and `:` included
      expect(request.rawQuery).toContain(
        'filters=gte(updated_at%2C2026-11-01T04%3A41%3A02.019Z)',
      );
      // the boundary row comes again (idempotent for the backend)
      expect(second.runs.map(run => run.id)).toEqual([
        `${PAIR}/kx2m7q4vh9t1wz6c8bpn`,
      ]);

      const running = fake.executions
        .get(PAIR)!
        .find(e => e.id.name === 'kx2m7q4vh9t1wz6c8bpn')!;
      running.closure = {
        ...running.closure,
        phase: 'SUCCEEDED',
        duration: '600s',
        updated_at: '2026-11-01T04:51:02.500000Z',
      };
      const third = await provider.listRuns({ cursor: second.cursor });
      expect(third.runs).toEqual([
        expect.objectContaining({
          id: `${PAIR}/kx2m7q4vh9t1wz6c8bpn`,
          state: 'succeeded',
          endedAt: new Date('2026-11-01T04:51:02.019Z'),
        }),
      ]);
      expect(JSON.parse(third.cursor!).pairs[PAIR].since).toBe(
        '2026-11-01T04:51:02.500Z',
      );
      const fourth = await provider.listRuns({ cursor: third.cursor });
      expect(fourth.runs.map(run => run.sourceState)).toEqual(['SUCCEEDED']);
    });

    it('looks back by the configured overlap', async () => {
      const provider = createProvider(ONLY_PAIR);
      const first = await provider.listRuns({});
      await provider.listRuns({ cursor: first.cursor });
      expect(
        fake.requestsTo('GET', '/api/v1/executions/')[1].query.get('filters'),
      ).toBe('gte(updated_at,2026-11-01T04:40:02.019Z)');
    });

    it('pages by updated_at and stops at the page budget with hasMore', async () => {
      const provider = createProvider({
        ...ONLY_PAIR,
        pageSize: 2,
        pagesPerPoll: 2,
      });
      const seen = new Set<string>();
      let cursor: string | undefined;
      const hasMores: boolean[] = [];
      for (let call = 0; call < 10; call++) {
        const result = await provider.listRuns({ cursor });
        result.runs.forEach(run => seen.add(run.id));
        cursor = result.cursor;
        hasMores.push(Boolean(result.hasMore));
        if (!result.hasMore) break;
      }
      expect(hasMores).toEqual([true, true, false]);
      expect(seen.size).toBe(5);
      const requests = fake.requestsTo('GET', '/api/v1/executions/');
      expect(requests.map(r => r.query.get('filters'))).toEqual([
        null,
        'gte(updated_at,2026-10-09T20:02:11.515Z)',
        'gte(updated_at,2026-10-19T01:25:11.873Z)',
        'gte(updated_at,2026-10-26T01:27:20.958Z)',
        'gte(updated_at,2026-11-01T04:41:02.019Z)',
      ]);
      expect(requests.every(r => r.query.get('token') === null)).toBe(true);
      expect(JSON.parse(cursor!).pairs[PAIR]).toEqual({
        since: '2026-11-01T04:41:02.019Z',
      });
    });

    it('steps over pages that share one updated_at with the page token', async () => {
      for (const e of fake.executions.get(PAIR)!) {
        e.closure!.updated_at = '2026-11-01T00:00:00Z';
      }
      const result = await createProvider({
        ...ONLY_PAIR,
        pageSize: 2,
      }).listRuns({});
      expect(result.hasMore).toBe(false);
      expect(new Set(result.runs.map(r => r.id)).size).toBe(5);
      expect(
        fake
          .requestsTo('GET', '/api/v1/executions/')
          .map(r => [r.query.get('filters'), r.query.get('token')]),
      ).toEqual([
        [null, null],
        ['gte(updated_at,2026-11-01T00:00:00.000Z)', null],
        ['gte(updated_at,2026-11-01T00:00:00.000Z)', '2'],
        ['gte(updated_at,2026-11-01T00:00:00.000Z)', '4'],
      ]);
    });

    it('polls every watched project/domain and starts over on a bad cursor', async () => {
      const provider = createProvider();
      const result = await provider.listRuns({ cursor: 'not json' });
      expect(result.runs).toHaveLength(5);
      expect(fake.requestsTo('GET', '/api/v1/executions/')).toHaveLength(9);
      expect(Object.keys(JSON.parse(result.cursor!).pairs)).toHaveLength(9);
    });

    it('limits the first poll to the initial lookback', async () => {
      // Only Date is faked: the HTTP calls need real timers.
      jest.useFakeTimers({
        now: new Date('2026-11-01T05:00:00Z'),
        doNotFake: [
          'hrtime',
          'nextTick',
          'performance',
          'queueMicrotask',
          'setImmediate',
          'clearImmediate',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ],
      });
      try {
        const result = await createProvider({
          ...ONLY_PAIR,
          initialLookbackMs: 7 * 86_400_000,
        }).listRuns({});
        expect(
          fake.requestsTo('GET', '/api/v1/executions/')[0].query.get('filters'),
        ).toBe('gte(updated_at,2026-10-25T05:00:00.000Z)');
        expect(result.runs.map(r => r.id)).toEqual([
          `${PAIR}/g4tq8zb2mrw6x1kc9d3v`,
          `${PAIR}/kx2m7q4vh9t1wz6c8bpn`,
        ]);
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('errors', () => {
    it('throws on a 500', async () => {
      fake.override = () => ({
        status: 500,
        body: '{"error":"db down","code":13,"message":"db down"}',
      });
      await expect(createProvider().listPipelines({})).rejects.toThrow(
        /GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/projects\?limit=100 answered 500 .*db down/,
      );
      await expect(createProvider(ONLY_PAIR).listRuns({})).rejects.toThrow(
        /answered 500/,
      );
    });

    it('throws on a timeout', async () => {
      fake.override = () => ({ delayMs: 1000, body: '{"projects":[]}' });
      await expect(
        createProvider({ timeoutMs: 100 }).listPipelines({}),
      ).rejects.toThrow(
        /\/api\/v1\/projects\?limit=100 failed: timed out after 100 ms/,
      );
    });

    it('throws on malformed JSON', async () => {
      fake.override = r =>
        r.path.startsWith('/api/v1/executions')
          ? { body: '<html>proxy error</html>' }
          : undefined;
      await expect(createProvider(ONLY_PAIR).listRuns({})).rejects.toThrow(
        /answered malformed JSON: <html>proxy error/,
      );
    });

    it('throws on a 401 and says what to check', async () => {
      fake.requiredToken = 'secret';
      await expect(createProvider().listPipelines({})).rejects.toThrow(
        /answered 401 .*authentication required.*refused the credentials: check the provider's token or clientCredentials; configured: none/,
      );
      await expect(
        createProvider({ token: 'wrong' }).listPipelines({}),
      ).rejects.toThrow(/401.*configured: token/);
    });

    it('rejects a non-http baseUrl', () => {
      expect(() => createProvider({ baseUrl: 'flyte.example.com' })).toThrow(
        /baseUrl must be an http\(s\) URL/,
      );
    });
  });

  describe('auth', () => {
    it('sends a static bearer token, in a custom header when configured', async () => {
      fake.requiredToken = 'secret';
      await createProvider({ ...ONLY_PAIR, token: 'secret' }).listPipelines({});
      expect(fake.requests[0].headers.authorization).toBe('Bearer secret');

      fake.requiredToken = undefined;
      await createProvider({
        ...ONLY_PAIR,
        token: 'secret',
        authorizationHeader: 'flyte-authorization',
      }).listRuns({});
      const last = fake.requests[fake.requests.length - 1];
      expect(last.headers['flyte-authorization']).toBe('Bearer secret');
    });

    it('gets and caches client-credentials tokens, discovering the endpoint', async () => {
      fake.requiredToken = 'minted';
      fake.clientCredentials = {
        clientId: 'tributary',
        clientSecret: 's3cret',
        token: 'minted',
      };
      const provider = createProvider({
        ...ONLY_PAIR,
        clientCredentials: {
          clientId: 'tributary',
          clientSecret: 's3cret',
          scope: 'all',
        },
      });
      await provider.listPipelines({});
      await provider.listRuns({});
      expect(fake.requestsTo('GET', '/.well-known/')).toHaveLength(1);
      const tokenRequests = fake.requestsTo('POST', '/oauth2/token');
      expect(tokenRequests).toHaveLength(1);
      expect(tokenRequests[0].headers['content-type']).toBe(
        'application/x-www-form-urlencoded',
      );
      expect(
        Object.fromEntries(new URLSearchParams(tokenRequests[0].rawBody)),
      ).toEqual({
        grant_type: 'client_credentials',
        scope: 'all',
      });

      await expect(
        createProvider({
          clientCredentials: {
            clientId: 'tributary',
            clientSecret: 'wrong',
            tokenUrl: `${fake.url}/oauth2/token`,
          },
        }).listPipelines({}),
      ).rejects.toThrow(
        /Flyte token request POST .*\/oauth2\/token answered 401/,
      );
    });
  });

  describe('triggerRun', () => {
    it('creates an execution of the active version with the kickoff time', async () => {
      const provider = createProvider({ overwriteCache: true });
      const { runId } = await provider.triggerRun({
        pipelineName: DAILY,
        partition: new Date('2026-10-15T03:00:00Z'),
      });

      expect(
        fake.requestsTo('GET', '/api/v1/active_launch_plans/')[0].path,
      ).toBe(
        '/api/v1/active_launch_plans/customer-analytics/production/ltv.workflows.daily_features_lp',
      );
      const [create] = fake.requestsTo('POST', '/api/v1/executions');
      const recorded = readFixture('create_execution_request.json');
      const body = create.body;
      expect(create.headers['content-type']).toBe('application/json');
      expect(body.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(body.name.length).toBeLessThanOrEqual(20);
      expect(runId).toBe(`${PAIR}/${body.name}`);
      expect(body).toEqual({
        project: recorded.project,
        domain: recorded.domain,
        name: body.name,
        spec: {
          launch_plan: recorded.spec.launch_plan,
          labels: { values: { 'tributary-partition': '2026-10-15T030000Z' } },
          annotations: {
            values: {
              'tributary-partition': '2026-10-15T03:00:00Z',
              'requested-by': 'backstage-tributary/flyte:test',
            },
          },
          overwrite_cache: true,
        },
        inputs: {
          literals: { kickoff_time: recorded.inputs.literals.kickoff_time },
        },
      });

      // the new execution is then reported with its partition
      const runs = byId((await createProvider(ONLY_PAIR).listRuns({})).runs);
      expect(runs[runId]).toMatchObject({
        pipelineName: DAILY,
        partition: new Date('2026-10-15T03:00:00Z'),
        state: 'queued',
        sourceState: 'UNDEFINED',
      });
    });

    it('writes a string partition into styx_parameter', async () => {
      await createProvider().triggerRun({
        pipelineName: WEEKLY,
        partition: new Date('2026-10-19T00:00:00Z'),
      });
      const [create] = fake.requestsTo('POST', '/api/v1/executions');
      expect(create.body.spec.launch_plan.version).toBe('v2026.10.30-7f3c2e1');
      expect(create.body.spec.overwrite_cache).toBeUndefined();
      expect(create.body.inputs).toEqual({
        literals: {
          styx_parameter: {
            scalar: { primitive: { string_value: '2026-10-19' } },
          },
        },
      });
      expect(create.body.spec.labels.values['tributary-partition']).toBe(
        '2026-10-19',
      );
    });

    it('uses a configured partition input and format', async () => {
      const launchPlans = fake.launchPlans.get(PAIR)!;
      for (const lp of launchPlans) {
        lp.closure!.expected_inputs!.parameters!.run_date = {
          var: { type: { simple: 'STRING' } },
        };
      }
      await createProvider({
        partitionInput: 'RUN_DATE',
        partitionFormat: 'month',
      }).triggerRun({
        pipelineName: DAILY,
        partition: new Date('2026-10-01T00:00:00Z'),
      });
      const [create] = fake.requestsTo('POST', '/api/v1/executions');
      expect(create.body.inputs.literals).toEqual({
        run_date: { scalar: { primitive: { string_value: '2026-10' } } },
      });
    });

    it('is idempotent while the execution runs and names a re-run anew', async () => {
      const provider = createProvider();
      const partition = new Date('2026-10-15T03:00:00Z');
      const first = await provider.triggerRun({
        pipelineName: DAILY,
        partition,
      });
      const again = await provider.triggerRun({
        pipelineName: DAILY,
        partition,
      });
      expect(again).toEqual(first);
      expect(fake.executions.get(PAIR)).toHaveLength(6);

      const name = first.runId.split('/')[2];
      fake.executions.get(PAIR)!.find(e => e.id.name === name)!.closure!.phase =
        'SUCCEEDED';
      const rerun = await provider.triggerRun({
        pipelineName: DAILY,
        partition,
      });
      expect(rerun.runId).toBe(`${first.runId}-2`);
      expect(fake.executions.get(PAIR)).toHaveLength(7);
      expect(
        fake.requestsTo('GET', `/api/v1/executions/${PAIR}/${name}`),
      ).toHaveLength(2);
    });

    it('falls back to the newest version when none is active', async () => {
      for (const lp of fake.launchPlans.get(PAIR)!) delete lp.closure!.state;
      await createProvider().triggerRun({
        pipelineName: DAILY,
        partition: new Date('2026-10-15T03:00:00Z'),
      });
      const latest = fake.requestsTo(
        'GET',
        `/api/v1/launch_plans/${PAIR}/ltv.workflows.daily_features_lp`,
      )[0];
      expect(latest.query.get('limit')).toBe('1');
      expect(latest.query.get('sort_by.direction')).toBe('DESCENDING');
      const [create] = fake.requestsTo('POST', '/api/v1/executions');
      expect(create.body.spec.launch_plan.version).toBe('v2026.10.30-7f3c2e1');
    });

    it('refuses unknown launch plans, bad names and missing inputs', async () => {
      const provider = createProvider();
      const partition = new Date('2026-10-15T00:00:00Z');
      await expect(
        provider.triggerRun({ pipelineName: `${PAIR}/nope`, partition }),
      ).rejects.toThrow(
        /no launch plan 'nope' in customer-analytics\/production/,
      );
      await expect(
        provider.triggerRun({ pipelineName: 'just-a-name', partition }),
      ).rejects.toThrow(/<project>\/<domain>\/<launch plan>/);
      await expect(
        createProvider({ partitionInput: 'ds' }).triggerRun({
          pipelineName: WEEKLY,
          partition,
        }),
      ).rejects.toThrow(
        /has no input for the partition: looked for ds among styx_parameter, lookback_weeks; set partitionInput/,
      );
      await expect(
        createProvider({ partitionInput: 'lookback_weeks' }).triggerRun({
          pipelineName: WEEKLY,
          partition,
        }),
      ).rejects.toThrow(/input 'lookback_weeks' is INTEGER/);
      expect(fake.requestsTo('POST', '/api/v1/executions')).toHaveLength(0);
    });
  });

  describe('terminateExecution', () => {
    it('sends DELETE with the id and cause in the body', async () => {
      const recorded = readFixture('terminate_execution_request.json');
      const result = await createProvider().terminateExecution(
        `${PAIR}/kx2m7q4vh9t1wz6c8bpn`,
        recorded.cause,
      );
      expect(result).toEqual({
        runId: `${PAIR}/kx2m7q4vh9t1wz6c8bpn`,
        alreadyTerminal: false,
      });
      const [request] = fake.requestsTo('DELETE', '/api/v1/executions/');
      expect(request.path).toBe(
        `/api/v1/executions/${PAIR}/kx2m7q4vh9t1wz6c8bpn`,
      );
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.body).toEqual(recorded);

      const runs = byId((await createProvider(ONLY_PAIR).listRuns({})).runs);
      expect(runs[`${PAIR}/kx2m7q4vh9t1wz6c8bpn`]).toMatchObject({
        state: 'aborted',
        sourceState: 'ABORTED',
        errorMessage: `Aborted by tributary: ${recorded.cause}`,
      });
    });

    it('accepts the provider-prefixed id and a default cause', async () => {
      await createProvider().terminateExecution(
        `flyte:test:${PAIR}/kx2m7q4vh9t1wz6c8bpn`,
      );
      expect(fake.requestsTo('DELETE', '/api/v1/executions/')[0].body).toEqual({
        id: {
          project: 'customer-analytics',
          domain: 'production',
          name: 'kx2m7q4vh9t1wz6c8bpn',
        },
        cause: 'Terminated by Tributary',
      });
    });

    it('leaves finished executions alone and throws on unknown ones', async () => {
      const provider = createProvider();
      await expect(
        provider.terminateExecution(`${PAIR}/g4tq8zb2mrw6x1kc9d3v`, 'stop'),
      ).resolves.toEqual({
        runId: `${PAIR}/g4tq8zb2mrw6x1kc9d3v`,
        alreadyTerminal: true,
      });
      await expect(
        provider.terminateExecution(`${PAIR}/nope`, 'stop'),
      ).rejects.toThrow(/answered 404/);
      await expect(provider.terminateExecution('nope', 'stop')).rejects.toThrow(
        /<project>\/<domain>\/<execution name>/,
      );
    });
  });

  describe('abortRun', () => {
    const RUNNING = `${PAIR}/kx2m7q4vh9t1wz6c8bpn`;
    const executionPath = (runId: string) => `/api/v1/executions/${runId}`;
    const phaseOf = (name: string) =>
      fake.executions.get(PAIR)!.find(e => e.id.name === name)!.closure;

    it('terminates the execution with the reason as its abort cause', async () => {
      const recorded = readFixture('terminate_execution_request.json');
      await expect(
        createProvider().abortRun({ runId: RUNNING, reason: recorded.cause }),
      ).resolves.toBeUndefined();

      expect(fake.requests.map(r => `${r.method} ${r.path}`)).toEqual([
        `DELETE ${executionPath(RUNNING)}`,
      ]);
      const [request] = fake.requests;
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.body).toEqual(recorded);

      const runs = byId((await createProvider(ONLY_PAIR).listRuns({})).runs);
      expect(runs[RUNNING]).toMatchObject({
        state: 'aborted',
        sourceState: 'ABORTED',
        errorMessage: `Aborted by tributary: ${recorded.cause}`,
      });
    });

    it('sends a default cause when the reason is blank', async () => {
      await createProvider().abortRun({ runId: RUNNING, reason: '  ' });
      expect(fake.requests[0].body.cause).toBe('Terminated by Tributary');
    });

    it('treats an execution that has already finished as nothing to abort', async () => {
      const provider = createProvider();
      const succeeded = `${PAIR}/g4tq8zb2mrw6x1kc9d3v`;
      const aborted = `${PAIR}/r8vd1n6kq3zx9wt2hm5c`;
      const abortedBefore = phaseOf('r8vd1n6kq3zx9wt2hm5c');

      await expect(
        provider.abortRun({ runId: succeeded, reason: 'backfill cancelled' }),
      ).resolves.toBeUndefined();
      await expect(
        provider.abortRun({ runId: aborted, reason: 'backfill cancelled' }),
      ).resolves.toBeUndefined();

      // FlyteAdmin refuses (FAILED_PRECONDITION), the provider reads the
      // execution, finds it terminal and leaves it as it is.
      expect(fake.requests.map(r => `${r.method} ${r.path}`)).toEqual([
        `DELETE ${executionPath(succeeded)}`,
        `GET ${executionPath(succeeded)}`,
        `DELETE ${executionPath(aborted)}`,
        `GET ${executionPath(aborted)}`,
      ]);
      expect(phaseOf('g4tq8zb2mrw6x1kc9d3v')?.phase).toBe('SUCCEEDED');
      expect(phaseOf('r8vd1n6kq3zx9wt2hm5c')).toEqual(abortedBefore);
    });

    it('says so when the execution does not exist', async () => {
      const error = await createProvider()
        .abortRun({ runId: `${PAIR}/nope`, reason: 'stop' })
        .catch(e => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toMatch(
        /^Flyte has no execution 'customer-analytics\/production\/nope' to abort: DELETE .* answered 404/,
      );
    });

    it('refuses run ids that do not name an execution, without a request', async () => {
      const provider = createProvider();
      for (const runId of ['nope', `${PAIR}/`, `${PAIR}/a/b`]) {
        await expect(
          provider.abortRun({ runId, reason: 'stop' }),
        ).rejects.toThrow(
          new InputError(
            `Flyte run ids are <project>/<domain>/<execution name>, got '${runId}'`,
          ),
        );
      }
      expect(fake.requests).toEqual([]);
    });

    it('throws naming the run when FlyteAdmin fails', async () => {
      fake.override = req =>
        req.method === 'DELETE'
          ? { status: 500, body: '{"error":"db down","code":13}' }
          : undefined;
      const error = await createProvider()
        .abortRun({ runId: RUNNING, reason: 'stop' })
        .catch(e => e);
      expect(error).toBeInstanceOf(SchedulerRequestError);
      expect(error.status).toBe(500);
      expect(error.message).toMatch(
        /^Could not abort Flyte execution 'customer-analytics\/production\/kx2m7q4vh9t1wz6c8bpn': DELETE http:\/\/127\.0\.0\.1:\d+\/api\/v1\/executions\/customer-analytics\/production\/kx2m7q4vh9t1wz6c8bpn answered 500/,
      );
    });

    it('throws on a refusal of an execution that is still running', async () => {
      fake.override = req =>
        req.method === 'DELETE'
          ? { status: 400, body: '{"error":"invalid cause","code":3}' }
          : undefined;
      const error = await createProvider()
        .abortRun({ runId: RUNNING, reason: 'stop' })
        .catch(e => e);
      expect(error).toBeInstanceOf(SchedulerRequestError);
      expect(error.status).toBe(400);
      expect(error.message).toContain('invalid cause');
      expect(phaseOf('kx2m7q4vh9t1wz6c8bpn')?.phase).toBe('RUNNING');
    });
  });

  describe('fromConfig', () => {
    it('creates one provider per instance', async () => {
      const config = new ConfigReader({
        pipelines: {
          providers: {
            flyte: [
              {
                id: 'prod',
                title: 'Flyte production',
                baseUrl: fake.url,
                consoleUrl: 'https://console.example.com/',
                schedule: {
                  frequency: { minutes: 2 },
                  timeout: { minutes: 1 },
                },
                owners: {
                  'customer-analytics/production/*weekly*': 'group:ltv',
                },
                owner: 'group:data',
                timeout: { seconds: 5 },
                projects: [
                  { project: 'customer-analytics', domain: 'production' },
                ],
                token: 't0ken',
              },
              {
                id: 'dev',
                baseUrl: 'http://flyte-dev.example.com',
                timeout: 2500,
                partitionFormat: 'hour',
                clientCredentials: { clientId: 'a', clientSecret: 'b' },
              },
            ],
          },
        },
      });
      const providers = FlyteProvider.fromConfig(config, {
        logger: mockServices.logger.mock(),
      });
      expect(providers.map(p => [p.id, p.title])).toEqual([
        ['flyte:prod', 'Flyte production'],
        ['flyte:dev', 'Flyte (dev)'],
      ]);
      expect(providers[0].schedule).toEqual({
        frequency: { minutes: 2 },
        timeout: { minutes: 1 },
      });
      expect(providers[1].schedule).toBeUndefined();

      const pipelines = await providers[0].listPipelines({});
      expect(pipelines.map(p => [p.name, p.owners, p.url])).toEqual([
        [
          DAILY,
          ['group:data'],
          'https://console.example.com/console/projects/customer-analytics/domains/production/launchPlans/ltv.workflows.daily_features_lp',
        ],
        [
          WEEKLY,
          ['group:ltv'],
          'https://console.example.com/console/projects/customer-analytics/domains/production/launchPlans/ltv.workflows.weekly_ltv_lp',
        ],
      ]);
      expect(fake.requests[0].headers.authorization).toBe('Bearer t0ken');
    });

    it('reads no instances when none are configured and rejects bad formats', () => {
      expect(
        FlyteProvider.fromConfig(new ConfigReader({}), {
          logger: mockServices.logger.mock(),
        }),
      ).toEqual([]);
      expect(() =>
        FlyteProvider.fromConfig(
          new ConfigReader({
            pipelines: {
              providers: {
                flyte: [
                  { id: 'x', baseUrl: 'http://x', partitionFormat: 'weekly' },
                ],
              },
            },
          }),
          { logger: mockServices.logger.mock() },
        ),
      ).toThrow(/partitionFormat must be one of/);
    });
  });
});
