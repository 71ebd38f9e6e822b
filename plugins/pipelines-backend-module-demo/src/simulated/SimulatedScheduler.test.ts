import { InputError, NotFoundError } from '@backstage/errors';
import { BackfillStatus, ProviderRun } from '@tributary/plugin-pipelines-node';
import {
  SimulatedPipelineSpec,
  SimulatedScheduler,
  SimulatedSchedulerOptions,
} from './SimulatedScheduler';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = new Date('2026-03-10T12:00:00Z');

const PLAYS: SimulatedPipelineSpec = {
  name: 'royalties.hourly_plays',
  title: 'Hourly plays',
  cadence: 'hourly',
  owners: ['royalties'],
  meanDurationMinutes: 20,
  failureRate: 0.2,
  errorMessages: ['Executor lost', 'Quota exceeded'],
};
const STATEMENTS: SimulatedPipelineSpec = {
  name: 'royalties.daily_statements',
  description: 'Statements per rights holder',
  cadence: 'daily',
  owners: ['royalties', 'finance'],
  sourceCodeUrl: 'https://git.example.com/royalties',
  meanDurationMinutes: 90,
  failureRate: 0.1,
  errorMessages: ['Upstream partition missing'],
  upstream: ['royalties.hourly_plays'],
};
/** Never fails by chance, so outcomes are known. */
const RELIABLE: SimulatedPipelineSpec = {
  ...PLAYS,
  name: 'reliable.hourly',
  failureRate: 0,
};

let now: Date;
const setNow = (time: Date | number) => {
  now = new Date(time);
};

function scheduler(options: Partial<SimulatedSchedulerOptions> = {}) {
  return SimulatedScheduler.create({
    pipelines: [PLAYS, STATEMENTS, RELIABLE],
    seed: 42,
    historyDays: 3,
    clock: () => now,
    ...options,
  });
}

/** Every page of one answer. */
async function listAll(provider: SimulatedScheduler, cursor?: string) {
  const runs: ProviderRun[] = [];
  let next = cursor;
  for (;;) {
    const page = await provider.listRuns({ cursor: next });
    runs.push(...page.runs);
    next = page.cursor;
    if (!page.hasMore) return { runs, cursor: next };
  }
}

async function runsAt(time: Date | number, provider = scheduler()) {
  setNow(time);
  return (await listAll(provider)).runs;
}

const runId = (name: string, partition: string, attempt: number, prefix = '') =>
  `${prefix}${name}@${new Date(partition).toISOString()}#${attempt}`;

const byId = (runs: ProviderRun[]) => new Map(runs.map(run => [run.id, run]));

function changedIn(run: ProviderRun, since: number, until: number) {
  return [run.queuedAt, run.startedAt, run.endedAt].some(
    time => time && time.getTime() > since && time.getTime() <= until,
  );
}

beforeEach(() => setNow(START));

