import { ResponseError } from '@backstage/errors';
import {
  Backfill,
  BackfillPartitionAction,
  BackfillPlan,
  BackfillProgress,
  Run,
} from '@tributary/plugin-pipelines-common';
import { partitionInterval } from './runs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How many partitions the backfill dialog offers to start with. */
export const DEFAULT_BACKFILL_PARTITIONS = 5;

const PRESETS: Record<string, number> = {
  '@hourly': HOUR,
  '@daily': DAY,
  '@midnight': DAY,
  '@weekly': 7 * DAY,
};

/**
 * The spacing of a schedule's partitions when the schedule says it plainly:
 * `@hourly`, `@daily`, `@weekly`, or cron that fires once an hour or a day.
 * Anything else (months, several times a day) is left to the runs.
 */
export function scheduleStep(schedule?: string): number | undefined {
  const text = schedule?.trim().toLowerCase();
  if (!text) {
    return undefined;
  }
  if (PRESETS[text]) {
    return PRESETS[text];
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5 || !/^\d+$/.test(fields[0])) {
    return undefined;
  }
  const [, hour, dayOfMonth, month, dayOfWeek] = fields;
  if (dayOfMonth !== '*' || month !== '*' || dayOfWeek !== '*') {
    return undefined;
  }
  if (hour === '*') {
    return HOUR;
  }
  return /^\d+$/.test(hour) ? DAY : undefined;
}

/** A backfill range: start inclusive, end exclusive, both epoch milliseconds. */
export interface BackfillRange {
  start: number;
  end: number;
  /** Spacing of partitions, as far as the schedule or the runs tell. */
  step: number;
}

/**
 * The latest `count` partitions that have ended by `now`, aligned to the
 * latest run's partition when there are runs and to the step otherwise.
 */
export function defaultBackfillRange(options: {
  schedule?: string;
  runs: Run[];
  now?: number;
  count?: number;
}): BackfillRange {
  const now = options.now ?? Date.now();
  const count = options.count ?? DEFAULT_BACKFILL_PARTITIONS;
  const step =
    scheduleStep(options.schedule) ?? partitionInterval(options.runs) ?? DAY;
  const partitions = options.runs
    .flatMap(run => (run.partition ? [Date.parse(run.partition)] : []))
    .filter(time => !Number.isNaN(time));
  let end =
    partitions.length > 0
      ? Math.max(...partitions) + step
      : Math.floor(now / step) * step;
  if (end > now) {
    // Partitions that have not ended yet cannot be backfilled.
    end -= Math.ceil((end - now) / step) * step;
  }
  return { start: end - count * step, end, step };
}

/**
 * The value of a `datetime-local` input that shows an instant in UTC, since
 * partitions are named in UTC: `2026-11-01T00:00`.
 */
export function toDateTimeInput(time: number): string {
  return new Date(time).toISOString().slice(0, 16);
}

/** The ISO time of a `datetime-local` value read as UTC; undefined if it is not one. */
export function fromDateTimeInput(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) {
    return undefined;
  }
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  const time = Date.parse(`${withSeconds}Z`);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** "1 partition will run, 4 skipped". */
export function planSummary(plan: BackfillPlan): string {
  const noun = plan.runCount === 1 ? 'partition' : 'partitions';
  return `${plan.runCount} ${noun} will run, ${plan.skipCount} skipped`;
}

export const ACTION_LABELS: Record<BackfillPartitionAction, string> = {
  run: 'Run',
  rerun: 'Re-run',
  skip: 'Skip',
};

/** Partitions a backfill has finished with, one way or another. */
export function doneCount(progress: BackfillProgress): number {
  return (
    progress.succeeded + progress.failed + progress.skipped + progress.cancelled
  );
}

/** Share of the partitions done, 0–100, for a determinate progress bar. */
export function progressPercent(progress: BackfillProgress): number {
  if (progress.total <= 0) {
    return 0;
  }
  return Math.min(100, (doneCount(progress) / progress.total) * 100);
}

/** "3/5 done, 1 failed": the failed and cancelled only when there are any. */
export function progressText(progress: BackfillProgress): string {
  const parts = [`${doneCount(progress)}/${progress.total} done`];
  if (progress.failed > 0) {
    parts.push(`${progress.failed} failed`);
  }
  if (progress.cancelled > 0) {
    parts.push(`${progress.cancelled} cancelled`);
  }
  return parts.join(', ');
}

/** Whether a backfill may still change: queued or running. */
export function isActiveBackfill(backfill: Backfill): boolean {
  return backfill.state === 'queued' || backfill.state === 'running';
}

/** The backend's own message of a failed request, which is meant for users. */
export function errorMessage(error: unknown): string {
  if (ResponseError.is(error)) {
    return error.cause.message || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Whether the backend answered with this HTTP status. */
export function hasStatus(error: unknown, status: number): boolean {
  return ResponseError.is(error) && error.statusCode === status;
}

/**
 * A fresh key for one opening of the backfill dialog, so that a double click
 * or a retry after a network error starts one backfill, not two.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && crypto.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}
