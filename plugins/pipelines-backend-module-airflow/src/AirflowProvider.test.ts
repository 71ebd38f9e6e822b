import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { SchedulerRequestError } from '@tributary/plugin-pipelines-node';
import { AirflowProvider, AirflowProviderOptions } from './AirflowProvider';
import {
  FakeAirflow,
  fixtures,
  startFakeAirflow,
} from './__testUtils__/fakeAirflow';

const NOW = new Date('2026-11-28T07:21:00Z');

describe('AirflowProvider', () => {
  let airflow: FakeAirflow;

  beforeEach(async () => {
    airflow = await startFakeAirflow();
  });

  afterEach(async () => {
    await airflow.close();
  });

  function provider(options: Partial<AirflowProviderOptions> = {}) {
    return AirflowProvider.create({
      id: 'central',
      baseUrl: `${airflow.url}/`,
      credentials: { username: 'backstage', password: 's3cr3t' },
      logger: mockServices.logger.mock(),
      now: () => NOW,
      ...options,
    });
  }

  it('describes itself', () => {
    const p = provider({ title: 'Central Airflow' });
    expect(p.id).toBe('airflow:central');
    expect(p.type).toBe('airflow');
    expect(p.title).toBe('Central Airflow');
    expect(p.capabilities).toEqual({
      triggerRun: true,
      nativeBackfill: true,
      taskDependencies: false,
    });
    expect(provider().title).toBe('Airflow central');
  });

  describe('listPipelines', () => {
    it('reports DAGs with schedules, owners, pause flags and links', async () => {
      const pipelines = await provider({
        owner: 'group:default/crm',
      }).listPipelines({});

      expect(pipelines).toEqual([
        {
          name: 'daily_sales_etl',
          title: 'Daily Sales ETL',
          description:
            "Loads yesterday's orders from the shop database into the warehouse.",
          schedule: '0 2 * * *',
          owners: ['data-eng'],
          url: `${airflow.url}/dags/daily_sales_etl`,
          paused: false,
        },
        {
          name: 'hourly_inventory_sync',
          title: 'Hourly inventory sync',
          description: undefined,
          schedule: '0 * * * *',
          owners: ['inventory-team', 'platform'],
          url: `${airflow.url}/dags/hourly_inventory_sync`,
          paused: false,
        },
        {
          name: 'legacy_customer_export',
          title: 'legacy_customer_export',
          description:
            'Manual export of customer records for the old CRM. Kept paused; trigger by hand.',
          // timetable_summary "None": no schedule
          schedule: undefined,
          // "airflow" is Airflow's default owner: the configured one applies
          owners: ['group:default/crm'],
          url: `${airflow.url}/dags/legacy_customer_export`,
          paused: true,
        },
      ]);
      const [request] = airflow.apiRequests();
      expect(request.path).toBe('/api/v2/dags');
      expect(request.query.get('limit')).toBe('100');
      expect(request.query.get('offset')).toBe('0');
      expect(request.query.get('order_by')).toBe('dag_id');
      expect(request.headers.authorization).toMatch(/^Bearer ey/);
    });

    it('uses the timetable description for schedules that are not cron', async () => {
      airflow.use(req =>
        req.path === '/api/v2/dags'
          ? {
              body: {
                dags: [
                  {
                    ...fixtures.dags.dags[0],
                    dag_id: 'asset_driven',
                    timetable_summary: 'Asset',
                    timetable_description: 'Triggered by assets',
                  },
                  {
                    ...fixtures.dags.dags[0],
                    dag_id: 'preset',
                    timetable_summary: '@daily',
                    timetable_description: 'At 00:00',
                  },
                ],
                total_entries: 2,
              },
            }
          : undefined,
      );
      const pipelines = await provider().listPipelines({});
      expect(pipelines.map(p => p.schedule)).toEqual([
        'Triggered by assets',
        '@daily',
      ]);
    });

    it('pages by the number of DAGs received, as Airflow clamps the limit', async () => {
      const all = Array.from({ length: 5 }, (_, i) => ({
        ...fixtures.dags.dags[0],
        dag_id: `dag_${i}`,
      }));
      airflow.use(req => {
        if (req.path !== '/api/v2/dags') return undefined;
        const offset = Number(req.query.get('offset'));
        // maximum_page_limit = 2
        return {
          body: { dags: all.slice(offset, offset + 2), total_entries: 5 },
        };
      });
      const pipelines = await provider().listPipelines({});
      expect(pipelines.map(p => p.name)).toEqual([
        'dag_0',
        'dag_1',
        'dag_2',
        'dag_3',
        'dag_4',
      ]);
      expect(airflow.apiRequests().map(r => r.query.get('offset'))).toEqual([
        '0',
        '2',
        '4',
      ]);
    });
  });

  describe('listRuns', () => {
    it('maps DAG runs and describes failed runs from their task instances', async () => {
      const result = await provider().listRuns({});

      // the recorded page says there are 214 runs
      expect(result.hasMore).toBe(true);
      expect(JSON.parse(result.cursor!)).toEqual({
        v: 1,
        window: NOW.toISOString(),
        offset: 4,
      });
      expect(result.runs).toEqual([
        {
          id: 'daily_sales_etl/manual__2026-11-28T07:05:12.480391+00:00',
          pipelineName: 'daily_sales_etl',
          // manual run: logical_date is null in Airflow 3
          partition: undefined,
          partitionEnd: undefined,
          state: 'running',
          sourceState: 'running',
          queuedAt: new Date('2026-11-28T07:05:12.493Z'),
          startedAt: new Date('2026-11-28T07:05:14.021Z'),
          endedAt: undefined,
          errorMessage: undefined,
          url: `${airflow.url}/dags/daily_sales_etl/runs/manual__2026-11-28T07%3A05%3A12.480391%2B00%3A00`,
        },
        {
          id: 'daily_sales_etl/scheduled__2026-11-27T02:00:00+00:00',
          pipelineName: 'daily_sales_etl',
          partition: new Date('2026-11-27T02:00:00Z'),
          partitionEnd: new Date('2026-11-28T02:00:00Z'),
          state: 'failed',
          sourceState: 'failed',
          queuedAt: new Date('2026-11-28T02:00:02.913Z'),
          startedAt: new Date('2026-11-28T02:00:04.117Z'),
          endedAt: new Date('2026-11-28T02:38:51.602Z'),
          errorMessage:
            'Task transform_orders failed on try 2 of 2; upstream_failed: load_warehouse',
          url: `${airflow.url}/dags/daily_sales_etl/runs/scheduled__2026-11-27T02%3A00%3A00%2B00%3A00`,
        },
        {
          id: 'daily_sales_etl/scheduled__2026-11-26T02:00:00+00:00',
          pipelineName: 'daily_sales_etl',
          partition: new Date('2026-11-26T02:00:00Z'),
          partitionEnd: new Date('2026-11-27T02:00:00Z'),
          state: 'succeeded',
          sourceState: 'success',
          queuedAt: new Date('2026-11-27T02:00:01.774Z'),
          startedAt: new Date('2026-11-27T02:00:03.230Z'),
          endedAt: new Date('2026-11-27T02:41:58.915Z'),
          errorMessage: undefined,
          url: `${airflow.url}/dags/daily_sales_etl/runs/scheduled__2026-11-26T02%3A00%3A00%2B00%3A00`,
        },
        {
          id: 'daily_sales_etl/backfill__2026-11-02T02:00:00+00:00',
          pipelineName: 'daily_sales_etl',
          partition: new Date('2026-11-02T02:00:00Z'),
          partitionEnd: new Date('2026-11-03T02:00:00Z'),
          state: 'queued',
          sourceState: 'queued',
          queuedAt: new Date('2026-11-28T07:12:44.902Z'),
          // Airflow sets start_date when a backfill creates the run
          startedAt: undefined,
          endedAt: undefined,
          errorMessage: undefined,
          url: `${airflow.url}/dags/daily_sales_etl/runs/backfill__2026-11-02T02%3A00%3A00%2B00%3A00`,
        },
      ]);

      const [list, tasks] = airflow.apiRequests();
      expect(list.path).toBe('/api/v2/dags/~/dagRuns');
      expect(list.query.get('order_by')).toBe('id');
      expect(list.query.get('limit')).toBe('100');
      expect(list.query.has('updated_at_gte')).toBe(false);
      expect(tasks.path).toBe(
        '/api/v2/dags/daily_sales_etl/dagRuns/scheduled__2026-11-27T02:00:00+00:00/taskInstances',
      );
      expect(tasks.query.getAll('state')).toEqual([
        'failed',
        'upstream_failed',
      ]);
      // one task-instance request: only the failed run
      expect(airflow.apiRequests()).toHaveLength(2);
    });

    it('maps unknown run states to unknown and keeps the source state', async () => {
      airflow.use(req =>
        req.path === '/api/v2/dags/~/dagRuns'
          ? {
              body: {
                dag_runs: [
                  { ...fixtures.dagRuns.dag_runs[2], state: 'paused' },
                ],
                total_entries: 1,
              },
            }
          : undefined,
      );
      const { runs } = await provider().listRuns({});
      expect(runs[0]).toMatchObject({
        state: 'unknown',
        sourceState: 'paused',
      });
      // only queued and running runs drop a (stale) end_date
      expect(runs[0].endedAt).toEqual(new Date('2026-11-27T02:41:58.915Z'));
    });

    it('asks only for runs updated since the previous listing began', async () => {
      airflow.use(req =>
        req.path === '/api/v2/dags/~/dagRuns'
          ? { body: { ...fixtures.dagRuns, total_entries: 4 } }
          : undefined,
      );
      const p = provider({ cursorOverlapMs: 60_000 });
      const first = await p.listRuns({});
      expect(JSON.parse(first.cursor!)).toEqual({
        v: 1,
        since: NOW.toISOString(),
      });

      const second = await p.listRuns({ cursor: first.cursor });
      const lists = airflow
        .apiRequests()
        .filter(r => r.path === '/api/v2/dags/~/dagRuns');
      expect(lists).toHaveLength(2);
      expect(lists[1].query.get('updated_at_gte')).toBe(
        '2026-11-28T07:20:00.000Z',
      );
      expect(lists[1].query.get('offset')).toBe('0');
      expect(lists[1].query.has('updated_at_lt')).toBe(false);
      // the failed run was described already: no second task-instance lookup
      expect(
        airflow.apiRequests().filter(r => r.path.endsWith('/taskInstances')),
      ).toHaveLength(1);
      expect(second.runs[1].errorMessage).toBe(
        'Task transform_orders failed on try 2 of 2; upstream_failed: load_warehouse',
      );
    });

    it('describes a run again when it failed again', async () => {
      const p = provider();
      const first = await p.listRuns({});
      airflow.use(req =>
        req.path === '/api/v2/dags/~/dagRuns'
          ? {
              body: {
                dag_runs: [
                  {
                    ...fixtures.dagRuns.dag_runs[1],
                    end_date: '2026-11-28T07:30:00Z',
                  },
                ],
                total_entries: 1,
              },
            }
          : undefined,
      );
      await p.listRuns({ cursor: first.cursor });
      expect(
        airflow.apiRequests().filter(r => r.path.endsWith('/taskInstances')),
      ).toHaveLength(2);
    });

    it('pages through a listing over several calls', async () => {
      const all = Array.from({ length: 5 }, (_, i) => ({
        ...fixtures.dagRuns.dag_runs[2],
        dag_run_id: `scheduled__${i}`,
      }));
      airflow.use(req => {
        if (req.path !== '/api/v2/dags/~/dagRuns') return undefined;
        const offset = Number(req.query.get('offset'));
        return {
          body: { dag_runs: all.slice(offset, offset + 2), total_entries: 5 },
        };
      });
      const p = provider();
      const ids: string[] = [];
      let cursor: string | undefined = JSON.stringify({
        v: 1,
        since: '2026-11-28T06:00:00.000Z',
      });
      const hasMore: boolean[] = [];
      for (let i = 0; i < 3; i++) {
        const result = await p.listRuns({ cursor });
        ids.push(...result.runs.map(r => r.id));
        hasMore.push(result.hasMore ?? false);
        cursor = result.cursor;
      }
      expect(ids).toEqual(all.map(r => `daily_sales_etl/${r.dag_run_id}`));
      expect(hasMore).toEqual([true, true, false]);
      const lists = airflow.apiRequests();
      expect(lists.map(r => r.query.get('offset'))).toEqual(['0', '2', '4']);
      // the whole listing keeps the lower bound it started with
      expect(new Set(lists.map(r => r.query.get('updated_at_gte')))).toEqual(
        new Set(['2026-11-28T05:58:00.000Z']),
      );
      // ... and the next one starts where this one began
      expect(JSON.parse(cursor!)).toEqual({ v: 1, since: NOW.toISOString() });
    });

    it('does not look up old failed runs on a first listing', async () => {
      const p = provider({ now: () => new Date('2027-01-01T00:00:00Z') });
      const { runs } = await p.listRuns({});
      expect(runs[1].state).toBe('failed');
      expect(runs[1].errorMessage).toBeUndefined();
      expect(airflow.apiRequests()).toHaveLength(1);
    });

    it('starts over on an unreadable cursor', async () => {
      const logger = mockServices.logger.mock();
      await provider({ logger }).listRuns({ cursor: 'not json' });
      expect(airflow.apiRequests()[0].query.has('updated_at_gte')).toBe(false);
      expect(logger.warn).toHaveBeenCalled();
    });
  });

  describe('errors', () => {
    it('throws on a 500', async () => {
      airflow.use(req =>
        req.path.startsWith('/api/v2/')
          ? { status: 500, body: { detail: 'database is gone' } }
          : undefined,
      );
      const error = await provider()
        .listRuns({})
        .catch(e => e);
      expect(error).toBeInstanceOf(SchedulerRequestError);
      expect(error.status).toBe(500);
      expect(error.message).toMatch(
        /GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/dags\/~\/dagRuns\?.* answered 500 .*database is gone/,
      );
    });

    it('throws on a timeout', async () => {
      airflow.use(req =>
        req.path === '/api/v2/dags' ? { delayMs: 1000, body: {} } : undefined,
      );
      await expect(
        provider({ timeoutMs: 100 }).listPipelines({}),
      ).rejects.toThrow(/\/api\/v2\/dags.* failed: timed out after 100 ms/);
    });

    it('throws on malformed JSON', async () => {
      airflow.use(req =>
        req.path === '/api/v2/dags' ? { raw: '<html>proxy error' } : undefined,
      );
      await expect(provider().listPipelines({})).rejects.toThrow(
        /answered malformed JSON: <html>proxy error/,
      );
    });

    it('throws on JSON of the wrong shape', async () => {
      airflow.use(req =>
        req.path === '/api/v2/dags/~/dagRuns'
          ? { body: { items: [] } }
          : undefined,
      );
      await expect(provider().listRuns({})).rejects.toThrow(
        /answered JSON without a dag_runs list/,
      );
    });

    it('throws a clear error on a 401 without credentials', async () => {
      const error = await provider({ credentials: undefined })
        .listPipelines({})
        .catch(e => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toMatch(
        /Airflow wants a token \(GET .*\/api\/v2\/dags.* answered 401 Not authenticated\); configure auth.username and auth.password, or auth.token/,
      );
      expect(airflow.tokenRequests()).toHaveLength(0);
    });

    it('suspects Airflow 2 when /api/v2 is missing', async () => {
      airflow.use(req =>
        req.path === '/api/v2/dags'
          ? { status: 404, body: { detail: 'Not Found' } }
          : undefined,
      );
      await expect(provider().listPipelines({})).rejects.toThrow(
        /\/api\/v2\/dags\?.* answered 404: Not Found \(is this Airflow 3\? Airflow 2 has no \/api\/v2; check baseUrl\)$/,
      );
    });

    it('throws a clear error on a 403', async () => {
      airflow.use(req =>
        req.path === '/api/v2/dags'
          ? { status: 403, body: { detail: 'Forbidden' } }
          : undefined,
      );
      const error = await provider()
        .listPipelines({})
        .catch(e => e);
      expect(error).toBeInstanceOf(NotAllowedError);
      expect(error.message).toMatch(
        /answered 403: Forbidden \(the Airflow role of user 'backstage' lacks a permission\)/,
      );
    });
  });

  describe('triggerRun', () => {
    it('triggers a DAG run for a logical date', async () => {
      airflow.use(req =>
        req.method === 'POST' &&
        req.path === '/api/v2/dags/daily_sales_etl/dagRuns'
          ? {
              body: {
                ...fixtures.dagRuns.dag_runs[2],
                dag_run_id: 'manual__2026-11-20T02:00:00+00:00',
                state: 'queued',
              },
            }
          : undefined,
      );
      const result = await provider().triggerRun({
        pipelineName: 'daily_sales_etl',
        partition: new Date('2026-11-20T02:00:00Z'),
      });
      expect(result).toEqual({
        runId: 'daily_sales_etl/manual__2026-11-20T02:00:00+00:00',
      });
      const [request] = airflow.apiRequests();
      // TriggerDAGRunPostBody forbids unknown keys
      expect(request.body).toEqual({
        logical_date: '2026-11-20T02:00:00.000Z',
      });
    });

    it('explains a 409', async () => {
      airflow.use(req =>
        req.method === 'POST' && req.path.endsWith('/dagRuns')
          ? {
              status: 409,
              body: {
                detail:
                  "DAG Run with id 'manual__2026-11-20T02:00:00+00:00' already exists",
              },
            }
          : undefined,
      );
      const error = await provider()
        .triggerRun({
          pipelineName: 'daily_sales_etl',
          partition: new Date('2026-11-20T02:00:00Z'),
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        "Airflow already has a run of DAG 'daily_sales_etl' for logical date 2026-11-20T02:00:00.000Z: DAG Run with id 'manual__2026-11-20T02:00:00+00:00' already exists",
      );
    });
  });

  describe('abortRun', () => {
    const RUNNING = 'daily_sales_etl/manual__2026-11-28T07:05:12.480391+00:00';
    const runPath = (runId: string) =>
      `/api/v2/dags/${runId.replace('/', '/dagRuns/')}`;
    const calls = () =>
      airflow.apiRequests().map(r => {
        const query = r.query.toString();
        return `${r.method} ${r.path}${query ? `?${query}` : ''}`;
      });
    const stateOf = (runId: string) =>
      airflow.runs.find(r => `${r.dag_id}/${r.dag_run_id}` === runId)?.state;

    it('marks a running DAG run failed, noting the reason', async () => {
      const logger = mockServices.logger.mock();
      await expect(
        provider({ logger }).abortRun({
          runId: RUNNING,
          reason: 'Backfill 12 was cancelled',
        }),
      ).resolves.toBeUndefined();

      expect(calls()).toEqual([
        `GET ${runPath(RUNNING)}`,
        `PATCH ${runPath(RUNNING)}?update_mask=state&update_mask=note`,
      ]);
      const patch = airflow.apiRequests()[1];
      expect(patch.headers['content-type']).toBe('application/json');
      // DAGRunPatchBody forbids unknown keys
      expect(patch.body).toEqual({
        state: 'failed',
        note: 'Backfill 12 was cancelled',
      });
      expect(stateOf(RUNNING)).toBe('failed');
      expect(logger.info).toHaveBeenCalledWith(
        `Aborted Airflow DAG run ${RUNNING}: Backfill 12 was cancelled`,
      );
    });

    it("aborts a queued run, keeping the run's own note", async () => {
      const queued = 'daily_sales_etl/backfill__2026-11-02T02:00:00+00:00';
      airflow.runs[3].note = 'rerun after the orders fix';
      await provider().abortRun({ runId: queued, reason: 'cancelled' });
      expect(airflow.apiRequests()[1].body).toEqual({
        state: 'failed',
        note: 'rerun after the orders fix\n\ncancelled',
      });
      expect(stateOf(queued)).toBe('failed');
    });

    it('changes only the state when there is no reason to note', async () => {
      await provider().abortRun({ runId: RUNNING, reason: ' ' });
      const patch = airflow.apiRequests()[1];
      expect(patch.query.getAll('update_mask')).toEqual(['state']);
      expect(patch.body).toEqual({ state: 'failed' });
      expect(airflow.runs[0].note).toBeNull();
    });

    it('leaves a run that has already finished as it is', async () => {
      const succeeded = 'daily_sales_etl/scheduled__2026-11-26T02:00:00+00:00';
      const failed = 'daily_sales_etl/scheduled__2026-11-27T02:00:00+00:00';
      const p = provider();
      await expect(
        p.abortRun({ runId: succeeded, reason: 'cancelled' }),
      ).resolves.toBeUndefined();
      await expect(
        p.abortRun({ runId: failed, reason: 'cancelled' }),
      ).resolves.toBeUndefined();
      // Airflow would mark even a successful run failed: no PATCH.
      expect(calls()).toEqual([
        `GET ${runPath(succeeded)}`,
        `GET ${runPath(failed)}`,
      ]);
      expect(stateOf(succeeded)).toBe('success');
      expect(stateOf(failed)).toBe('failed');
    });

    it('says so when the DAG run does not exist', async () => {
      const error = await provider()
        .abortRun({ runId: 'daily_sales_etl/nope', reason: 'stop' })
        .catch(e => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe(
        "Airflow has no DAG run 'daily_sales_etl/nope' to abort: The DagRun with dag_id: `daily_sales_etl` and run_id: `nope` was not found",
      );
    });

    it('refuses run ids that do not name a DAG run, without a request', async () => {
      const p = provider();
      for (const runId of [
        'daily_sales_etl',
        '/manual__1',
        'daily_sales_etl/',
      ]) {
        await expect(p.abortRun({ runId, reason: 'stop' })).rejects.toThrow(
          new InputError(
            `Airflow run ids are <dag_id>/<dag_run_id>, got '${runId}'`,
          ),
        );
      }
      expect(airflow.requests).toEqual([]);
    });

    it('throws naming the run when Airflow fails', async () => {
      airflow.use(req =>
        req.method === 'PATCH'
          ? { status: 500, body: { detail: 'database is locked' } }
          : undefined,
      );
      const error = await provider()
        .abortRun({ runId: RUNNING, reason: 'stop' })
        .catch(e => e);
      expect(error).toBeInstanceOf(SchedulerRequestError);
      expect(error.status).toBe(500);
      expect(error.message).toMatch(
        /^Could not abort Airflow DAG run 'daily_sales_etl\/manual__2026-11-28T07:05:12\.480391\+00:00': PATCH http:\/\/127\.0\.0\.1:\d+\/api\/v2\/dags\/daily_sales_etl\/dagRuns\/manual__2026-11-28T07%3A05%3A12\.480391%2B00%3A00\?update_mask=state&update_mask=note answered 500/,
      );
      expect(stateOf(RUNNING)).toBe('running');
    });

    it('keeps the kind of a refusal', async () => {
      airflow.use(req =>
        req.method === 'PATCH'
          ? { status: 403, body: { detail: 'Forbidden' } }
          : undefined,
      );
      const error = await provider()
        .abortRun({ runId: RUNNING, reason: 'stop' })
        .catch(e => e);
      expect(error).toBeInstanceOf(NotAllowedError);
      expect(error.message).toContain(
        `Could not abort Airflow DAG run '${RUNNING}': PATCH`,
      );
    });
  });
});
