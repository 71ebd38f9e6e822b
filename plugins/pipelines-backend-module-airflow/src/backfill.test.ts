import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { AirflowBackfillRequest, AirflowProvider } from './AirflowProvider';
import { inclusiveEndBefore } from './airflowMapping';
import {
  FakeAirflow,
  fixtures,
  RecordedRequest,
  startFakeAirflow,
} from './__testUtils__/fakeAirflow';
import conflict from './__fixtures__/error_409.post_backfill.response.json';
import futureDates from './__fixtures__/error_422.backfill_future_dates.response.json';
import invalidBody from './__fixtures__/error_422.post_backfill.response.json';
import recordedBody from './__fixtures__/post_backfill.request.json';

/**
 * What Airflow does with a backfill range of a daily 02:00 DAG: every schedule
 * point whose logical date lies in [from_date, to_date], both ends included.
 */
function airflowDailyPoints(body: { from_date: string; to_date: string }) {
  const from = Date.parse(body.from_date);
  const to = Date.parse(body.to_date.replace(/(\.\d{3})\d+Z$/, '$1Z'));
  const microsBeyond = /\.\d{3}(\d+)Z$/.exec(body.to_date)?.[1] ?? '';
  const points: string[] = [];
  const day = 24 * 3600_000;
  let t = Math.floor(from / day) * day + 2 * 3600_000;
  if (t < from) t += day;
  for (; t <= to; t += day) {
    // a point equal to `to` at ms precision is beyond a to_date like .999999Z
    if (t === to && Number(microsBeyond) > 0) break;
    points.push(new Date(t).toISOString());
  }
  return points;
}

const WEEK: AirflowBackfillRequest = {
  pipelineName: 'daily_sales_etl',
  start: new Date('2026-11-01T00:00:00Z'),
  end: new Date('2026-11-07T00:00:00Z'),
  concurrency: 2,
  order: 'oldest',
};

