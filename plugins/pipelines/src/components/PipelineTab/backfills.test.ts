import { ResponseError } from '@backstage/errors';
import { Run } from '@tributary/plugin-pipelines-common';
import {
  defaultBackfillRange,
  errorMessage,
  fromDateTimeInput,
  hasStatus,
  newIdempotencyKey,
  progressPercent,
  progressText,
  scheduleStep,
  toDateTimeInput,
} from './backfills';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function run(partition: string, partitionEnd?: string): Run {
  return {
    id: partition,
    pipelineId: 'p',
    partition,
    partitionEnd,
    state: 'succeeded',
    updatedAt: partition,
  };
}

describe('scheduleStep', () => {
  it('reads presets and once-an-hour or once-a-day cron', () => {
    expect(scheduleStep('@hourly')).toBe(HOUR);
    expect(scheduleStep('@daily')).toBe(DAY);
    expect(scheduleStep('@weekly')).toBe(7 * DAY);
    expect(scheduleStep('15 * * * *')).toBe(HOUR);
    expect(scheduleStep('0 3 * * *')).toBe(DAY);
  });

  it('leaves schedules it cannot read plainly to the runs', () => {
    expect(scheduleStep(undefined)).toBeUndefined();
    expect(scheduleStep('@monthly')).toBeUndefined();
    expect(scheduleStep('0 */6 * * *')).toBeUndefined();
    expect(scheduleStep('0 0 * * 1')).toBeUndefined();
    expect(scheduleStep('every day')).toBeUndefined();
  });
});

describe('defaultBackfillRange', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');

  it('ends after the latest partition and spans five of them', () => {
    const range = defaultBackfillRange({
      schedule: '@daily',
      runs: [run('2026-11-29T00:00:00Z'), run('2026-11-30T00:00:00Z')],
      now,
    });
    expect(new Date(range.start).toISOString()).toBe(
      '2026-11-26T00:00:00.000Z',
    );
    expect(new Date(range.end).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(range.step).toBe(DAY);
  });

  it('keeps the alignment of the runs and takes the step from their spacing', () => {
    const range = defaultBackfillRange({
      schedule: '0 */6 * * *',
      runs: [
        run('2026-11-30T18:30:00Z', '2026-12-01T00:30:00Z'),
        run('2026-11-30T12:30:00Z', '2026-11-30T18:30:00Z'),
      ],
      now,
    });
    expect(range.step).toBe(6 * HOUR);
    expect(new Date(range.end).toISOString()).toBe('2026-12-01T00:30:00.000Z');
    expect(new Date(range.start).toISOString()).toBe(
      '2026-11-29T18:30:00.000Z',
    );
  });

  it('ends at the last whole step before now without runs, never in the future', () => {
    const hourly = defaultBackfillRange({ schedule: '@hourly', runs: [], now });
    expect(new Date(hourly.end).toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(new Date(hourly.start).toISOString()).toBe(
      '2026-12-01T05:00:00.000Z',
    );

    const running = defaultBackfillRange({
      schedule: '@hourly',
      runs: [run('2026-12-01T10:00:00Z')],
      now,
    });
    expect(new Date(running.end).toISOString()).toBe(
      '2026-12-01T10:00:00.000Z',
    );
  });
});

describe('datetime inputs', () => {
  it('shows and reads times as UTC', () => {
    expect(toDateTimeInput(Date.parse('2026-11-26T00:00:00Z'))).toBe(
      '2026-11-26T00:00',
    );
    expect(fromDateTimeInput('2026-11-26T06:30')).toBe(
      '2026-11-26T06:30:00.000Z',
    );
    expect(fromDateTimeInput('2026-11-26T06:30:15')).toBe(
      '2026-11-26T06:30:15.000Z',
    );
    expect(fromDateTimeInput('')).toBeUndefined();
    expect(fromDateTimeInput('2026-13-45T99:00')).toBeUndefined();
  });
});

describe('progress', () => {
  const progress = {
    total: 5,
    queued: 1,
    running: 1,
    succeeded: 2,
    failed: 1,
    skipped: 0,
    cancelled: 0,
  };

  it('counts every finished partition as done', () => {
    expect(progressText(progress)).toBe('3/5 done, 1 failed');
    expect(progressPercent(progress)).toBe(60);
    expect(
      progressText({ ...progress, failed: 0, cancelled: 2, queued: 0 }),
    ).toBe('4/5 done, 2 cancelled');
    expect(progressPercent({ ...progress, total: 0 })).toBe(0);
  });
});

describe('errors', () => {
  it("shows the backend's message and status of a failed request", async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'InputError', message: 'start is not aligned' },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    expect(errorMessage(error)).toBe('start is not aligned');
    expect(hasStatus(error, 400)).toBe(true);
    expect(hasStatus(error, 409)).toBe(false);
    expect(errorMessage(new Error('offline'))).toBe('offline');
    expect(hasStatus(new Error('offline'), 400)).toBe(false);
  });
});

describe('newIdempotencyKey', () => {
  it('differs per call', () => {
    const keys = new Set(Array.from({ length: 20 }, newIdempotencyKey));
    expect(keys.size).toBe(20);
  });
});
