import { mockServices } from '@backstage/backend-test-utils';
import { ProviderRun } from '@tributary/plugin-pipelines-node';
import { decodeCursor } from './cursor';
import { LuigiProvider, LuigiProviderOptions } from './LuigiProvider';
import { LuigiTaskMap } from './luigiTypes';
import { FakeLuigiServer, readFixture } from './testUtils/FakeLuigiServer';

const MAX_UPDATED = 1795846759.48449; // TopTracksReport_2026_11_01, the last change

function byId(runs: ProviderRun[]): Record<string, ProviderRun> {
  return Object.fromEntries(runs.map(run => [run.id, run]));
}

function seconds(value: number): Date {
  return new Date(Math.round(value * 1000));
}

describe('LuigiProvider', () => {
  let fake: FakeLuigiServer;
  let clock: number;

  function provider(options: Partial<LuigiProviderOptions> = {}) {
    return LuigiProvider.create({
      id: 'central',
      baseUrl: fake.url,
      logger: mockServices.logger.mock(),
      // A clock that stands still: the sweep takes no time, so the overlap
      // between polls is exactly the clock margin.
      now: () => clock,
      ...options,
    });
  }

  beforeEach(async () => {
    fake = await FakeLuigiServer.start();
    clock = 1_800_000_000_000;
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('describes itself', () => {
    const luigi = provider({ title: 'Central Luigi' });
    expect(luigi.id).toBe('luigi:central');
    expect(luigi.type).toBe('luigi');
    expect(luigi.title).toBe('Central Luigi');
    expect(luigi.capabilities).toEqual({
      triggerRun: false,
      nativeBackfill: false,
      taskDependencies: true,
    });
    expect(provider().title).toBe('Luigi (central)');
    expect(luigi).not.toHaveProperty('triggerRun');
    expect(luigi).not.toHaveProperty('createBackfill');
  });

  it('lists task families as pipelines, with owners from configuration', async () => {
    const luigi = provider({
      owner: 'group:default/data-platform',
      owners: {
        'Extract*': 'group:default/ingestion',
        'Top*Report': 'group:default/royalties',
      },
    });

    const pipelines = await luigi.listPipelines({});

    expect(pipelines).toEqual([
      {
        name: 'AggregateStreams',
        owners: ['group:default/data-platform'],
        url: `${fake.url}/static/visualiser/index.html#family=AggregateStreams`,
        paused: false,
      },
      {
        name: 'DailyReports',
        owners: ['group:default/data-platform'],
        url: `${fake.url}/static/visualiser/index.html#family=DailyReports`,
        paused: false,
      },
      {
        name: 'ExtractPlays',
        owners: ['group:default/ingestion'],
        url: `${fake.url}/static/visualiser/index.html#family=ExtractPlays`,
        paused: false,
      },
      {
        name: 'FlakyEnrichment',
        owners: ['group:default/data-platform'],
        url: `${fake.url}/static/visualiser/index.html#family=FlakyEnrichment`,
        paused: false,
      },
      {
        name: 'TopTracksReport',
        owners: ['group:default/royalties'],
        url: `${fake.url}/static/visualiser/index.html#family=TopTracksReport`,
        paused: false,
      },
    ]);
    // Luigi has no schedules: cron (or similar) starts the workers.
    expect(pipelines.every(p => p.schedule === undefined)).toBe(true);
  });

  it('reports no owner without configuration, and a paused scheduler', async () => {
    fake.paused = true;
    const pipelines = await provider().listPipelines({});
    expect(pipelines[0]).toMatchObject({ name: 'AggregateStreams' });
    expect(pipelines[0].owners).toBeUndefined();
    expect(pipelines.every(p => p.paused === true)).toBe(true);

    fake.paused = undefined; // a luigid without is_paused answers 404
    const older = await provider().listPipelines({});
    expect(older).toHaveLength(5);
    expect(older[0].paused).toBeUndefined();
  });

  it('reads every status list, and the PENDING tasks blocked upstream', async () => {
    await provider().listRuns({});

    expect(fake.calls('task_list').map(r => r.data)).toEqual([
      { status: 'PENDING', upstream_status: '', search: '' },
      { status: 'RUNNING', upstream_status: '', search: '' },
      { status: 'BATCH_RUNNING', upstream_status: '', search: '' },
      { status: 'DONE', upstream_status: '', search: '' },
      { status: 'FAILED', upstream_status: '', search: '' },
      { status: 'DISABLED', upstream_status: '', search: '' },
      { status: 'UNKNOWN', upstream_status: '', search: '' },
      { status: 'PENDING', upstream_status: 'UPSTREAM_FAILED', search: '' },
      { status: 'PENDING', upstream_status: 'UPSTREAM_DISABLED', search: '' },
    ]);
  });

  it('reuses the snapshot listPipelines read for the listRuns right after', async () => {
    const luigi = provider();
    await luigi.listPipelines({});
    await luigi.listRuns({});
    expect(fake.calls('task_list')).toHaveLength(9);
    // The next poll reads again.
    await luigi.listRuns({});
    expect(fake.calls('task_list')).toHaveLength(18);
  });

  it('maps every task to a run with states, partitions, times and errors', async () => {
    const { runs, cursor, hasMore } = await provider().listRuns({});

    expect(runs).toHaveLength(17);
    expect(hasMore).toBe(false);
    expect(cursor).toEqual(expect.any(String));
    const runsById = byId(runs);

    expect(runsById.FlakyEnrichment_2026_11_04_19a44e81ec).toEqual({
      id: 'FlakyEnrichment_2026_11_04_19a44e81ec',
      pipelineName: 'FlakyEnrichment',
      partition: new Date('2026-11-04T00:00:00Z'),
      partitionEnd: undefined,
      state: 'failed',
      sourceState: 'FAILED',
      queuedAt: seconds(1795846758.1623452),
      startedAt: seconds(1795846758.591284),
      endedAt: seconds(1795846758.7881966),
      errorMessage: expect.stringMatching(
        /^Runtime error:\nTraceback \(most recent call last\):\n[\s\S]*\nRuntimeError: upstream partner feed missing for 2026-11-04$/,
      ),
      url: `${fake.url}/static/visualiser/index.html#tab=graph&taskId=FlakyEnrichment_2026_11_04_19a44e81ec`,
    });
    // luigid answers no explanation for this one in the fake.
    expect(runsById.FlakyEnrichment_2026_11_02_4af173e6ca).toMatchObject({
      state: 'failed',
      sourceState: 'FAILED',
      errorMessage: undefined,
    });

    expect(runsById.TopTracksReport_2026_11_01_6468bfe8de).toEqual({
      id: 'TopTracksReport_2026_11_01_6468bfe8de',
      pipelineName: 'TopTracksReport',
      partition: new Date('2026-11-01T00:00:00Z'),
      partitionEnd: undefined,
      state: 'succeeded',
      sourceState: 'DONE',
      queuedAt: seconds(1795846758.1554654),
      startedAt: seconds(1795846759.4028714),
      endedAt: seconds(1795846759.48449),
      errorMessage: undefined,
      url: `${fake.url}/static/visualiser/index.html#tab=graph&taskId=TopTracksReport_2026_11_01_6468bfe8de`,
    });

    expect(runsById.TopTracksReport_2026_11_04_19a44e81ec).toMatchObject({
      pipelineName: 'TopTracksReport',
      partition: new Date('2026-11-04T00:00:00Z'),
      state: 'queued',
      sourceState: 'PENDING (UPSTREAM_FAILED)',
      queuedAt: seconds(1795846758.1554441),
      startedAt: undefined,
      endedAt: undefined,
    });
    // A wrapper task: partitioned by its `start` parameter.
    expect(runsById.DailyReports_4_2026_11_01_1fb86c237c).toMatchObject({
      pipelineName: 'DailyReports',
      partition: new Date('2026-11-01T00:00:00Z'),
      state: 'queued',
      sourceState: 'PENDING (UPSTREAM_FAILED)',
    });

    const states = runs.map(r => `${r.sourceState} → ${r.state}`);
    expect(states.filter(s => s === 'DONE → succeeded')).toHaveLength(12);
    expect(states.filter(s => s === 'FAILED → failed')).toHaveLength(2);
    expect(
      states.filter(s => s === 'PENDING (UPSTREAM_FAILED) → queued'),
    ).toHaveLength(3);
    // The scheduler does not say how many attempts a task took.
    expect(runs.every(r => r.attempt === undefined)).toBe(true);
    // fetch_error only for the failed tasks.
    expect(
      fake
        .calls('fetch_error')
        .map(r => r.data.task_id)
        .sort(),
    ).toEqual([
      'FlakyEnrichment_2026_11_02_4af173e6ca',
      'FlakyEnrichment_2026_11_04_19a44e81ec',
    ]);
  });

  it('maps the other statuses', async () => {
    const done = readFixture('task_list_DONE.json').response;
    const template = done.ExtractPlays_2026_11_01_6468bfe8de;
    const task = (status: string, extra: object = {}) => ({
      ...template,
      status,
      ...extra,
    });
    fake.lists = {
      RUNNING: { Running_1: task('RUNNING', { last_updated: 1795846770 }) },
      BATCH_RUNNING: { Batch_1: task('BATCH_RUNNING') },
      DISABLED: {
        Disabled_1: task('DISABLED', { re_enable_able: true }),
      },
      UNKNOWN: {
        // complete() raised in the worker: reported, with its explanation.
        Unknown_1: task('UNKNOWN', { time_running: null }),
        // A placeholder for a dependency no worker added yet: no family.
        ExtractPlays_2026_11_09_aaaaaaaaaa: task('UNKNOWN', {
          name: '',
          params: {},
          time_running: null,
        }),
        Mystery_2026_11_09_bbbbbbbbbb: task('UNKNOWN', {
          name: '',
          params: {},
        }),
      },
      PENDING: { Pending_1: task('PENDING'), Blocked_1: task('PENDING') },
      'PENDING:UPSTREAM_DISABLED': { Blocked_1: task('PENDING') },
      // Found complete by a worker, never run under this scheduler.
      DONE: { Checked_1: task('DONE', { time_running: null }) },
    };
    fake.errors.Disabled_1 = {
      taskId: 'Disabled_1',
      error: JSON.stringify('Runtime error:\nboom'),
    };
    fake.errors.Unknown_1 = {
      taskId: 'Unknown_1',
      error:
        'Will not run ExtractPlays(date=2026-11-01) or any dependencies due to error in complete() method',
    };

    const runs = byId((await provider().listRuns({})).runs);

    expect(Object.keys(runs).sort()).toEqual([
      'Batch_1',
      'Blocked_1',
      'Disabled_1',
      'ExtractPlays_2026_11_09_aaaaaaaaaa',
      'Pending_1',
      'Running_1',
      'Unknown_1',
    ]);
    expect(runs.Running_1).toMatchObject({
      state: 'running',
      sourceState: 'RUNNING',
      startedAt: seconds(template.time_running),
      endedAt: undefined,
    });
    expect(runs.Batch_1).toMatchObject({
      state: 'running',
      sourceState: 'BATCH_RUNNING',
    });
    expect(runs.Disabled_1).toMatchObject({
      state: 'aborted',
      sourceState: 'DISABLED',
      endedAt: seconds(template.last_updated),
      errorMessage: 'Runtime error:\nboom',
    });
    expect(runs.Unknown_1).toMatchObject({
      state: 'unknown',
      sourceState: 'UNKNOWN',
      errorMessage: expect.stringContaining('error in complete() method'),
    });
    expect(runs.ExtractPlays_2026_11_09_aaaaaaaaaa).toMatchObject({
      pipelineName: 'ExtractPlays',
      state: 'unknown',
      partition: undefined,
    });
    expect(runs.Pending_1).toMatchObject({
      state: 'queued',
      sourceState: 'PENDING',
      // A PENDING task keeps the time_running of an earlier attempt.
      startedAt: undefined,
    });
    expect(runs.Blocked_1).toMatchObject({
      state: 'queued',
      sourceState: 'PENDING (UPSTREAM_DISABLED)',
    });
    expect(
      fake
        .calls('fetch_error')
        .map(r => r.data.task_id)
        .sort(),
    ).toEqual(['Disabled_1', 'Unknown_1']);
  });

  it('reads only what changed since the cursor, and re-reads blocked tasks when their upstream changes', async () => {
    const luigi = provider();
    const first = await luigi.listRuns({});
    expect(first.runs).toHaveLength(17);
    expect(decodeCursor(first.cursor)).toEqual({
      since: MAX_UPDATED - 0.5,
      blocked: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(fake.calls('fetch_error')).toHaveLength(2);

    // Nothing changed: only the tasks within the overlap come again.
    const second = await luigi.listRuns({ cursor: first.cursor });
    const everything: LuigiTaskMap = {
      ...readFixture('task_list_DONE.json').response,
      ...readFixture('task_list_FAILED.json').response,
      ...readFixture('task_list_PENDING.json').response,
    };
    const recent = Object.keys(everything).filter(
      id => everything[id].last_updated! >= MAX_UPDATED - 0.5,
    );
    expect(recent).toHaveLength(8);
    expect(second.runs.map(r => r.id).sort()).toEqual(recent.sort());
    expect(second.cursor).toBe(first.cursor);
    // FlakyEnrichment_2026_11_02 came again: its explanation is remembered.
    expect(second.runs.map(r => r.id)).toContain(
      'FlakyEnrichment_2026_11_02_4af173e6ca',
    );
    expect(fake.calls('fetch_error')).toHaveLength(2);

    // FlakyEnrichment for 2026-11-04 is retried and succeeds: its downstream
    // TopTracksReport is no longer blocked, though its own last_updated stays.
    const failed = { ...(fake.lists.FAILED as LuigiTaskMap) };
    const retried = failed.FlakyEnrichment_2026_11_04_19a44e81ec;
    delete failed.FlakyEnrichment_2026_11_04_19a44e81ec;
    fake.lists.FAILED = failed;
    fake.lists.DONE = {
      ...(fake.lists.DONE as LuigiTaskMap),
      FlakyEnrichment_2026_11_04_19a44e81ec: {
        ...retried,
        status: 'DONE',
        time_running: MAX_UPDATED + 90,
        last_updated: MAX_UPDATED + 100,
      },
    };
    const blocked = {
      ...(fake.lists['PENDING:UPSTREAM_FAILED'] as LuigiTaskMap),
    };
    delete blocked.TopTracksReport_2026_11_04_19a44e81ec;
    fake.lists['PENDING:UPSTREAM_FAILED'] = blocked;

    const third = await luigi.listRuns({ cursor: second.cursor });
    const thirdRuns = byId(third.runs);
    // The overlap of the last cursor, the changed task and, as the set of
    // blocked tasks changed, every PENDING task.
    expect(Object.keys(thirdRuns).sort()).toEqual(
      [
        ...recent,
        'DailyReports_4_2026_11_01_1fb86c237c',
        'FlakyEnrichment_2026_11_04_19a44e81ec',
        'TopTracksReport_2026_11_02_4af173e6ca',
        'TopTracksReport_2026_11_04_19a44e81ec',
      ].sort(),
    );
    expect(thirdRuns.FlakyEnrichment_2026_11_04_19a44e81ec).toMatchObject({
      state: 'succeeded',
      sourceState: 'DONE',
      startedAt: seconds(MAX_UPDATED + 90),
      endedAt: seconds(MAX_UPDATED + 100),
      errorMessage: undefined,
    });
    expect(thirdRuns.TopTracksReport_2026_11_04_19a44e81ec).toMatchObject({
      state: 'queued',
      sourceState: 'PENDING',
    });
    expect(thirdRuns.TopTracksReport_2026_11_02_4af173e6ca).toMatchObject({
      sourceState: 'PENDING (UPSTREAM_FAILED)',
    });
    expect(decodeCursor(third.cursor)!.since).toBe(MAX_UPDATED + 100 - 0.5);

    const fourth = await luigi.listRuns({ cursor: third.cursor });
    expect(fourth.runs.map(r => r.id)).toEqual([
      'FlakyEnrichment_2026_11_04_19a44e81ec',
    ]);
  });

  it('starts the next poll earlier by the time the lists took to read', async () => {
    // Each reading of the clock moves it on by 700 ms: the sweep takes 0.7 s.
    const luigi = provider({ now: () => (clock += 700) });
    const { cursor } = await luigi.listRuns({});
    expect(decodeCursor(cursor)!.since).toBeCloseTo(MAX_UPDATED - 0.7 - 0.5, 6);
  });

  it('keeps the later copy of a task that moved between two lists while they were read', async () => {
    const done = readFixture('task_list_DONE.json').response;
    const doneCopy = done.TopTracksReport_2026_11_01_6468bfe8de;
    fake.lists.RUNNING = {
      TopTracksReport_2026_11_01_6468bfe8de: {
        ...doneCopy,
        status: 'RUNNING',
        last_updated: doneCopy.time_running,
      },
    };
    const runs = byId((await provider().listRuns({})).runs);
    expect(runs.TopTracksReport_2026_11_01_6468bfe8de).toMatchObject({
      state: 'succeeded',
      sourceState: 'DONE',
    });
  });

  it('reads everything again after a cursor it cannot read', async () => {
    const logger = mockServices.logger.mock();
    const luigi = provider({ logger });
    const { runs } = await luigi.listRuns({ cursor: '2026-11-01T00:00:00Z' });
    expect(runs).toHaveLength(17);
    const providerLogger = (logger.child as jest.Mock).mock.results[0].value;
    expect(providerLogger.warn).toHaveBeenCalledWith(
      'Error: Not a Luigi provider cursor: 2026-11-01T00:00:00Z; reading every task again',
    );
  });

  it('reports family dependencies from one graph request, reused until stale or a family appears', async () => {
    const luigi = provider({ dependencyRefreshMs: 60_000 });
    await luigi.listPipelines({});
    await luigi.listRuns({});

    const edges = await luigi.listDependencies({});

    expect(edges).toEqual([
      { upstream: 'ExtractPlays', downstream: 'AggregateStreams' },
      { upstream: 'TopTracksReport', downstream: 'DailyReports' },
      { upstream: 'AggregateStreams', downstream: 'FlakyEnrichment' },
      { upstream: 'AggregateStreams', downstream: 'TopTracksReport' },
      { upstream: 'FlakyEnrichment', downstream: 'TopTracksReport' },
    ]);
    expect(fake.calls('graph')).toHaveLength(1);
    expect(fake.calls('dep_graph')).toHaveLength(0);

    // Next poll, nothing new: no graph request.
    await luigi.listPipelines({});
    await luigi.listRuns({});
    await luigi.listDependencies({});
    expect(fake.calls('graph')).toHaveLength(1);

    // A family the graph did not know shows up: read it again.
    const done = readFixture('task_list_DONE.json').response;
    fake.lists.DONE = {
      ...done,
      PublishCharts_2026_11_01_cccccccccc: {
        ...done.TopTracksReport_2026_11_01_6468bfe8de,
        name: 'PublishCharts',
      },
    };
    fake.graph = {
      ...fake.graph,
      PublishCharts_2026_11_01_cccccccccc: {
        ...fake.graph.TopTracksReport_2026_11_01_6468bfe8de,
        name: 'PublishCharts',
        deps: ['TopTracksReport_2026_11_01_6468bfe8de'],
      },
    };
    await luigi.listPipelines({});
    await luigi.listRuns({});
    expect(await luigi.listDependencies({})).toContainEqual({
      upstream: 'TopTracksReport',
      downstream: 'PublishCharts',
    });
    expect(fake.calls('graph')).toHaveLength(2);

    // After the refresh interval it is read again, however quiet things are.
    clock += 60_000;
    await luigi.listDependencies({});
    expect(fake.calls('graph')).toHaveLength(3);
  });

  it('lists families only the dependency graph names as pipelines too', async () => {
    fake.graph = {
      ...fake.graph,
      // A pruned dependency: luigid answers a stub guessed from the id.
      ExtractPlays_2026_10_31_dddddddddd: {
        deps: [],
        status: 'UNKNOWN',
        workers: [],
        start_time: 'UNKNOWN',
        params: { task_id: 'ExtractPlays_2026_10_31_dddddddddd' },
        name: 'ExtractPlays',
        priority: 0,
      },
      RawPlays_2026_10_31_eeeeeeeeee: {
        deps: [],
        status: 'UNKNOWN',
        workers: [],
        start_time: 'UNKNOWN',
        params: { task_id: 'RawPlays_2026_10_31_eeeeeeeeee' },
        name: 'RawPlays',
        priority: 0,
      },
      ExtractPlays_2026_11_01_6468bfe8de: {
        ...fake.graph.ExtractPlays_2026_11_01_6468bfe8de,
        deps: ['RawPlays_2026_10_31_eeeeeeeeee'],
      },
    };
    const luigi = provider();
    expect(await luigi.listDependencies({})).toContainEqual({
      upstream: 'RawPlays',
      downstream: 'ExtractPlays',
    });
    expect((await luigi.listPipelines({})).map(p => p.name)).toContain(
      'RawPlays',
    );
  });

  describe('errors', () => {
    it('throws when luigid answers 500', async () => {
      fake.override = r =>
        r.method === 'task_list' && r.data.status === 'DONE'
          ? { status: 500, body: '<html>500: Internal Server Error</html>' }
          : undefined;
      await expect(provider().listRuns({})).rejects.toThrow(
        /GET http:\/\/127\.0\.0\.1:\d+\/api\/task_list\?data=.* answered 500 Internal Server Error/,
      );
    });

    it('throws when luigid does not answer in time', async () => {
      fake.override = r =>
        r.method === 'task_list' ? { delayMs: 2_000, body: '{}' } : undefined;
      await expect(provider({ timeoutMs: 100 }).listRuns({})).rejects.toThrow(
        /timed out after 100 ms/,
      );
    });

    it('throws on malformed JSON', async () => {
      fake.override = r =>
        r.method === 'task_list' ? { body: '{"response": {' } : undefined;
      await expect(provider().listPipelines({})).rejects.toThrow(
        /answered malformed JSON/,
      );
    });

    it('throws on JSON that is not a Luigi answer', async () => {
      fake.override = r =>
        r.method === 'task_list' ? { body: '{"tasks": []}' } : undefined;
      await expect(provider().listPipelines({})).rejects.toThrow(
        /without the "response" field of Luigi's API/,
      );
    });

    it('throws when a proxy refuses the credentials', async () => {
      fake.override = () => ({ status: 401, body: 'Unauthorized' });
      await expect(provider().listRuns({})).rejects.toThrow(
        /answered 401 Unauthorized.*check the username, password or headers/,
      );
    });

    it('throws, naming max_shown_tasks, when luigid answers a count instead of the tasks', async () => {
      fake.lists.DONE = { num_tasks: 150000 };
      await expect(provider().listRuns({})).rejects.toThrow(
        'has 150000 tasks, more than its max_shown_tasks with status DONE, so task_list answered a count instead of the tasks. Raise max_shown_tasks in the [scheduler] section of luigid',
      );
    });

    it('throws for a count of tasks blocked upstream too', async () => {
      // With an upstream status, luigid answers -1 instead of the count.
      fake.lists['PENDING:UPSTREAM_FAILED'] = { num_tasks: -1 };
      await expect(provider().listPipelines({})).rejects.toThrow(
        /has more tasks than its max_shown_tasks with status PENDING \(UPSTREAM_FAILED\)/,
      );
    });

    it('throws when fetch_error fails', async () => {
      fake.override = r =>
        r.method === 'fetch_error'
          ? { status: 502, body: 'Bad Gateway' }
          : undefined;
      await expect(provider().listRuns({})).rejects.toThrow(
        /api\/fetch_error\?data=.* answered 502/,
      );
    });

    it('throws when the graph cannot be read', async () => {
      fake.override = r =>
        r.method === 'graph' ? { status: 500, body: 'oops' } : undefined;
      await expect(provider().listDependencies({})).rejects.toThrow(
        /api\/graph answered 500/,
      );
    });
  });

  describe('requests', () => {
    it('sends basic-auth credentials and extra headers for a proxy', async () => {
      await provider({
        username: 'svc-backstage',
        password: 's3cret',
        headers: { 'X-Proxy-Token': 'token-1' },
      }).listPipelines({});
      const { headers } = fake.requests[0];
      expect(headers.authorization).toBe(
        `Basic ${Buffer.from('svc-backstage:s3cret').toString('base64')}`,
      );
      expect(headers['x-proxy-token']).toBe('token-1');
    });

    it('moves credentials out of the base URL, keeping them out of errors', async () => {
      fake.override = r =>
        r.method === 'graph' ? { status: 500, body: 'oops' } : undefined;
      const luigi = provider({
        baseUrl: fake.url.replace('http://', 'http://svc:s%40cret@'),
      });
      await luigi.listPipelines({});
      expect(fake.requests[0].headers.authorization).toBe(
        `Basic ${Buffer.from('svc:s@cret').toString('base64')}`,
      );
      await expect(luigi.listDependencies({})).rejects.toThrow(
        /^GET http:\/\/127\.0\.0\.1:\d+\/api\/graph answered 500/,
      );
    });

    it('works behind a path prefix and sends max_shown_tasks when configured', async () => {
      const luigi = provider({
        baseUrl: `${fake.url}/luigi/`,
        maxShownTasks: 500000,
      });
      await luigi.listPipelines({});
      const [first] = fake.calls('task_list');
      expect(first.path).toBe('/luigi/api/task_list');
      expect(first.data).toEqual({
        status: 'PENDING',
        upstream_status: '',
        search: '',
        max_shown_tasks: 500000,
      });
    });

    it('links to another UI address when configured', async () => {
      const luigi = provider({ uiUrl: 'https://luigi.example.com/' });
      const [pipeline] = await luigi.listPipelines({});
      expect(pipeline.url).toBe(
        'https://luigi.example.com/static/visualiser/index.html#family=AggregateStreams',
      );
      const { runs } = await luigi.listRuns({});
      expect(runs[0].url).toMatch(
        /^https:\/\/luigi\.example\.com\/static\/visualiser\/index\.html#tab=graph&taskId=/,
      );
    });

    it('refuses an instance id that would make ambiguous ids', () => {
      expect(() => provider({ id: 'a:b' })).toThrow(
        "Invalid Luigi provider id 'a:b'",
      );
    });
  });
});