describe('SimulatedScheduler', () => {
  it('reads as a simulation', () => {
    const provider = scheduler();
    expect(provider.id).toBe('simulated:demo');
    expect(provider.type).toBe('simulated');
    expect(provider.title).toBe('Simulated scheduler (demo)');
    expect(provider.capabilities).toEqual({
      triggerRun: true,
      nativeBackfill: true,
      taskDependencies: true,
    });
    expect(provider.schedule.frequency).toEqual({ seconds: 10 });
  });

  it('rejects specs that contradict each other', () => {
    expect(() => scheduler({ pipelines: [PLAYS, PLAYS] })).toThrow(
      /defined twice/,
    );
    expect(() => scheduler({ pipelines: [STATEMENTS] })).toThrow(
      /unknown pipeline 'royalties.hourly_plays'/,
    );
    expect(() =>
      scheduler({ pipelines: [{ ...PLAYS, failureRate: 1.5 }] }),
    ).toThrow(/0\.\.1/);
  });

  it('lists pipelines with schedules, owners and links', async () => {
    const pipelines = await scheduler({
      pipelines: [PLAYS, STATEMENTS],
      uiBaseUrl: 'https://tributary.example.com/',
    }).listPipelines();
    expect(pipelines).toEqual([
      {
        name: 'royalties.hourly_plays',
        title: 'Hourly plays',
        description: 'A hourly demo pipeline (simulated)',
        schedule: '@hourly',
        owners: ['royalties'],
        url: 'https://tributary.example.com/simulated/royalties.hourly_plays',
        sourceCodeUrl: undefined,
      },
      {
        name: 'royalties.daily_statements',
        title: undefined,
        description: 'Statements per rights holder (simulated)',
        schedule: '@daily',
        owners: ['royalties', 'finance'],
        url: 'https://tributary.example.com/simulated/royalties.daily_statements',
        sourceCodeUrl: 'https://git.example.com/royalties',
      },
    ]);
    const [withoutUi] = await scheduler().listPipelines();
    expect(withoutUi.url).toBeUndefined();
  });

  it('lists task dependencies from upstream', async () => {
    expect(await scheduler().listDependencies()).toEqual([
      {
        upstream: 'royalties.hourly_plays',
        downstream: 'royalties.daily_statements',
      },
    ]);
  });

  describe('scheduled runs', () => {
    it('are the same for the same seed and differ for another', async () => {
      const runs = await runsAt(START);
      expect(await runsAt(START)).toEqual(runs);
      expect(await runsAt(START, scheduler({ seed: 43 }))).not.toEqual(runs);
    });

    it('cover the partitions of the history window due by now', async () => {
      const runs = await runsAt(START);
      const firstAttempts = (name: string) =>
        runs
          .filter(run => run.pipelineName === name && run.attempt === 1)
          .map(run => run.partition!.toISOString());
      expect(firstAttempts(STATEMENTS.name)).toEqual([
        '2026-03-08T00:00:00.000Z',
        '2026-03-09T00:00:00.000Z',
      ]);
      const hourly = firstAttempts(PLAYS.name);
      expect(hourly).toHaveLength(72);
      expect(hourly[0]).toBe('2026-03-07T12:00:00.000Z');
      expect(hourly[71]).toBe('2026-03-10T11:00:00.000Z');
      expect(runs.every(run => run.partitionEnd! <= START)).toBe(true);
    });

    it('go from queued to running to done as time passes', async () => {
      const late: SimulatedPipelineSpec = {
        ...RELIABLE,
        startDelayMinutes: 15,
      };
      const provider = scheduler({ pipelines: [late] });
      const id = runId(late.name, '2026-03-10T10:00:00Z', 1);
      const dueAt = new Date('2026-03-10T11:15:00Z').getTime();

      expect(byId(await runsAt(dueAt - 1, provider)).get(id)).toBeUndefined();
      expect(byId(await runsAt(dueAt, provider)).get(id)).toEqual(
        expect.objectContaining({
          state: 'queued',
          sourceState: 'SIM_QUEUED',
          queuedAt: new Date(dueAt),
          startedAt: undefined,
          partition: new Date('2026-03-10T10:00:00Z'),
          partitionEnd: new Date('2026-03-10T11:00:00Z'),
        }),
      );

      const done = byId(await runsAt(dueAt + DAY, provider)).get(id)!;
      expect(done).toEqual(
        expect.objectContaining({
          state: 'succeeded',
          sourceState: 'SIM_SUCCESS',
          queuedAt: new Date(dueAt),
        }),
      );
      const startedAt = done.startedAt!.getTime();
      const endedAt = done.endedAt!.getTime();
      expect(startedAt - dueAt).toBeGreaterThanOrEqual(0);
      expect(startedAt - dueAt).toBeLessThanOrEqual(3 * MINUTE);
      expect(endedAt - startedAt).toBeGreaterThanOrEqual(10 * MINUTE);
      expect(endedAt - startedAt).toBeLessThanOrEqual(50 * MINUTE);

      expect(byId(await runsAt(startedAt, provider)).get(id)).toEqual(
        expect.objectContaining({ state: 'running', endedAt: undefined }),
      );
      expect(byId(await runsAt(endedAt - 1, provider)).get(id)?.state).toBe(
        'running',
      );
      expect(byId(await runsAt(endedAt, provider)).get(id)).toEqual(done);
    });

    it('fail about as often as asked, each failure retried once', async () => {
      const runs = await runsAt(
        START,
        scheduler({ pipelines: [PLAYS], historyDays: 30 }),
      );
      const runsOf = new Map<string, ProviderRun[]>();
      for (const run of runs) {
        const key = run.partition!.toISOString();
        runsOf.set(key, [...(runsOf.get(key) ?? []), run]);
      }
      const partitions = [...runsOf.values()];
      const retried = partitions.filter(attempts => attempts.length === 2);
      expect(partitions).toHaveLength(720);
      expect(retried.length / partitions.length).toBeGreaterThan(0.12);
      expect(retried.length / partitions.length).toBeLessThan(0.28);
      for (const [first, second] of retried) {
        expect(first).toEqual(
          expect.objectContaining({ attempt: 1, state: 'failed' }),
        );
        expect(PLAYS.errorMessages).toContain(first.errorMessage);
        expect(second.attempt).toBe(2);
        const gap = second.queuedAt!.getTime() - first.endedAt!.getTime();
        expect(gap).toBeGreaterThanOrEqual(2 * MINUTE);
        expect(gap).toBeLessThanOrEqual(5 * MINUTE);
      }
      expect(
        retried.filter(([, second]) => second.state === 'succeeded'),
      ).not.toHaveLength(0);
    });

    it('all fail from failingSince on, retries too', async () => {
      const failingSince = new Date('2026-03-09T00:00:00Z');
      const runs = await runsAt(
        START,
        scheduler({ pipelines: [{ ...RELIABLE, failingSince }] }),
      );
      const before = runs.filter(run => run.partition! < failingSince);
      const after = runs.filter(
        run => run.partition! >= failingSince && run.endedAt,
      );
      expect(before.length).toBeGreaterThan(0);
      expect(before.map(run => [run.attempt, run.state])).toEqual(
        before.map(() => [1, 'succeeded']),
      );
      expect(after.filter(run => run.attempt === 2).length).toBeGreaterThan(24);
      expect(after.map(run => [run.state, run.sourceState])).toEqual(
        after.map(() => ['failed', 'SIM_FAILED']),
      );
    });
  });

  describe('listRuns with a cursor', () => {
    it('answers exactly the runs that changed since, as they are now', async () => {
      const provider = scheduler();
      const { cursor } = await listAll(provider);

      setNow(START.getTime() + HOUR);
      const delta = await provider.listRuns({ cursor });
      const expected = (await runsAt(now)).filter(run =>
        changedIn(run, START.getTime(), now.getTime()),
      );
      expect(expected.length).toBeGreaterThan(2);
      expect(delta.runs).toEqual(expected);
      expect(delta.hasMore).toBeFalsy();

      expect((await provider.listRuns({ cursor: delta.cursor })).runs).toEqual(
        [],
      );
    });

    it('keeps a copy of the runs current, poll after poll', async () => {
      const provider = scheduler();
      let { runs, cursor } = await listAll(provider);
      const copy = byId(runs);
      for (let time = START.getTime(); time < START.getTime() + DAY; ) {
        time += 7 * MINUTE;
        setNow(time);
        ({ runs, cursor } = await listAll(provider, cursor));
        runs.forEach(run => copy.set(run.id, run));
      }
      const truth = await runsAt(now);
      expect(truth.map(run => copy.get(run.id))).toEqual(truth);
    });

    it('pages the first answer and resumes at the instant it describes', async () => {
      const pipelines = Array.from({ length: 12 }, (_, i) => ({
        ...PLAYS,
        name: `demo.p${i}`,
      }));
      const provider = scheduler({ pipelines, historyDays: 30 });
      const pages = [];
      let cursor: string | undefined;
      do {
        // The clock moves on between pages; the answer must not.
        pages.push(await provider.listRuns({ cursor }));
        cursor = pages[pages.length - 1].cursor;
        setNow(now.getTime() + 10 * MINUTE);
      } while (pages[pages.length - 1].hasMore);
      expect(pages.length).toBeGreaterThan(1);
      expect(pages[0].runs).toHaveLength(5000);

      const paged = pages.flatMap(page => page.runs);
      expect(new Set(paged.map(run => run.id)).size).toBe(paged.length);
      expect(paged.filter(run => run.attempt === 1)).toHaveLength(12 * 720);
      setNow(START);
      expect(paged).toEqual(
        await runsAt(START, scheduler({ pipelines, historyDays: 30 })),
      );

      setNow(START.getTime() + 30 * MINUTE);
      const delta = await provider.listRuns({ cursor });
      expect(delta.runs.length).toBeGreaterThan(0);
      expect(
        delta.runs.every(run =>
          changedIn(run, START.getTime(), START.getTime() + 30 * MINUTE),
        ),
      ).toBe(true);
    });

    it('answers everything again for an unreadable cursor', async () => {
      const provider = scheduler();
      const all = await listAll(provider);
      expect((await listAll(provider, 'garbage')).runs).toEqual(all.runs);
    });
  });

  describe('triggerRun', () => {
    it('rejects unknown pipelines, unaligned and future partitions', async () => {
      const provider = scheduler();
      await expect(
        provider.triggerRun({ pipelineName: 'nope', partition: START }),
      ).rejects.toThrow(InputError);
      await expect(
        provider.triggerRun({
          pipelineName: STATEMENTS.name,
          partition: START,
        }),
      ).rejects.toThrow(/not a partition of royalties.daily_statements/);
      await expect(
        provider.triggerRun({
          pipelineName: PLAYS.name,
          partition: new Date(START.getTime() + HOUR),
        }),
      ).rejects.toThrow(/in the future/);
    });

    it('queues a run now that then runs like any other', async () => {
      const provider = scheduler();
      const { cursor } = await listAll(provider);
      setNow(START.getTime() + 5000);
      const partition = new Date('2026-03-01T00:00:00Z');
      const { runId: id } = await provider.triggerRun({
        pipelineName: RELIABLE.name,
        partition,
      });
      expect(id).toBe(
        runId(RELIABLE.name, partition.toISOString(), 1, 'manual-1/'),
      );

      const queued = await provider.listRuns({ cursor });
      expect(byId(queued.runs).get(id)).toEqual(
        expect.objectContaining({
          pipelineName: RELIABLE.name,
          partition,
          state: 'queued',
          queuedAt: now,
        }),
      );

      setNow(START.getTime() + DAY);
      const later = await provider.listRuns({ cursor: queued.cursor });
      expect(byId(later.runs).get(id)).toEqual(
        expect.objectContaining({
          state: 'succeeded',
          queuedAt: new Date(START.getTime() + 5000),
        }),
      );
    });

    it('shows in the next delta when triggered in the instant of a poll', async () => {
      const provider = scheduler();
      const { cursor } = await listAll(provider);
      const { runId: id } = await provider.triggerRun({
        pipelineName: PLAYS.name,
        partition: new Date('2026-03-10T09:00:00Z'),
      });
      setNow(START.getTime() + MINUTE);
      const delta = await provider.listRuns({ cursor });
      expect(delta.runs.map(run => run.id)).toContain(id);
    });
  });

  describe('backfills', () => {
    const DAY_OF_HOURS = {
      pipelineName: RELIABLE.name,
      start: new Date('2026-03-09T00:00:00Z'),
      end: new Date('2026-03-10T00:00:00Z'),
      concurrency: 3,
      order: 'newest' as const,
    };

    it('rejects requests it cannot run', async () => {
      const provider = scheduler();
      const invalid = [
        { pipelineName: 'nope' },
        { concurrency: 0 },
        { concurrency: 1.5 },
        { start: new Date('2026-03-09T00:30:00Z') },
        { end: DAY_OF_HOURS.start },
        { partitions: [new Date('2026-03-10T00:00:00Z')] },
        { partitions: [new Date('2026-03-09T05:30:00Z')] },
        { partitions: [] },
        { end: new Date('2026-03-10T14:00:00Z') },
      ];
      for (const change of invalid) {
        await expect(
          provider.createBackfill({ ...DAY_OF_HOURS, ...change }),
        ).rejects.toThrow(InputError);
      }
      await expect(provider.getBackfill('backfill-1')).rejects.toThrow(
        NotFoundError,
      );
      await expect(provider.cancelBackfill('backfill-1')).rejects.toThrow(
        NotFoundError,
      );
    });

    it('runs backfills actionSpeedup times faster than scheduled runs', async () => {
      const span = async (actionSpeedup: number) => {
        setNow(START);
        const provider = scheduler({ historyDays: 1, actionSpeedup });
        await provider.createBackfill({ ...DAY_OF_HOURS, concurrency: 24 });
        const runs = (
          await runsAt(START.getTime() + 8 * HOUR, provider)
        ).filter(run => run.id.startsWith('backfill-1/'));
        expect(runs.map(run => run.state)).not.toContain('running');
        return (
          Math.max(...runs.map(run => run.endedAt!.getTime())) - START.getTime()
        );
      };
      const normal = await span(1);
      const fast = await span(60);
      expect(normal).toBeGreaterThan(20 * MINUTE);
      expect(fast).toBeLessThan(normal / 30);
    });

    it('runs partitions in the order asked, never more than concurrency at once', async () => {
      const provider = scheduler({ historyDays: 1 });
      const created = await provider.createBackfill(DAY_OF_HOURS);
      expect(created).toEqual({
        id: 'backfill-1',
        state: 'queued',
        completed: 0,
        total: 24,
      });

      let maxRunning = 0;
      const statuses: BackfillStatus[] = [];
      let backfillRuns: ProviderRun[] = [];
      for (let time = START.getTime(); time <= START.getTime() + 8 * HOUR; ) {
        time += MINUTE;
        backfillRuns = (await runsAt(time, provider)).filter(run =>
          run.id.startsWith('backfill-1/'),
        );
        const running = backfillRuns.filter(run => run.state === 'running');
        maxRunning = Math.max(maxRunning, running.length);
        statuses.push(await provider.getBackfill('backfill-1'));
      }
      expect(maxRunning).toBe(3);
      expect(statuses.map(s => s.state)).toContain('running');
      const completed = statuses.map(s => s.completed!);
      expect(completed).toEqual([...completed].sort((a, b) => a - b));
      expect(statuses[statuses.length - 1]).toEqual({
        id: 'backfill-1',
        state: 'succeeded',
        completed: 24,
        total: 24,
      });

      expect(backfillRuns).toHaveLength(24);
      const starts = backfillRuns
        .sort((a, b) => b.partition!.getTime() - a.partition!.getTime())
        .map(run => run.startedAt!.getTime());
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      expect(backfillRuns[0].partition).toEqual(
        new Date('2026-03-09T23:00:00Z'),
      );

      // A finished backfill stays what it was.
      expect((await provider.cancelBackfill('backfill-1')).state).toBe(
        'succeeded',
      );
    });

    it('runs only the partitions named, and fails when a last attempt fails', async () => {
      const provider = scheduler();
      const partitions = [
        new Date('2026-03-09T05:00:00Z'),
        new Date('2026-03-09T02:00:00Z'),
      ];
      const created = await provider.createBackfill({
        ...DAY_OF_HOURS,
        pipelineName: PLAYS.name,
        partitions,
        order: 'oldest',
      });
      expect(created.total).toBe(2);
      const runs = (await runsAt(START.getTime() + DAY, provider)).filter(run =>
        run.id.startsWith(`${created.id}/`),
      );
      expect(new Set(runs.map(run => run.partition!.toISOString()))).toEqual(
        new Set(partitions.map(p => p.toISOString())),
      );

      const broken = scheduler({
        pipelines: [{ ...PLAYS, failureRate: 1 }],
      });
      setNow(START);
      const doomed = await broken.createBackfill({
        ...DAY_OF_HOURS,
        pipelineName: PLAYS.name,
      });
      setNow(START.getTime() + 2 * DAY);
      expect(await broken.getBackfill(doomed.id)).toEqual({
        id: 'backfill-1',
        state: 'failed',
        completed: 24,
        total: 24,
      });
    });

    it('aborts unstarted runs on cancel and lets started ones finish', async () => {
      const provider = scheduler({ historyDays: 1 });
      const { id } = await provider.createBackfill({
        ...DAY_OF_HOURS,
        concurrency: 2,
        order: 'oldest',
      });
      setNow(START.getTime() + 29 * MINUTE);
      const { cursor } = await listAll(provider);

      const cancelledAt = new Date(START.getTime() + 30 * MINUTE);
      setNow(cancelledAt);
      expect(await provider.cancelBackfill(id)).toEqual(
        expect.objectContaining({ state: 'cancelled', total: 24 }),
      );

      setNow(START.getTime() + 31 * MINUTE);
      const delta = await provider.listRuns({ cursor });
      const aborted = delta.runs.filter(run => run.state === 'aborted');
      expect(aborted.length).toBeGreaterThan(10);
      expect(aborted[0]).toEqual(
        expect.objectContaining({
          sourceState: 'SIM_CANCELLED',
          startedAt: undefined,
          endedAt: cancelledAt,
        }),
      );

      const runs = (await runsAt(START.getTime() + DAY, provider)).filter(run =>
        run.id.startsWith(`${id}/`),
      );
      const started = runs.filter(run => run.state !== 'aborted');
      expect(started.length).toBeGreaterThan(0);
      expect(started.length + aborted.length).toBe(24);
      expect(started.map(run => run.state)).toEqual(
        started.map(() => 'succeeded'),
      );
      expect(started.every(run => run.startedAt! <= cancelledAt)).toBe(true);
      expect(await provider.getBackfill(id)).toEqual({
        id,
        state: 'cancelled',
        completed: started.length,
        total: 24,
      });
    });
  });
});