describe('AirflowProvider backfills', () => {
  let airflow: FakeAirflow;

  beforeEach(async () => {
    airflow = await startFakeAirflow();
  });

  afterEach(async () => {
    await airflow.close();
  });

  function provider() {
    return AirflowProvider.create({
      id: 'central',
      baseUrl: airflow.url,
      credentials: { username: 'backstage', password: 's3cr3t' },
      logger: mockServices.logger.mock(),
    });
  }

  const posts = (path: string) =>
    airflow
      .apiRequests()
      .filter((r: RecordedRequest) => r.method === 'POST' && r.path === path);

  describe('createBackfill', () => {
    it('posts Airflow a backfill body with an inclusive end', async () => {
      const status = await provider().createBackfill({
        ...WEEK,
        reprocessBehavior: 'failed',
        runConf: recordedBody.dag_run_conf,
      });

      const [post] = posts('/api/v2/backfills');
      expect(post.body).toEqual({
        dag_id: 'daily_sales_etl',
        from_date: '2026-11-01T00:00:00.000Z',
        // [start, end) → [from_date, to_date]: one microsecond before end
        to_date: '2026-11-06T23:59:59.999999Z',
        run_backwards: false,
        dag_run_conf: {
          reason: 'reprocess after orders schema fix',
          triggered_from: 'backstage',
        },
        reprocess_behavior: 'failed',
        max_active_runs: 2,
      });
      // the same request as the recorded one, up to the end's spelling
      expect(Object.keys(post.body).sort()).toEqual(
        Object.keys(recordedBody).sort(),
      );
      expect(status).toEqual({
        id: '7',
        state: 'running',
        completed: 4,
        total: 6,
        url: `${airflow.url}/dags/daily_sales_etl/backfills`,
      });
      // progress counts the DAG's backfill runs in the backfill's range
      const counts = airflow
        .apiRequests()
        .filter(r => r.path === '/api/v2/dags/daily_sales_etl/dagRuns');
      expect(counts).toHaveLength(3);
      expect(counts[0].query.get('run_type')).toBe('backfill');
      expect(counts[0].query.get('logical_date_gte')).toBe(
        fixtures.postBackfill.from_date,
      );
      expect(counts[0].query.get('logical_date_lte')).toBe(
        fixtures.postBackfill.to_date,
      );
    });

    it('maps order newest to run_backwards and concurrency to max_active_runs', async () => {
      await provider().createBackfill({
        ...WEEK,
        concurrency: 5,
        order: 'newest',
      });
      const [post] = posts('/api/v2/backfills');
      expect(post.body).toMatchObject({
        run_backwards: true,
        max_active_runs: 5,
        // the configured default
        reprocess_behavior: 'none',
      });
      expect(post.body).not.toHaveProperty('dag_run_conf');
      expect(post.body).not.toHaveProperty('run_on_latest_version');
    });

    it('leaves out a schedule point that is exactly the exclusive end', async () => {
      airflow.use(req =>
        req.path === '/api/v2/backfills/dry_run'
          ? {
              body: {
                backfills: airflowDailyPoints(req.body).map(logical_date => ({
                  logical_date,
                })),
                total_entries: 0,
              },
            }
          : undefined,
      );
      const dates = await provider().dryRunBackfill({
        ...WEEK,
        start: new Date('2026-11-01T02:00:00Z'),
        end: new Date('2026-11-07T02:00:00Z'),
      });
      const [post] = posts('/api/v2/backfills/dry_run');
      expect(post.body.to_date).toBe('2026-11-07T01:59:59.999999Z');
      // six days: the 1st (start included) to the 6th, not the 7th (end)
      expect(dates.map(d => d.toISOString())).toEqual([
        '2026-11-01T02:00:00.000Z',
        '2026-11-02T02:00:00.000Z',
        '2026-11-03T02:00:00.000Z',
        '2026-11-04T02:00:00.000Z',
        '2026-11-05T02:00:00.000Z',
        '2026-11-06T02:00:00.000Z',
      ]);
    });

    it('refuses an empty or reversed range before asking Airflow', async () => {
      const p = provider();
      await expect(
        p.createBackfill({ ...WEEK, end: WEEK.start }),
      ).rejects.toThrow(
        new InputError(
          'The backfill start 2026-11-01T00:00:00.000Z must be before its end 2026-11-01T00:00:00.000Z',
        ),
      );
      await expect(
        p.createBackfill({ ...WEEK, start: WEEK.end, end: WEEK.start }),
      ).rejects.toBeInstanceOf(InputError);
      await expect(
        p.createBackfill({ ...WEEK, concurrency: 0 }),
      ).rejects.toThrow(/concurrency must be a positive integer/);
      expect(airflow.apiRequests()).toHaveLength(0);
    });

    it('explains a 409: another backfill of the DAG is running', async () => {
      airflow.use(req =>
        req.method === 'POST' && req.path === '/api/v2/backfills'
          ? { status: 409, body: conflict }
          : undefined,
      );
      const error = await provider()
        .createBackfill(WEEK)
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        "Airflow refused the backfill of DAG 'daily_sales_etl' from 2026-11-01T00:00:00.000Z to 2026-11-06T23:59:59.999999Z (inclusive): " +
          "DAG 'daily_sales_etl' already has a backfill that is not completed (backfill 7, 2026-11-01T00:00:00Z to 2026-11-07T00:00:00Z, created 2026-11-28T07:12:44.310577Z); " +
          'cancel it or wait until it completes (There is already a running backfill for dag daily_sales_etl)',
      );
      const [list] = airflow
        .apiRequests()
        .filter(r => r.path === '/api/v2/backfills' && r.method === 'GET');
      expect(list.query.get('dag_id')).toBe('daily_sales_etl');
    });

    it('explains a 422 for future dates', async () => {
      airflow.use(req =>
        req.method === 'POST' && req.path === '/api/v2/backfills'
          ? { status: 422, body: futureDates }
          : undefined,
      );
      const error = await provider()
        .createBackfill(WEEK)
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        "Airflow refused the backfill of DAG 'daily_sales_etl' from 2026-11-01T00:00:00.000Z to 2026-11-06T23:59:59.999999Z (inclusive): Backfill cannot be executed for future dates.",
      );
    });

    it('explains a 422 for an invalid body', async () => {
      airflow.use(req =>
        req.method === 'POST' && req.path === '/api/v2/backfills'
          ? { status: 422, body: invalidBody }
          : undefined,
      );
      const error = await provider()
        .createBackfill(WEEK)
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(
        /\(inclusive\): body\.to_date: Field required; body\.reprocess_behavior: Input should be 'failed', 'completed' or 'none'$/,
      );
    });

    it('explains a 404: no such DAG', async () => {
      airflow.use(req =>
        req.method === 'POST' && req.path === '/api/v2/backfills'
          ? {
              status: 404,
              body: { detail: 'Could not find dag nope' },
            }
          : undefined,
      );
      await expect(
        provider().createBackfill({ ...WEEK, pipelineName: 'nope' }),
      ).rejects.toThrow(
        new NotFoundError("Airflow has no DAG 'nope': Could not find dag nope"),
      );
    });

    it('backfills exactly the requested partitions when Airflow would', async () => {
      const partitions = fixtures.dryRun.backfills.map(
        b => new Date(b.logical_date),
      );
      const status = await provider().createBackfill({
        ...WEEK,
        reprocessBehavior: 'failed',
        partitions,
      });
      expect(status.id).toBe('7');
      const [dry] = posts('/api/v2/backfills/dry_run');
      // the partitions' own range, inclusive
      expect(dry.body).toMatchObject({
        from_date: '2026-11-02T02:00:00.000Z',
        to_date: '2026-11-05T02:00:00.000Z',
      });
      expect(posts('/api/v2/backfills')[0].body).toEqual(dry.body);
    });

    it('refuses partitions an Airflow backfill cannot run exactly', async () => {
      const error = await provider()
        .createBackfill({
          ...WEEK,
          partitions: [
            new Date('2026-11-02T02:00:00Z'),
            new Date('2026-11-05T02:00:00Z'),
          ],
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(
        /cannot run exactly the requested partitions: it would also run 2026-11-04T02:00:00.000Z/,
      );
      expect(posts('/api/v2/backfills')).toHaveLength(0);
    });
  });

  describe('dryRunBackfill', () => {
    it('answers the logical dates Airflow would create', async () => {
      const dates = await provider().dryRunBackfill({
        ...WEEK,
        reprocessBehavior: 'failed',
        runConf: recordedBody.dag_run_conf,
      });
      expect(dates).toEqual([
        new Date('2026-11-02T02:00:00Z'),
        new Date('2026-11-04T02:00:00Z'),
        new Date('2026-11-05T02:00:00Z'),
      ]);
      const [dry] = posts('/api/v2/backfills/dry_run');
      expect(dry.body).toMatchObject({
        ...recordedBody,
        from_date: '2026-11-01T00:00:00.000Z',
        to_date: '2026-11-06T23:59:59.999999Z',
      });
      expect(posts('/api/v2/backfills')).toHaveLength(0);
    });
  });

  describe('getBackfill', () => {
    it('answers status and progress', async () => {
      await expect(provider().getBackfill('7')).resolves.toEqual({
        id: '7',
        state: 'running',
        completed: 4,
        total: 6,
        url: `${airflow.url}/dags/daily_sales_etl/backfills`,
      });
    });

    it('reports a completed backfill with failed runs as failed', async () => {
      airflow.use(req =>
        req.path === '/api/v2/backfills/5'
          ? { body: fixtures.listBackfills.backfills[0] }
          : undefined,
      );
      await expect(provider().getBackfill('5')).resolves.toMatchObject({
        id: '5',
        state: 'failed',
      });
    });

    it('refuses ids that are not Airflow backfill ids', async () => {
      await expect(provider().getBackfill('../dags')).rejects.toBeInstanceOf(
        InputError,
      );
      await expect(provider().getBackfill('99')).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('finds the active backfill of a DAG', async () => {
      await expect(
        provider().getActiveBackfill('daily_sales_etl'),
      ).resolves.toMatchObject({ id: '7', state: 'running' });
      const [list] = airflow
        .apiRequests()
        .filter(r => r.path === '/api/v2/backfills');
      expect(list.query.get('order_by')).toBe('-id');
    });
  });

  describe('cancel and pause', () => {
    it('cancels a backfill', async () => {
      const status = await provider().cancelBackfill('7');
      // The recorded answer: paused and completed at once.
      expect(status).toEqual({
        id: '7',
        state: 'cancelled',
        completed: 4,
        total: 6,
        url: `${airflow.url}/dags/daily_sales_etl/backfills`,
      });
      const backfillCalls = airflow
        .apiRequests()
        .filter(r => r.path.startsWith('/api/v2/backfills'));
      expect(backfillCalls.map(r => `${r.method} ${r.path}`)).toEqual([
        'PUT /api/v2/backfills/7/cancel',
      ]);
      expect(backfillCalls[0].body).toBeUndefined();
      expect(backfillCalls[0].headers.authorization).toMatch(/^Bearer /);
    });

    it('answers a backfill that finished on its own as finished', async () => {
      // Backfill 5 of the recorded list completed without being paused.
      airflow.use(req => {
        if (req.path === '/api/v2/backfills/5/cancel') {
          return {
            status: 409,
            body: { detail: 'Backfill 5 is already completed.' },
          };
        }
        return req.path === '/api/v2/backfills/5'
          ? { body: fixtures.listBackfills.backfills[0] }
          : undefined;
      });
      await expect(provider().cancelBackfill('5')).resolves.toMatchObject({
        id: '5',
        state: 'failed',
      });

      // None of its runs failed: succeeded, not cancelled.
      airflow.use(req =>
        req.path === '/api/v2/dags/daily_sales_etl/dagRuns' &&
        req.query.getAll('state').join() === 'failed'
          ? { body: { dag_runs: [], total_entries: 0 } }
          : undefined,
      );
      await expect(provider().cancelBackfill('5')).resolves.toMatchObject({
        id: '5',
        state: 'succeeded',
      });
      expect(
        airflow
          .apiRequests()
          .filter(r => r.path.startsWith('/api/v2/backfills'))
          .map(r => `${r.method} ${r.path}`),
      ).toEqual([
        'PUT /api/v2/backfills/5/cancel',
        'GET /api/v2/backfills/5',
        'PUT /api/v2/backfills/5/cancel',
        'GET /api/v2/backfills/5',
      ]);
    });

    it('says when the backfill to cancel does not exist', async () => {
      await expect(provider().cancelBackfill('99')).rejects.toThrow(
        new NotFoundError('Airflow has no backfill 99'),
      );
      await expect(provider().cancelBackfill('7/../8')).rejects.toThrow(
        InputError,
      );
      expect(
        airflow
          .apiRequests()
          .filter(r => r.method === 'PUT')
          .map(r => r.path),
      ).toEqual(['/api/v2/backfills/99/cancel']);
    });

    it('answers the status when the backfill is already completed', async () => {
      airflow.use(req =>
        req.path === '/api/v2/backfills/7/cancel'
          ? {
              status: 409,
              body: { detail: 'Backfill 7 is already completed.' },
            }
          : undefined,
      );
      airflow.use(req =>
        req.path === '/api/v2/backfills/7'
          ? { body: fixtures.cancelBackfill }
          : undefined,
      );
      await expect(provider().cancelBackfill('7')).resolves.toMatchObject({
        id: '7',
        state: 'cancelled',
      });
    });

    it('pauses a backfill', async () => {
      await expect(provider().pauseBackfill('7')).resolves.toMatchObject({
        id: '7',
        state: 'queued',
      });
      expect(
        airflow
          .apiRequests()
          .some(
            r => r.method === 'PUT' && r.path === '/api/v2/backfills/7/pause',
          ),
      ).toBe(true);
    });

    it('explains pausing a completed backfill', async () => {
      airflow.use(req =>
        req.path === '/api/v2/backfills/7/pause'
          ? { status: 409, body: { detail: 'Backfill is already completed.' } }
          : undefined,
      );
      await expect(provider().pauseBackfill('7')).rejects.toThrow(
        new ConflictError(
          'Cannot pause Airflow backfill 7: it is already completed (Backfill is already completed.)',
        ),
      );
    });
  });
});

describe('inclusiveEndBefore', () => {
  it('is one microsecond before the exclusive end', () => {
    expect(inclusiveEndBefore(new Date('2026-11-07T00:00:00Z'))).toBe(
      '2026-11-06T23:59:59.999999Z',
    );
    expect(inclusiveEndBefore(new Date('2026-11-07T02:00:00.500Z'))).toBe(
      '2026-11-07T02:00:00.499999Z',
    );
  });
});
