import { InputError } from '@backstage/errors';
import {
  BackfillPlanRequest,
  RUN_STATES,
  RunState,
} from '@tributary/plugin-pipelines-common';
import { PartitionRunState, planBackfill } from './planBackfill';

const NOW = new Date('2026-11-01T05:00:00Z');

type PlanOptions = Parameters<typeof planBackfill>[0];

function plan(
  request: Partial<BackfillPlanRequest> | Record<string, unknown>,
  overrides: Partial<PlanOptions> = {},
) {
  return planBackfill({
    pipelineId: 'styx:analytics-pipelines/daily-orders-rollup',
    pipelineName: 'daily-orders-rollup',
    schedule: 'days',
    request: request as BackfillPlanRequest,
    latestRuns: [],
    mode: 'orchestrated',
    now: NOW,
    ...overrides,
  });
}

function planError(
  request: Partial<BackfillPlanRequest> | Record<string, unknown>,
  overrides: Partial<PlanOptions> = {},
): Error {
  let caught: unknown;
  try {
    plan(request, overrides);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InputError);
  return caught as Error;
}

const run = (partition: string, state: RunState): PartitionRunState => ({
  partition: new Date(partition),
  state,
});

const october = { start: '2026-10-01T00:00:00Z', end: '2026-10-04T00:00:00Z' };

