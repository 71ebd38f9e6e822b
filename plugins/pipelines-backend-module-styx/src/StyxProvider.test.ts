import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ProviderRun,
  SchedulerRequestError,
} from '@tributary/plugin-pipelines-node';
import {
  FakeStyxServer,
  fixtureWorld,
  instance,
  loadFixture,
} from './__testUtils__/FakeStyxServer';
import { StyxProvider, StyxProviderOptions } from './StyxProvider';

const NOW = new Date('2026-11-01T05:00:00Z');
const DAILY = 'analytics-pipelines/daily-orders-rollup';
const API = '/api/v3';
const DAILY_API = `${API}/workflows/analytics-pipelines/daily-orders-rollup`;

describe('StyxProvider', () => {
  let styx: FakeStyxServer;

  beforeEach(async () => {
    styx = await FakeStyxServer.start();
  });

  afterEach(async () => {
    await styx.close();
  });

  function provider(options: Partial<StyxProviderOptions> = {}) {
    return StyxProvider.create({
      id: 'test',
      baseUrl: styx.url,
      logger: mockServices.logger.mock(),
      now: () => NOW,
      ...options,
    });
  }

  const byId = (runs: ProviderRun[]) =>
    Object.fromEntries(runs.map(run => [run.id, run]));

  describe('identity', () => {
    it('names itself and its capabilities', () => {
      const p = provider({ title: 'Styx (prod)' });
      expect(p.id).toBe('styx:test');
      expect(p.type).toBe('styx');
      expect(p.title).toBe('Styx (prod)');
      expect(p.capabilities).toEqual({
        triggerRun: true,
        nativeBackfill: true,
        taskDependencies: false,
      });
      expect(provider().title).toBe('Styx test');
    });
  });

  describe('listPipelines', () => {
    it('lists workflows with schedules, owners and paused state', async () => {
      const pipelines = await provider().listPipelines({});
      expect(styx.requestLines()).toEqual([`GET ${API}/workflows?full=true`]);
      expect(pipelines).toEqual([
        {
          name: 'analytics-pipelines/daily-orders-rollup',
          title: 'daily-orders-rollup',
          description:
            'Docker image eu.gcr.io/acme-data/orders-rollup:2026.10.28-3f9c2a7; offset P1DT2H; running timeout 2h; deployed from acme-data/orders-rollup',
          schedule: 'days',
          owners: ['analytics-pipelines'],
          paused: false,
        },
        {
          name: 'analytics-pipelines/hourly-events-ingest',
          title: 'hourly-events-ingest',
          description:
            'Docker image eu.gcr.io/acme-data/events-ingest:1.14.2; running timeout 45m',
          schedule: 'hours',
          owners: ['analytics-pipelines'],
          paused: false,
        },
        {
          name: 'analytics-pipelines/weekly-customer-ltv',
          title: 'weekly-customer-ltv',
          description:
            'Flyte launch plan customer-analytics/production/ltv.workflows.weekly_ltv_lp (v2026.10.30-7f3c2e1); running timeout 6h; deployed from acme-data/customer-ltv',
          schedule: 'weeks',
          owners: ['analytics-pipelines'],
          paused: false,
        },
        {
          name: 'marketing-etl/campaign-attribution',
          title: 'campaign-attribution',
          description:
            'Docker image eu.gcr.io/acme-marketing/attribution:0.9.0',
          schedule: '0 6 * * *',
          owners: ['marketing-etl'],
          paused: true,
        },
      ]);
    });

    it('accepts ISO durations and string booleans, as the .apib shows them', async () => {
      const [daily] = styx.world.workflowsFull;
      daily.workflow.configuration.running_timeout = 'PT2H';
      daily.state.enabled = 'false';
      const [pipeline] = await provider().listPipelines({});
      expect(pipeline.description).toContain('running timeout 2h');
      expect(pipeline.paused).toBe(true);
    });

    it('accepts a Styx that answers bare workflows to ?full=true', async () => {
      styx.route('GET', /^\/api\/v3\/workflows$/, () => ({
        body: loadFixture('get_workflows.json'),
      }));
      const pipelines = await provider().listPipelines({});
      expect(pipelines.map(p => [p.name, p.paused])).toEqual([
        ['analytics-pipelines/daily-orders-rollup', undefined],
        ['analytics-pipelines/hourly-events-ingest', undefined],
        ['analytics-pipelines/weekly-customer-ltv', undefined],
        ['marketing-etl/campaign-attribution', undefined],
      ]);
    });
  });

  describe('listRuns', () => {
    it('reads every instance and the active ones on the first poll', async () => {
      const result = await provider().listRuns({});

      expect(styx.requestLines().sort()).toEqual(
        [
          `GET ${API}/workflows`,
          `GET ${API}/status/activeStates`,
          `GET ${DAILY_API}/instances?limit=168`,
          `GET ${API}/workflows/analytics-pipelines/hourly-events-ingest/instances?limit=168`,
          `GET ${API}/workflows/analytics-pipelines/weekly-customer-ltv/instances?limit=168`,
          `GET ${API}/workflows/marketing-etl/campaign-attribution/instances?limit=168`,
        ].sort(),
      );
      expect(result.hasMore).toBe(false);
      const runs = byId(result.runs);
      expect(Object.keys(runs).sort()).toEqual([
        'analytics-pipelines#daily-orders-rollup#2026-10-03',
        'analytics-pipelines#daily-orders-rollup#2026-10-04',
        'analytics-pipelines#daily-orders-rollup#2026-10-27',
        'analytics-pipelines#daily-orders-rollup#2026-10-28',
        'analytics-pipelines#daily-orders-rollup#2026-10-29',
        'analytics-pipelines#daily-orders-rollup#2026-10-30',
        'analytics-pipelines#daily-orders-rollup#2026-10-31',
        'analytics-pipelines#hourly-events-ingest#2026-11-01T03',
        'analytics-pipelines#hourly-events-ingest#2026-11-01T04',
        'analytics-pipelines#weekly-customer-ltv#2026-10-19',
        'marketing-etl#campaign-attribution#2026-10-30T06:00Z',
      ]);

      // Normalized and source states, attempts, errors.
      const summary = result.runs
        .map(r => [
          r.id.split('#').slice(1).join(' '),
          r.state,
          r.sourceState,
          r.attempt,
          r.errorMessage,
        ])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect(summary).toEqual([
        [
          'campaign-attribution 2026-10-30T06:00Z',
          'aborted',
          'HALTED',
          1,
          'Halted',
        ],
        ['daily-orders-rollup 2026-10-03', 'running', 'RUNNING', 1, undefined],
        [
          'daily-orders-rollup 2026-10-04',
          'queued',
          'QUEUED',
          undefined,
          undefined,
        ],
        [
          'daily-orders-rollup 2026-10-27',
          'succeeded',
          'SUCCESS',
          1,
          undefined,
        ],
        [
          'daily-orders-rollup 2026-10-28',
          'succeeded',
          'SUCCESS',
          2,
          undefined,
        ],
        [
          'daily-orders-rollup 2026-10-29',
          'succeeded',
          'SUCCESS',
          2,
          undefined,
        ],
        [
          'daily-orders-rollup 2026-10-30',
          'failed',
          'FAILED',
          3,
          'Exit code: 1',
        ],
        ['daily-orders-rollup 2026-10-31', 'running', 'STARTED', 2, undefined],
        [
          'hourly-events-ingest 2026-11-01T03',
          'succeeded',
          'SUCCESS',
          1,
          undefined,
        ],
        [
          'hourly-events-ingest 2026-11-01T04',
          'failed',
          'TIMEOUT',
          1,
          'Timed out after running_timeout of 45m',
        ],
        [
          'weekly-customer-ltv 2026-10-19',
          'succeeded',
          'SUCCESS',
          1,
          undefined,
        ],
      ]);

      // Partitions in each parameter form.
      const partition = (id: string) => [
        runs[id].partition?.toISOString(),
        runs[id].partitionEnd?.toISOString(),
      ];
      expect(
        partition('analytics-pipelines#daily-orders-rollup#2026-10-30'),
      ).toEqual(['2026-10-30T00:00:00.000Z', '2026-10-31T00:00:00.000Z']);
      expect(
        partition('analytics-pipelines#hourly-events-ingest#2026-11-01T04'),
      ).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-01T05:00:00.000Z']);
      expect(
        partition('analytics-pipelines#weekly-customer-ltv#2026-10-19'),
      ).toEqual(['2026-10-19T00:00:00.000Z', '2026-10-26T00:00:00.000Z']);
      expect(
        partition('marketing-etl#campaign-attribution#2026-10-30T06:00Z'),
      ).toEqual(['2026-10-30T06:00:00.000Z', undefined]);

      // Times.
      expect(
        runs['analytics-pipelines#daily-orders-rollup#2026-10-30'],
      ).toMatchObject({
        pipelineName: DAILY,
        queuedAt: new Date('2026-10-31T02:00:00.402Z'),
        startedAt: new Date('2026-10-31T02:00:18.420Z'),
        endedAt: new Date('2026-10-31T02:40:33.512Z'),
      });
      expect(
        runs['analytics-pipelines#daily-orders-rollup#2026-10-31'].endedAt,
      ).toBeUndefined();

      // Where to read on from, and the backfill's active instances to watch.
      expect(JSON.parse(result.cursor!)).toEqual({
        v: 1,
        offsets: {
          [DAILY]: '2026-10-31',
          'analytics-pipelines/hourly-events-ingest': '2026-11-01T04',
          'analytics-pipelines/weekly-customer-ltv': '2026-10-19',
          'marketing-etl/campaign-attribution': '2026-10-30T06:00Z',
        },
        watch: [
          'analytics-pipelines#daily-orders-rollup#2026-10-03',
          'analytics-pipelines#daily-orders-rollup#2026-10-04',
        ],
      });
    });

    it('asks only for changes on the next poll, and follows watched instances to their end', async () => {
      const p = provider();
      const first = await p.listRuns({});
      styx.clearRequests();

      // Meanwhile: the backfill's partitions finished, the retry of
      // 2026-10-31 succeeded and a new hour ran.
      const world = styx.world;
      world.activeStates = [];
      const daily = world.instances[DAILY];
      daily.push(
        instance('analytics-pipelines', 'daily-orders-rollup', '2026-10-03', [
          ['2026-11-01T03:12:05.000Z', 'SUBMITTED'],
          ['2026-11-01T03:12:20.000Z', 'STARTED'],
          ['2026-11-01T05:01:00.000Z', 'SUCCESS'],
        ]),
        instance('analytics-pipelines', 'daily-orders-rollup', '2026-10-04', [
          ['2026-11-01T05:00:05.000Z', 'SUBMITTED'],
          ['2026-11-01T05:00:20.000Z', 'STARTED'],
          ['2026-11-01T05:03:00.000Z', 'FAILED', 'Exit code: 2'],
        ]),
      );
      const retry = daily.find(
        i => i.workflow_instance.parameter === '2026-10-31',
      )!;
      retry.triggers![0].complete = true;
      retry.triggers![0].executions![1].statuses!.push({
        timestamp: '2026-11-01T05:02:00.000Z',
        status: 'SUCCESS',
        message: null,
      });
      world.instances['analytics-pipelines/hourly-events-ingest'].push(
        instance(
          'analytics-pipelines',
          'hourly-events-ingest',
          '2026-11-01T05',
          [['2026-11-01T06:00:02.000Z', 'SUBMITTED']],
          false,
        ),
      );

      const second = await p.listRuns({ cursor: first.cursor });
      expect(styx.requestLines().sort()).toEqual(
        [
          `GET ${API}/workflows`,
          `GET ${API}/status/activeStates`,
          `GET ${DAILY_API}/instances?offset=2026-10-31&limit=168`,
          `GET ${API}/workflows/analytics-pipelines/hourly-events-ingest/instances?offset=2026-11-01T04&limit=168`,
          `GET ${API}/workflows/analytics-pipelines/weekly-customer-ltv/instances?offset=2026-10-19&limit=168`,
          `GET ${API}/workflows/marketing-etl/campaign-attribution/instances?offset=2026-10-30T06%3A00Z&limit=168`,
          `GET ${DAILY_API}/instances/2026-10-03`,
          `GET ${DAILY_API}/instances/2026-10-04`,
        ].sort(),
      );
      expect(second.runs.map(r => `${r.id} ${r.state}`).sort()).toEqual([
        'analytics-pipelines#daily-orders-rollup#2026-10-03 succeeded',
        'analytics-pipelines#daily-orders-rollup#2026-10-04 failed',
        'analytics-pipelines#daily-orders-rollup#2026-10-31 succeeded',
        'analytics-pipelines#hourly-events-ingest#2026-11-01T04 failed',
        'analytics-pipelines#hourly-events-ingest#2026-11-01T05 queued',
        'analytics-pipelines#weekly-customer-ltv#2026-10-19 succeeded',
        'marketing-etl#campaign-attribution#2026-10-30T06:00Z aborted',
      ]);
      expect(
        byId(second.runs)['analytics-pipelines#daily-orders-rollup#2026-10-04']
          .errorMessage,
      ).toBe('Exit code: 2');
      const cursor = JSON.parse(second.cursor!);
      // 2026-11-01T05 is not in the future at 05:00, so the offset moves on.
      expect(cursor.offsets['analytics-pipelines/hourly-events-ingest']).toBe(
        '2026-11-01T05',
      );
      expect(cursor.watch).toEqual([]);

      // Nothing watched any more: no more single-instance reads.
      styx.clearRequests();
      await p.listRuns({ cursor: second.cursor });
      expect(
        styx.requestLines().filter(l => l.includes('/instances/')),
      ).toEqual([]);
    });

    it('pages through long histories, reading only the unfinished workflows', async () => {
      const p = provider({ pageSize: 3 });
      const seen = new Set<string>();

      const first = await p.listRuns({});
      first.runs.forEach(r => seen.add(r.id));
      expect(first.hasMore).toBe(true);
      expect(JSON.parse(first.cursor!).more).toEqual([DAILY]);
      expect(styx.requestLines()).toContain(
        `GET ${DAILY_API}/instances?limit=3`,
      );

      styx.clearRequests();
      const second = await p.listRuns({ cursor: first.cursor });
      second.runs.forEach(r => seen.add(r.id));
      // Only the workflow with more pages; the offset is inclusive.
      expect(styx.requestLines()).toEqual([
        `GET ${API}/workflows`,
        `GET ${DAILY_API}/instances?offset=2026-10-29&limit=3`,
      ]);
      expect(second.hasMore).toBe(true);

      styx.clearRequests();
      const third = await p.listRuns({ cursor: second.cursor });
      third.runs.forEach(r => seen.add(r.id));
      expect(styx.requestLines()).toEqual([
        `GET ${API}/workflows`,
        `GET ${DAILY_API}/instances?offset=2026-10-31&limit=3`,
      ]);
      expect(third.hasMore).toBe(false);
      expect(JSON.parse(third.cursor!)).toMatchObject({
        offsets: { [DAILY]: '2026-10-31' },
        // Kept from the first call of the poll.
        watch: [
          'analytics-pipelines#daily-orders-rollup#2026-10-03',
          'analytics-pipelines#daily-orders-rollup#2026-10-04',
        ],
      });
      expect(JSON.parse(third.cursor!).more).toBeUndefined();
      expect(seen.size).toBe(11);
    });

    it('does not move its offset onto a future partition', async () => {
      styx.world.instances[DAILY].push(
        instance('analytics-pipelines', 'daily-orders-rollup', '2026-12-01', [
          ['2026-11-01T04:00:00.000Z', 'SUBMITTED'],
          ['2026-11-01T04:00:10.000Z', 'STARTED'],
          ['2026-11-01T04:05:00.000Z', 'SUCCESS'],
        ]),
      );
      const result = await provider().listRuns({});
      expect(
        byId(result.runs)['analytics-pipelines#daily-orders-rollup#2026-12-01'],
      ).toBeDefined();
      expect(JSON.parse(result.cursor!).offsets[DAILY]).toBe('2026-10-31');
    });

    it('watches unfinished instances below the offset', async () => {
      const older = styx.world.instances[DAILY].find(
        i => i.workflow_instance.parameter === '2026-10-28',
      )!;
      older.triggers!.push({
        trigger_id: 'ad-hoc-cli-1793500000000-12345',
        timestamp: '2026-11-01T04:50:00.000Z',
        complete: false,
        executions: [],
      });
      const result = await provider().listRuns({});
      expect(
        byId(result.runs)['analytics-pipelines#daily-orders-rollup#2026-10-28'],
      ).toMatchObject({
        state: 'queued',
        sourceState: 'QUEUED',
      });
      expect(JSON.parse(result.cursor!).watch).toContain(
        'analytics-pipelines#daily-orders-rollup#2026-10-28',
      );
    });

    it('reads only partitions within the initial lookback without a cursor', async () => {
      await provider({ initialLookbackMs: 2 * 86_400_000 }).listRuns({});
      expect(styx.requestLines()).toEqual(
        expect.arrayContaining([
          `GET ${DAILY_API}/instances?offset=2026-10-30&limit=168`,
          `GET ${API}/workflows/analytics-pipelines/hourly-events-ingest/instances?offset=2026-10-30T05&limit=168`,
          `GET ${API}/workflows/marketing-etl/campaign-attribution/instances?offset=2026-10-30T05%3A00Z&limit=168`,
        ]),
      );
    });

    it('starts over on an unreadable cursor', async () => {
      const logger = mockServices.logger.mock();
      const result = await provider({ logger }).listRuns({ cursor: 'garbage' });
      expect(result.runs).toHaveLength(11);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('Ignoring unreadable poll cursor of styx:test'),
      );
    });

    it('forgets offsets of deleted workflows', async () => {
      const cursor = JSON.stringify({
        v: 1,
        offsets: { 'gone/workflow': '2026-01-01', [DAILY]: '2026-10-30' },
        watch: [],
      });
      const result = await provider().listRuns({ cursor });
      expect(Object.keys(JSON.parse(result.cursor!).offsets)).not.toContain(
        'gone/workflow',
      );
      expect(styx.requestLines()).toContain(
        `GET ${DAILY_API}/instances?offset=2026-10-30&limit=168`,
      );
    });
  });

  describe('errors', () => {
    it('throws on a 500', async () => {
      styx.route('GET', /^\/api\/v3\/workflows$/, () => ({
        status: 500,
        reason: 'Internal Server Error',
        raw: 'boom',
      }));
      await expect(provider().listPipelines({})).rejects.toThrow(
        `GET ${styx.url}/api/v3/workflows?full=true answered 500 Internal Server Error: boom`,
      );
      await expect(provider().listRuns({})).rejects.toThrow(/answered 500/);
    });

    it('throws on a timeout', async () => {
      styx.route('GET', /^\/api\/v3\/status\/activeStates$/, () => ({
        body: { active_states: [] },
        delayMs: 1000,
      }));
      await expect(provider({ timeoutMs: 100 }).listRuns({})).rejects.toThrow(
        `GET ${styx.url}/api/v3/status/activeStates failed: timed out after 100 ms`,
      );
    });

    it('throws on malformed JSON', async () => {
      styx.route('GET', /instances$/, () => ({
        raw: '[{"workflow_instance":',
      }));
      await expect(provider().listRuns({})).rejects.toThrow(
        /instances\?limit=168 answered malformed JSON: \[\{"workflow_instance":/,
      );
    });

    it('throws on a 401, with the reason phrase Styx sends', async () => {
      styx.route('GET', /^\/api\/v3\/workflows$/, () => ({
        status: 401,
        reason: 'Unauthorized',
      }));
      const error = await provider()
        .listPipelines({})
        .catch(e => e);
      expect(error).toBeInstanceOf(SchedulerRequestError);
      expect(error.status).toBe(401);
      expect(error.message).toBe(
        `GET ${styx.url}/api/v3/workflows?full=true answered 401 Unauthorized: `,
      );
    });

    it('throws when a list is not a list', async () => {
      styx.route('GET', /^\/api\/v3\/workflows$/, () => ({
        body: { oops: 1 },
      }));
      await expect(provider().listPipelines({})).rejects.toThrow(
        'answered something other than a list',
      );
    });
  });

  describe('auth', () => {
    it('sends the bearer token with every request when configured', async () => {
      const p = provider({ token: 'secret-token' });
      await p.listPipelines({});
      await p.listRuns({});
      await p.getBackfill('backfill-1793502720512-04817');
      expect(styx.requests.length).toBeGreaterThan(5);
      expect(new Set(styx.requests.map(r => r.headers.authorization))).toEqual(
        new Set(['Bearer secret-token']),
      );
    });

    it('sends no Authorization header without a token', async () => {
      await provider().listPipelines({});
      expect(styx.requests[0].headers.authorization).toBeUndefined();
    });

    it.each([[`/api/v3`], [`/api/v3/`], [`/api`], [`/`]])(
      'accepts a base URL ending in %s',
      async suffix => {
        await provider({ baseUrl: `${styx.url}${suffix}` }).listPipelines({});
        expect(styx.requestLines()).toEqual([`GET ${API}/workflows?full=true`]);
      },
    );
  });

  describe('triggerRun', () => {
    it('triggers the partition as its parameter', async () => {
      const result = await provider({ token: 't' }).triggerRun({
        pipelineName: 'analytics-pipelines/hourly-events-ingest',
        partition: new Date('2026-11-01T03:00:00Z'),
      });
      expect(result).toEqual({
        runId: 'analytics-pipelines#hourly-events-ingest#2026-11-01T03',
      });
      const post = styx.requests.find(r => r.method === 'POST')!;
      expect(post.path).toBe(`${API}/scheduler/trigger`);
      expect(post.headers.authorization).toBe('Bearer t');
      expect(post.body).toEqual({
        workflow_id: {
          component_id: 'analytics-pipelines',
          id: 'hourly-events-ingest',
        },
        parameter: '2026-11-01T03',
      });
    });

    it('formats cron partitions as the full instant', async () => {
      const result = await provider().triggerRun({
        pipelineName: 'marketing-etl/campaign-attribution',
        partition: new Date('2026-10-31T06:00:00Z'),
      });
      expect(result.runId).toBe(
        'marketing-etl#campaign-attribution#2026-10-31T06:00Z',
      );
    });

    it('refuses partitions off the schedule and unknown pipelines', async () => {
      await expect(
        provider().triggerRun({
          pipelineName: DAILY,
          partition: new Date('2026-10-31T05:00:00Z'),
        }),
      ).rejects.toThrow(InputError);
      await expect(
        provider().triggerRun({
          pipelineName: 'analytics-pipelines/nope',
          partition: new Date('2026-10-31T00:00:00Z'),
        }),
      ).rejects.toThrow(NotFoundError);
      await expect(
        provider().triggerRun({ pipelineName: 'no-slash', partition: NOW }),
      ).rejects.toThrow(InputError);
      expect(styx.requests.filter(r => r.method === 'POST')).toEqual([]);
    });

    it('passes on a conflict', async () => {
      styx.route('POST', /trigger$/, () => ({
        status: 409,
        reason: 'This workflow instance is already active',
      }));
      await expect(
        provider().triggerRun({
          pipelineName: DAILY,
          partition: new Date('2026-10-31T00:00:00Z'),
        }),
      ).rejects.toThrow(ConflictError);
    });
  });

  describe('backfills', () => {
    const request = {
      pipelineName: DAILY,
      start: new Date('2026-10-01T00:00:00Z'),
      end: new Date('2026-10-08T00:00:00Z'),
      concurrency: 2,
      order: 'oldest' as const,
    };

    it('creates a backfill with start inclusive and end exclusive, like ours', async () => {
      const status = await provider({ token: 'tok' }).createBackfill(request);

      const posts = styx.requests.filter(r => r.method === 'POST');
      expect(posts).toHaveLength(1);
      expect(posts[0].path).toBe(`${API}/backfills`);
      expect(posts[0].query).toEqual({});
      expect(posts[0].headers.authorization).toBe('Bearer tok');
      expect(posts[0].headers['content-type']).toBe('application/json');
      // The recorded request, but with our description and no trigger parameters.
      const { trigger_parameters: _unused, ...recorded } = loadFixture(
        'post_backfill_request.json',
      );
      expect(posts[0].body).toEqual({
        ...recorded,
        description: 'Requested through Tributary',
      });
      expect(posts[0].body).toEqual({
        component: 'analytics-pipelines',
        workflow: 'daily-orders-rollup',
        start: '2026-10-01T00:00:00Z',
        end: '2026-10-08T00:00:00Z',
        concurrency: 2,
        reverse: false,
        description: 'Requested through Tributary',
      });
      expect(status).toEqual({
        id: 'backfill-1793502720512-04817',
        state: 'queued',
        completed: 0,
        total: 7,
      });
    });

    it("maps order 'newest' to reverse", async () => {
      styx.world.createdBackfill = {
        ...styx.world.createdBackfill,
        reverse: true,
        next_trigger: '2026-10-07T00:00:00Z',
      };
      const status = await provider().createBackfill({
        ...request,
        order: 'newest',
      });
      const post = styx.requests.find(r => r.method === 'POST')!;
      expect(post.body).toMatchObject({ reverse: true, concurrency: 2 });
      expect(status.state).toBe('queued');
    });

    it('refuses bad ranges before asking Styx', async () => {
      const p = provider();
      await expect(
        p.createBackfill({
          ...request,
          start: new Date('2026-10-01T03:00:00Z'),
        }),
      ).rejects.toThrow(
        "Backfill start 2026-10-01T03:00:00Z is not a partition boundary of analytics-pipelines/daily-orders-rollup, which runs on the 'days' schedule",
      );
      await expect(
        p.createBackfill({ ...request, end: request.start }),
      ).rejects.toThrow('must be before its end');
      await expect(
        p.createBackfill({ ...request, concurrency: 0 }),
      ).rejects.toThrow(InputError);
      await expect(
        p.createBackfill({
          ...request,
          partitions: [
            new Date('2026-10-01T00:00:00Z'),
            new Date('2026-10-03T00:00:00Z'),
          ],
        }),
      ).rejects.toThrow('cannot backfill a selection of partitions');
      await expect(
        p.createBackfill({
          ...request,
          pipelineName: 'analytics-pipelines/nope',
        }),
      ).rejects.toThrow(NotFoundError);
      expect(styx.requests.filter(r => r.method === 'POST')).toEqual([]);
    });

    it('accepts a partition list that is the whole range', async () => {
      const partitions = Array.from(
        { length: 7 },
        (_, i) => new Date(Date.UTC(2026, 9, 1 + i)),
      );
      await expect(
        provider().createBackfill({ ...request, partitions }),
      ).resolves.toMatchObject({ id: 'backfill-1793502720512-04817' });
    });

    it("passes on Styx's refusals with its reason", async () => {
      styx.route('POST', /backfills$/, () => ({
        status: 409,
        reason: 'these partitions are already active: 2026-10-03, 2026-10-04',
      }));
      const error = await provider()
        .createBackfill(request)
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toContain(
        '409 these partitions are already active: 2026-10-03, 2026-10-04',
      );

      styx.route('POST', /backfills$/, () => ({
        status: 400,
        reason: 'Cannot backfill future partitions',
      }));
      await expect(provider().createBackfill(request)).rejects.toThrow(
        InputError,
      );
    });

    it('reports progress from the partition states', async () => {
      const status = await provider().getBackfill(
        'backfill-1793502720512-04817',
      );
      expect(styx.requestLines()).toEqual([
        `GET ${API}/backfills/backfill-1793502720512-04817?status=true`,
      ]);
      // Two DONE, one RUNNING, one QUEUED, three WAITING.
      expect(status).toEqual({
        id: 'backfill-1793502720512-04817',
        state: 'running',
        completed: 2,
        total: 7,
      });
    });

    it('reports the end of a backfill', async () => {
      const payload = styx.world.backfills['backfill-1793502720512-04817'];
      payload.backfill.all_triggered = true;
      payload.backfill.next_trigger = payload.backfill.end;
      for (const partition of payload.statuses!.active_states!) {
        partition.state = 'DONE';
      }
      await expect(
        provider().getBackfill('backfill-1793502720512-04817'),
      ).resolves.toMatchObject({ state: 'succeeded', completed: 7, total: 7 });

      payload.statuses!.active_states![4].state = 'ERROR';
      await expect(
        provider().getBackfill('backfill-1793502720512-04817'),
      ).resolves.toMatchObject({ state: 'failed', completed: 7, total: 7 });
    });

    it('cancels by halting the backfill', async () => {
      const status = await provider({ token: 'tok' }).cancelBackfill(
        'backfill-1793502720512-04817',
      );
      expect(styx.requestLines()).toEqual([
        `GET ${API}/backfills/backfill-1793502720512-04817?status=true`,
        `DELETE ${API}/backfills/backfill-1793502720512-04817`,
        `GET ${API}/backfills/backfill-1793502720512-04817?status=true`,
      ]);
      expect(styx.requests[1].headers.authorization).toBe('Bearer tok');
      expect(styx.requests[1].body).toBeUndefined();
      expect(
        styx.world.backfills['backfill-1793502720512-04817'].backfill.halted,
      ).toBe(true);
      expect(status).toEqual({
        id: 'backfill-1793502720512-04817',
        state: 'cancelled',
        completed: 2,
        total: 7,
      });
    });

    it('leaves a backfill whose partitions have all finished as it is', async () => {
      const payload = styx.world.backfills['backfill-1793502720512-04817'];
      payload.backfill.all_triggered = true;
      payload.backfill.next_trigger = payload.backfill.end;
      for (const partition of payload.statuses!.active_states!) {
        partition.state = 'DONE';
      }
      await expect(
        provider().cancelBackfill('backfill-1793502720512-04817'),
      ).resolves.toEqual({
        id: 'backfill-1793502720512-04817',
        state: 'succeeded',
        completed: 7,
        total: 7,
      });

      payload.statuses!.active_states![4].state = 'ERROR';
      await expect(
        provider().cancelBackfill('backfill-1793502720512-04817'),
      ).resolves.toMatchObject({ state: 'failed', completed: 7, total: 7 });

      // Halting would only have marked the finished backfill as halted.
      expect(styx.requests.map(r => r.method)).toEqual(['GET', 'GET']);
      expect(payload.backfill.halted).toBe(false);
    });

    it('says when a backfill does not exist', async () => {
      await expect(provider().getBackfill('backfill-0-00000')).rejects.toThrow(
        NotFoundError,
      );
      await expect(
        provider().cancelBackfill('backfill-0-00000'),
      ).rejects.toThrow('404 backfill not found');
    });
  });

  describe('abortRun', () => {
    const RUNNING = 'analytics-pipelines#daily-orders-rollup#2026-10-03';
    const activeParameters = () =>
      styx.world.activeStates.map(state => state.workflow_instance.parameter);

    it('halts the workflow instance the run id names', async () => {
      const logger = mockServices.logger.mock();
      await expect(
        provider({ token: 'tok', logger }).abortRun({
          runId: RUNNING,
          reason: 'Backfill 12 was cancelled',
        }),
      ).resolves.toBeUndefined();

      expect(styx.requestLines()).toEqual([`POST ${API}/scheduler/halt`]);
      const [halt] = styx.requests;
      expect(halt.headers.authorization).toBe('Bearer tok');
      expect(halt.headers['content-type']).toBe('application/json');
      expect(halt.body).toEqual({
        workflow_id: {
          component_id: 'analytics-pipelines',
          id: 'daily-orders-rollup',
        },
        parameter: '2026-10-03',
      });
      expect(activeParameters()).toEqual(['2026-10-04']);
      expect(logger.info).toHaveBeenCalledWith(
        `Halted Styx workflow instance ${RUNNING}: Backfill 12 was cancelled`,
      );
    });

    it('halts the instance triggerRun started', async () => {
      const p = provider();
      const { runId } = await p.triggerRun({
        pipelineName: 'analytics-pipelines/hourly-events-ingest',
        partition: new Date('2026-11-01T03:00:00Z'),
      });
      styx.world.activeStates.push({
        workflow_instance: {
          workflow_id: {
            component_id: 'analytics-pipelines',
            id: 'hourly-events-ingest',
          },
          parameter: '2026-11-01T03',
        },
        state: 'QUEUED',
      });
      await p.abortRun({ runId, reason: 'stop' });
      expect(styx.requests[styx.requests.length - 1].body).toEqual({
        workflow_id: {
          component_id: 'analytics-pipelines',
          id: 'hourly-events-ingest',
        },
        parameter: '2026-11-01T03',
      });
      expect(activeParameters()).toEqual(['2026-10-03', '2026-10-04']);
    });

    it('treats an instance that is no longer active as nothing to halt', async () => {
      await expect(
        provider().abortRun({
          runId: 'analytics-pipelines#daily-orders-rollup#2026-10-01',
          reason: 'stop',
        }),
      ).resolves.toBeUndefined();
      // Styx refuses (400); the live states confirm the instance has ended.
      expect(styx.requestLines()).toEqual([
        `POST ${API}/scheduler/halt`,
        `GET ${API}/status/activeStates?component=analytics-pipelines&workflow=daily-orders-rollup`,
      ]);
      expect(activeParameters()).toEqual(['2026-10-03', '2026-10-04']);
    });

    it('accepts a Styx that answers 200 for an instance that is not active', async () => {
      styx.route('POST', /scheduler\/halt$/, req => ({ body: req.body }));
      await expect(
        provider().abortRun({
          runId: 'analytics-pipelines#daily-orders-rollup#2026-10-01',
          reason: 'stop',
        }),
      ).resolves.toBeUndefined();
      expect(styx.requestLines()).toEqual([`POST ${API}/scheduler/halt`]);
    });

    it('throws when Styx refuses to halt an instance that is still active', async () => {
      styx.route('POST', /scheduler\/halt$/, () => ({
        status: 400,
        reason: 'Illegal state transition',
      }));
      const error = await provider()
        .abortRun({ runId: RUNNING, reason: 'stop' })
        .catch(e => e);
      expect(error).toBeInstanceOf(SchedulerRequestError);
      expect(error.status).toBe(400);
      expect(error.message).toMatch(
        /^Could not halt Styx workflow instance 'analytics-pipelines#daily-orders-rollup#2026-10-03': POST http:\/\/127\.0\.0\.1:\d+\/api\/v3\/scheduler\/halt answered 400 Illegal state transition/,
      );
      expect(activeParameters()).toEqual(['2026-10-03', '2026-10-04']);
    });

    it('throws naming the run on a server error, without asking more', async () => {
      styx.route('POST', /scheduler\/halt$/, () => ({
        status: 500,
        reason: 'Internal Server Error',
      }));
      const error = await provider()
        .abortRun({ runId: RUNNING, reason: 'stop' })
        .catch(e => e);
      expect(error).toBeInstanceOf(SchedulerRequestError);
      expect(error.status).toBe(500);
      expect(error.message).toContain(
        `Could not halt Styx workflow instance '${RUNNING}'`,
      );
      expect(styx.requestLines()).toEqual([`POST ${API}/scheduler/halt`]);
    });

    it('refuses run ids that do not name a workflow instance', async () => {
      const p = provider();
      for (const runId of ['nope', 'a#b', 'a#b#', '#b#c']) {
        await expect(p.abortRun({ runId, reason: 'stop' })).rejects.toThrow(
          new InputError(
            `Styx run ids are <component>#<workflow>#<parameter>, got '${runId}'`,
          ),
        );
      }
      expect(styx.requests).toEqual([]);
    });
  });

  describe('fromConfig', () => {
    it('creates one provider per configured instance', async () => {
      const other = await FakeStyxServer.start(fixtureWorld());
      try {
        const providers = StyxProvider.fromConfig(
          new ConfigReader({
            pipelines: {
              providers: {
                styx: [
                  {
                    id: 'prod',
                    title: 'Styx production',
                    baseUrl: styx.url,
                    token: 'prod-token',
                    timeout: '5s',
                    schedule: {
                      frequency: { minutes: 2 },
                      timeout: { minutes: 1 },
                    },
                    owner: 'group:default/data-platform',
                    owners: {
                      'marketing-*/*': 'group:default/marketing',
                      '*': 'group:default/fallback',
                    },
                  },
                  {
                    id: 'dev',
                    baseUrl: `${other.url}/api/v3`,
                    timeout: 2000,
                    pageSize: 50,
                    initialLookback: { days: 7 },
                  },
                ],
              },
            },
          }),
          { logger: mockServices.logger.mock() },
        );
        expect(providers.map(p => [p.id, p.title])).toEqual([
          ['styx:prod', 'Styx production'],
          ['styx:dev', 'Styx dev'],
        ]);
        expect(providers[0].schedule).toEqual({
          frequency: { minutes: 2 },
          timeout: { minutes: 1 },
        });
        expect(providers[1].schedule).toBeUndefined();

        await providers[0].listPipelines({});
        await providers[1].listRuns({});
        expect(styx.requests[0].headers.authorization).toBe(
          'Bearer prod-token',
        );
        expect(other.requests[0].headers.authorization).toBeUndefined();
        expect(other.requestLines()).toContain(
          `GET ${DAILY_API}/instances?offset=${new Date(
            Date.now() - 7 * 86_400_000,
          )
            .toISOString()
            .slice(0, 10)}&limit=50`,
        );
      } finally {
        await other.close();
      }
    });

    it('applies the owner mapping to workflows that name no component owner', async () => {
      const [campaign] = styx.world.workflowsFull.slice(-1);
      campaign.workflow.component_id = '';
      const [p] = StyxProvider.fromConfig(
        new ConfigReader({
          pipelines: {
            providers: {
              styx: [
                {
                  id: 'prod',
                  baseUrl: styx.url,
                  owner: 'group:default/data-platform',
                  owners: { '*/campaign-*': 'group:default/marketing' },
                },
              ],
            },
          },
        }),
        { logger: mockServices.logger.mock() },
      );
      const pipelines = await p.listPipelines({});
      expect(pipelines.map(x => [x.name, x.owners])).toEqual([
        ['analytics-pipelines/daily-orders-rollup', ['analytics-pipelines']],
        ['analytics-pipelines/hourly-events-ingest', ['analytics-pipelines']],
        ['analytics-pipelines/weekly-customer-ltv', ['analytics-pipelines']],
        ['/campaign-attribution', ['group:default/marketing']],
      ]);
    });

    it('reads no instances when none are configured, and rejects bad ones', () => {
      const logger = mockServices.logger.mock();
      expect(StyxProvider.fromConfig(new ConfigReader({}), { logger })).toEqual(
        [],
      );
      expect(() =>
        StyxProvider.fromConfig(
          new ConfigReader({
            pipelines: { providers: { styx: [{ id: 'x' }] } },
          }),
          { logger },
        ),
      ).toThrow(/baseUrl/);
      expect(() =>
        StyxProvider.fromConfig(
          new ConfigReader({
            pipelines: {
              providers: {
                styx: [{ id: 'x', baseUrl: 'http://s', pageSize: 1 }],
              },
            },
          }),
          { logger },
        ),
      ).toThrow(/pageSize/);
    });
  });
});