describe('planBackfill', () => {
  it('plans every partition of the range with the defaults', () => {
    expect(plan(october)).toEqual({
      pipelineId: 'styx:analytics-pipelines/daily-orders-rollup',
      start: '2026-10-01T00:00:00.000Z',
      end: '2026-10-04T00:00:00.000Z',
      concurrency: 1,
      order: 'oldest',
      onlyFailedOrMissing: false,
      mode: 'orchestrated',
      partitions: [
        {
          partition: '2026-10-01T00:00:00.000Z',
          partitionEnd: '2026-10-02T00:00:00.000Z',
          action: 'run',
          reason: 'never ran',
        },
        {
          partition: '2026-10-02T00:00:00.000Z',
          partitionEnd: '2026-10-03T00:00:00.000Z',
          action: 'run',
          reason: 'never ran',
        },
        {
          partition: '2026-10-03T00:00:00.000Z',
          partitionEnd: '2026-10-04T00:00:00.000Z',
          action: 'run',
          reason: 'never ran',
        },
      ],
      runCount: 3,
      skipCount: 0,
    });
  });

  it('echoes the options it was given', () => {
    const result = plan(
      {
        ...october,
        concurrency: 4,
        order: 'newest',
        onlyFailedOrMissing: true,
      },
      { mode: 'native', pipelineId: 'airflow:etl' },
    );
    expect(result).toMatchObject({
      pipelineId: 'airflow:etl',
      concurrency: 4,
      order: 'newest',
      onlyFailedOrMissing: true,
      mode: 'native',
    });
  });

  it('normalizes start and end to ISO strings in UTC', () => {
    const result = plan({
      start: '2026-10-01',
      end: '2026-10-03T02:00:00+02:00',
    });
    expect(result.start).toBe('2026-10-01T00:00:00.000Z');
    expect(result.end).toBe('2026-10-03T00:00:00.000Z');
    expect(result.partitions.map(p => p.partition)).toEqual([
      '2026-10-01T00:00:00.000Z',
      '2026-10-02T00:00:00.000Z',
    ]);
  });

  it.each([
    ['2026-10-01T00:00Z'],
    ['2026-10-01t00:00:00z'],
    ['2026-10-01T00:00:00.000000Z'],
    ['2026-10-01T05:30:00+05:30'],
    ['2026-09-30T19:00:00-0500'],
  ])('reads %p as 2026-10-01T00:00Z', start => {
    expect(plan({ ...october, start }).start).toBe('2026-10-01T00:00:00.000Z');
  });

  describe('actions', () => {
    it.each<[RunState | undefined, boolean, string, string]>([
      [undefined, false, 'run', 'never ran'],
      [undefined, true, 'run', 'never ran'],
      ['failed', false, 'rerun', 'failed'],
      ['failed', true, 'rerun', 'failed'],
      ['aborted', false, 'rerun', 'aborted'],
      ['aborted', true, 'rerun', 'aborted'],
      ['queued', false, 'skip', 'queued'],
      ['queued', true, 'skip', 'queued'],
      ['running', false, 'skip', 'already running'],
      ['running', true, 'skip', 'already running'],
      ['succeeded', false, 'rerun', 're-run: succeeded before'],
      ['succeeded', true, 'skip', 'succeeded'],
      ['skipped', false, 'rerun', 're-run: skipped before'],
      ['skipped', true, 'skip', 'skipped before'],
      ['unknown', false, 'rerun', 're-run: state of the last run unknown'],
      ['unknown', true, 'skip', 'state of the last run unknown'],
    ])(
      'latest run %p with onlyFailedOrMissing %p: %s (%s)',
      (state, onlyFailedOrMissing, action, reason) => {
        const latestRuns = state ? [run('2026-10-01T00:00:00Z', state)] : [];
        const [partition] = plan(
          {
            start: '2026-10-01T00:00:00Z',
            end: '2026-10-02T00:00:00Z',
            onlyFailedOrMissing,
          },
          { latestRuns },
        ).partitions;
        expect(partition).toEqual({
          partition: '2026-10-01T00:00:00.000Z',
          partitionEnd: '2026-10-02T00:00:00.000Z',
          ...(state ? { currentState: state } : {}),
          action,
          reason,
        });
      },
    );

    it('covers every run state', () => {
      const states = RUN_STATES.map((state, i) =>
        run(`2026-10-${String(i + 1).padStart(2, '0')}T00:00:00Z`, state),
      );
      const result = plan(
        { start: '2026-10-01T00:00:00Z', end: '2026-10-09T00:00:00Z' },
        { latestRuns: states },
      );
      expect(result.partitions.map(p => [p.currentState, p.action])).toEqual([
        ['queued', 'skip'],
        ['running', 'skip'],
        ['succeeded', 'rerun'],
        ['failed', 'rerun'],
        ['aborted', 'rerun'],
        ['skipped', 'rerun'],
        ['unknown', 'rerun'],
        [undefined, 'run'],
      ]);
      expect(result.runCount).toBe(6);
      expect(result.skipCount).toBe(2);
    });

    it('matches runs to partitions whatever their order, ignoring others', () => {
      const result = plan(
        { ...october, onlyFailedOrMissing: true },
        {
          latestRuns: [
            run('2026-10-03T00:00:00Z', 'failed'),
            run('2026-09-30T00:00:00Z', 'failed'),
            run('2026-10-01T00:00:00Z', 'succeeded'),
            run('2026-10-02T12:00:00Z', 'succeeded'),
            run('2026-10-04T00:00:00Z', 'running'),
          ],
        },
      );
      expect(
        result.partitions.map(p => [p.partition, p.action, p.reason]),
      ).toEqual([
        ['2026-10-01T00:00:00.000Z', 'skip', 'succeeded'],
        ['2026-10-02T00:00:00.000Z', 'run', 'never ran'],
        ['2026-10-03T00:00:00.000Z', 'rerun', 'failed'],
      ]);
      expect(result.runCount).toBe(2);
      expect(result.skipCount).toBe(1);
    });
  });

  describe('order', () => {
    const latestRuns = [run('2026-10-02T00:00:00Z', 'running')];

    it('runs the oldest first by default', () => {
      expect(
        plan(october, { latestRuns }).partitions.map(p => [
          p.partition,
          p.action,
        ]),
      ).toEqual([
        ['2026-10-01T00:00:00.000Z', 'run'],
        ['2026-10-02T00:00:00.000Z', 'skip'],
        ['2026-10-03T00:00:00.000Z', 'run'],
      ]);
    });

    it('runs the newest first when asked', () => {
      const result = plan({ ...october, order: 'newest' }, { latestRuns });
      expect(result.order).toBe('newest');
      expect(result.partitions.map(p => [p.partition, p.action])).toEqual([
        ['2026-10-03T00:00:00.000Z', 'run'],
        ['2026-10-02T00:00:00.000Z', 'skip'],
        ['2026-10-01T00:00:00.000Z', 'run'],
      ]);
    });
  });

  describe('schedules', () => {
    it('gives monthly partitions their month lengths', () => {
      const result = plan(
        { start: '2026-01-01T00:00:00Z', end: '2026-04-01T00:00:00Z' },
        { schedule: 'months' },
      );
      expect(result.partitions.map(p => [p.partition, p.partitionEnd])).toEqual(
        [
          ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
          ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
          ['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
        ],
      );
    });

    it('plans hourly partitions', () => {
      const result = plan(
        { start: '2026-10-31T22:00:00Z', end: '2026-11-01T01:00:00Z' },
        { schedule: '@hourly' },
      );
      expect(result.partitions.map(p => p.partition)).toEqual([
        '2026-10-31T22:00:00.000Z',
        '2026-10-31T23:00:00.000Z',
        '2026-11-01T00:00:00.000Z',
      ]);
    });

    it('plans weekday crons, with Friday lasting until Monday', () => {
      const result = plan(
        { start: '2026-10-01T06:00:00Z', end: '2026-10-06T06:00:00Z' },
        { schedule: '0 6 * * 1-5' },
      );
      expect(result.partitions.map(p => [p.partition, p.partitionEnd])).toEqual(
        [
          ['2026-10-01T06:00:00.000Z', '2026-10-02T06:00:00.000Z'],
          ['2026-10-02T06:00:00.000Z', '2026-10-05T06:00:00.000Z'],
          ['2026-10-05T06:00:00.000Z', '2026-10-06T06:00:00.000Z'],
        ],
      );
    });

    it('plans Styx weeks from Monday to Monday', () => {
      const result = plan(
        { start: '2026-10-05T00:00:00Z', end: '2026-10-19T00:00:00Z' },
        { schedule: 'weeks' },
      );
      expect(result.partitions.map(p => p.partitionEnd)).toEqual([
        '2026-10-12T00:00:00.000Z',
        '2026-10-19T00:00:00.000Z',
      ]);
    });

    it('refuses a pipeline without a schedule', () => {
      expect(planError(october, { schedule: undefined }).message).toBe(
        'pipeline daily-orders-rollup has no schedule, so it has no partitions to backfill',
      );
    });

    it('refuses a schedule it cannot align to', () => {
      expect(
        planError(october, { schedule: 'Triggered by assets' }).message,
      ).toContain(
        "the schedule 'Triggered by assets' of pipeline daily-orders-rollup is not one whose partitions can be derived",
      );
    });
  });

  describe('validation', () => {
    it('refuses a request that is not an object', () => {
      expect(
        planError(null as unknown as Record<string, unknown>).message,
      ).toBe('the backfill request must be a JSON object');
    });

    it.each<[string, Record<string, unknown>, string]>([
      [
        'a missing start',
        { end: october.end },
        'start is missing; start must be an ISO-8601 date or date-time with a time zone, such as 2026-10-01T00:00:00Z',
      ],
      [
        'a start that is no date',
        { ...october, start: 'yesterday' },
        "start must be an ISO-8601 date or date-time with a time zone, such as 2026-10-01T00:00:00Z; got 'yesterday'",
      ],
      [
        'a numeric end',
        { ...october, end: 1790000000000 },
        'end must be an ISO-8601 date or date-time with a time zone, such as 2026-10-01T00:00:00Z; got 1790000000000',
      ],
      [
        'a day that does not exist',
        { ...october, start: '2026-02-30T00:00:00Z' },
        "start '2026-02-30T00:00:00Z' is not a valid date or time",
      ],
      [
        'an hour that does not exist',
        { ...october, end: '2026-10-03T24:00:00Z' },
        "end '2026-10-03T24:00:00Z' is not a valid date or time",
      ],
      [
        'a date-time without a zone',
        { ...october, start: '2026-10-01T00:00:00' },
        "start '2026-10-01T00:00:00' has no time zone; add Z for UTC, as in 2026-10-01T00:00:00Z",
      ],
      [
        'sub-millisecond precision',
        { ...october, start: '2026-10-01T00:00:00.0000001Z' },
        "start '2026-10-01T00:00:00.0000001Z' is more precise than a millisecond",
      ],
      [
        'an end before the start',
        { start: october.end, end: october.start },
        'end 2026-10-01T00:00:00.000Z must be after start 2026-10-04T00:00:00.000Z',
      ],
      [
        'an empty range',
        { start: october.start, end: '2026-10-01T00:00:00.000+00:00' },
        'end 2026-10-01T00:00:00.000Z must be after start 2026-10-01T00:00:00.000Z',
      ],
      [
        'a concurrency of 0',
        { ...october, concurrency: 0 },
        'concurrency must be a whole number from 1 to 100; got 0',
      ],
      [
        'a fractional concurrency',
        { ...october, concurrency: 1.5 },
        'concurrency must be a whole number from 1 to 100; got 1.5',
      ],
      [
        'a concurrency over 100',
        { ...october, concurrency: 101 },
        'concurrency must be a whole number from 1 to 100; got 101',
      ],
      [
        'a concurrency written as a string',
        { ...october, concurrency: '2' },
        "concurrency must be a whole number from 1 to 100; got '2'",
      ],
      [
        'an unknown order',
        { ...october, order: 'random' },
        "order must be 'oldest' or 'newest'; got 'random'",
      ],
      [
        'a non-boolean onlyFailedOrMissing',
        { ...october, onlyFailedOrMissing: 'yes' },
        "onlyFailedOrMissing must be true or false; got 'yes'",
      ],
      [
        'a non-boolean allowFuture',
        { ...october, allowFuture: 1 },
        'allowFuture must be true or false; got 1',
      ],
    ])('refuses %s', (_, request, message) => {
      expect(planError(request).message).toContain(message);
    });

    it('accepts concurrency from 1 to 100', () => {
      expect(plan({ ...october, concurrency: 1 }).concurrency).toBe(1);
      expect(plan({ ...october, concurrency: 100 }).concurrency).toBe(100);
    });
  });

  describe('alignment', () => {
    it('names the nearest boundaries of an unaligned start', () => {
      expect(
        planError({ ...october, start: '2026-10-01T03:00:00Z' }).message,
      ).toBe(
        'start 2026-10-01T03:00:00.000Z is not a partition boundary of daily-orders-rollup, which runs daily at 00:00 UTC (days); nearest boundaries are 2026-10-01T00:00:00.000Z and 2026-10-02T00:00:00.000Z',
      );
    });

    it('names the nearest boundaries of an unaligned end', () => {
      expect(
        planError(
          { start: '2026-01-01T00:00:00Z', end: '2026-02-15T00:00:00Z' },
          { schedule: '@monthly', pipelineName: 'monthly-report' },
        ).message,
      ).toBe(
        'end 2026-02-15T00:00:00.000Z is not a partition boundary of monthly-report, which runs monthly on the 1st at 00:00 UTC (@monthly); nearest boundaries are 2026-02-01T00:00:00.000Z and 2026-03-01T00:00:00.000Z',
      );
    });

    it('checks cron boundaries, weekends included', () => {
      expect(
        planError(
          { start: '2026-10-03T06:00:00Z', end: '2026-10-06T06:00:00Z' },
          { schedule: '0 6 * * 1-5' },
        ).message,
      ).toBe(
        "start 2026-10-03T06:00:00.000Z is not a partition boundary of daily-orders-rollup, which runs on the cron schedule '0 6 * * 1-5' (UTC); nearest boundaries are 2026-10-02T06:00:00.000Z and 2026-10-05T06:00:00.000Z",
      );
    });

    it('checks a start given in another zone in UTC', () => {
      expect(
        planError({ ...october, start: '2026-10-01T00:00:00+02:00' }).message,
      ).toContain(
        'start 2026-09-30T22:00:00.000Z is not a partition boundary of daily-orders-rollup',
      );
    });
  });

  describe('partition limit', () => {
    it('refuses more than 1000 partitions by default', () => {
      const hourly = { schedule: '@hourly' };
      // 1000 hours from 2026-01-01T00:00Z end at 2026-02-11T16:00Z.
      expect(
        plan(
          { start: '2026-01-01T00:00:00Z', end: '2026-02-11T16:00:00Z' },
          hourly,
        ).partitions,
      ).toHaveLength(1000);
      expect(
        planError(
          { start: '2026-01-01T00:00:00Z', end: '2026-02-11T17:00:00Z' },
          hourly,
        ).message,
      ).toBe(
        'the range from 2026-01-01T00:00:00.000Z to 2026-02-11T17:00:00.000Z holds more than 1000 partitions of a schedule that runs hourly at minute 0 (@hourly); backfill at most 1000 partitions at a time',
      );
    });

    it('takes another limit', () => {
      expect(plan(october, { maxPartitions: 3 }).partitions).toHaveLength(3);
      expect(planError(october, { maxPartitions: 2 }).message).toContain(
        'holds more than 2 partitions',
      );
    });
  });

  describe('future partitions', () => {
    it('allows a partition that ends exactly now', () => {
      const result = plan(
        { start: '2026-10-31T00:00:00Z', end: '2026-11-01T00:00:00Z' },
        { now: new Date('2026-11-01T00:00:00Z') },
      );
      expect(result.partitions).toHaveLength(1);
    });

    it('refuses a range that reaches past now, naming the first partition', () => {
      expect(
        planError({
          start: '2026-10-30T00:00:00Z',
          end: '2026-11-03T00:00:00Z',
        }).message,
      ).toBe(
        'partition 2026-11-01T00:00:00.000Z of daily-orders-rollup ends in the future, at 2026-11-02T00:00:00.000Z (now is 2026-11-01T05:00:00.000Z); end the range at 2026-11-01T00:00:00.000Z or set allowFuture',
      );
    });

    it('refuses a range wholly in the future', () => {
      expect(
        planError({
          start: '2026-11-01T00:00:00Z',
          end: '2026-11-03T00:00:00Z',
        }).message,
      ).toBe(
        'partition 2026-11-01T00:00:00.000Z of daily-orders-rollup ends in the future, at 2026-11-02T00:00:00.000Z (now is 2026-11-01T05:00:00.000Z); set allowFuture to backfill future partitions',
      );
    });

    it('plans future partitions with allowFuture', () => {
      const result = plan({
        start: '2026-10-31T00:00:00Z',
        end: '2026-11-03T00:00:00Z',
        allowFuture: true,
      });
      expect(result.partitions.map(p => p.partition)).toEqual([
        '2026-10-31T00:00:00.000Z',
        '2026-11-01T00:00:00.000Z',
        '2026-11-02T00:00:00.000Z',
      ]);
      expect(result.runCount).toBe(3);
    });
  });
});
