import { InputError } from '@backstage/errors';
import {
  BackfillMode,
  BackfillOrder,
  BackfillPartitionAction,
  BackfillPlan,
  BackfillPlanPartition,
  BackfillPlanRequest,
  RunState,
} from '@tributary/plugin-pipelines-common';
import { PartitionSchedule, parsePartitionSchedule } from './partitionSchedule';

/** The state of the latest run of one partition. */
export interface PartitionRunState {
  partition: Date;
  state: RunState;
}

/** Partitions one plan may hold unless the caller says otherwise. */
export const DEFAULT_MAX_BACKFILL_PARTITIONS = 1000;
/** The largest `concurrency` a backfill may ask for. */
export const MAX_BACKFILL_CONCURRENCY = 100;

const ORDERS: readonly BackfillOrder[] = ['oldest', 'newest'];

/**
 * ISO-8601 `YYYY-MM-DD` (midnight UTC), or a date-time whose seconds and
 * fraction are optional. The zone is optional in the pattern so that a
 * date-time without one gets its own message: it must have one.
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

/** Parses a request's `start` or `end`, strictly: no rolling 02-30 over. */
function parseInstant(name: string, value: unknown): Date {
  const expected = `${name} must be an ISO-8601 date or date-time with a time zone, such as 2026-10-01T00:00:00Z`;
  if (value === undefined) {
    throw new InputError(`${name} is missing; ${expected}`);
  }
  const match = typeof value === 'string' ? ISO.exec(value.trim()) : null;
  if (typeof value !== 'string' || !match) {
    throw new InputError(`${expected}; got ${describeValue(value)}`);
  }
  const [, y, mo, d, h, mi, s = '0', fraction = '', z, sign, oh, om] = match;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  if (h !== undefined && !z && !sign) {
    throw new InputError(
      `${name} '${value}' has no time zone; add Z for UTC, as in ${y}-${mo}-${d}T${h}:${mi}:00Z`,
    );
  }
  const [hour, minute, second] = [Number(h ?? 0), Number(mi ?? 0), Number(s)];
  const [offsetHours, offsetMinutes] = [Number(oh ?? 0), Number(om ?? 0)];
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  ) {
    throw new InputError(
      `${name} '${value}' is not a valid date or time; ${expected}`,
    );
  }
  if (/[1-9]/.test(fraction.slice(3))) {
    throw new InputError(
      `${name} '${value}' is more precise than a millisecond; partition boundaries are whole minutes`,
    );
  }
  const offsetMs =
    (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(
    Date.UTC(
      year,
      month - 1,
      day,
      hour,
      minute,
      second,
      Number(fraction.slice(0, 3).padEnd(3, '0')),
    ) - offsetMs,
  );
}

function parseOptionalBoolean(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new InputError(
      `${name} must be true or false; got ${describeValue(value)}`,
    );
  }
  return value;
}

function parseConcurrency(value: unknown): number {
  if (value === undefined) return 1;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_BACKFILL_CONCURRENCY
  ) {
    throw new InputError(
      `concurrency must be a whole number from 1 to ${MAX_BACKFILL_CONCURRENCY}; got ${describeValue(
        value,
      )}`,
    );
  }
  return value;
}

function parseOrder(value: unknown): BackfillOrder {
  if (value === undefined) return 'oldest';
  if (!ORDERS.includes(value as BackfillOrder)) {
    throw new InputError(
      `order must be 'oldest' or 'newest'; got ${describeValue(value)}`,
    );
  }
  return value as BackfillOrder;
}

function checkAligned(
  name: string,
  at: Date,
  schedule: PartitionSchedule,
  pipelineName: string,
): void {
  if (schedule.isAligned(at)) return;
  throw new InputError(
    `${name} ${at.toISOString()} is not a partition boundary of ${pipelineName}, which runs ${
      schedule.description
    }; nearest boundaries are ${schedule
      .previous(at)
      .toISOString()} and ${schedule.next(at).toISOString()}`,
  );
}

function decide(
  state: RunState | undefined,
  onlyFailedOrMissing: boolean,
): { action: BackfillPartitionAction; reason: string } {
  switch (state) {
    case undefined:
      return { action: 'run', reason: 'never ran' };
    case 'failed':
      return { action: 'rerun', reason: 'failed' };
    case 'aborted':
      return { action: 'rerun', reason: 'aborted' };
    case 'queued':
      return { action: 'skip', reason: 'queued' };
    case 'running':
      return { action: 'skip', reason: 'already running' };
    case 'succeeded':
      return onlyFailedOrMissing
        ? { action: 'skip', reason: 'succeeded' }
        : { action: 'rerun', reason: 're-run: succeeded before' };
    case 'skipped':
      return onlyFailedOrMissing
        ? { action: 'skip', reason: 'skipped before' }
        : { action: 'rerun', reason: 're-run: skipped before' };
    default:
      return onlyFailedOrMissing
        ? { action: 'skip', reason: 'state of the last run unknown' }
        : { action: 'rerun', reason: 're-run: state of the last run unknown' };
  }
}

/**
 * What a backfill of a range would do with each partition, from the request
 * as the client sent it (validated here) and the latest run of each
 * partition. Pure: the caller reads the pipeline and its runs. Throws an
 * InputError with a message for the user when the request cannot be planned.
 */
export function planBackfill(options: {
  pipelineId: string;
  pipelineName: string;
  schedule: string | undefined;
  /** Raw from the client: validated here. */
  request: BackfillPlanRequest;
  /** The latest run state of each partition in range, in any order. */
  latestRuns: PartitionRunState[];
  mode: BackfillMode;
  now: Date;
  /** At most this many partitions; 1000 when absent. */
  maxPartitions?: number;
}): BackfillPlan {
  const { pipelineId, pipelineName, mode, now } = options;
  const maxPartitions =
    options.maxPartitions ?? DEFAULT_MAX_BACKFILL_PARTITIONS;
  const request: unknown = options.request;
  if (typeof request !== 'object' || request === null) {
    throw new InputError('the backfill request must be a JSON object');
  }
  const raw = request as Record<string, unknown>;

  const schedule = parsePartitionSchedule(options.schedule, pipelineName);
  const start = parseInstant('start', raw.start);
  const end = parseInstant('end', raw.end);
  if (end.getTime() <= start.getTime()) {
    throw new InputError(
      `end ${end.toISOString()} must be after start ${start.toISOString()}`,
    );
  }
  const concurrency = parseConcurrency(raw.concurrency);
  const order = parseOrder(raw.order);
  const onlyFailedOrMissing = parseOptionalBoolean(
    'onlyFailedOrMissing',
    raw.onlyFailedOrMissing,
  );
  const allowFuture = parseOptionalBoolean('allowFuture', raw.allowFuture);
  checkAligned('start', start, schedule, pipelineName);
  checkAligned('end', end, schedule, pipelineName);

  const starts = schedule.partitionsBetween(start, end, maxPartitions);
  if (starts.length === 0) {
    throw new InputError(
      `the range from ${start.toISOString()} to ${end.toISOString()} holds no partition of ${pipelineName}, which runs ${
        schedule.description
      }`,
    );
  }
  const partitions = starts.map(partition => ({
    partition,
    partitionEnd: schedule.next(partition),
  }));

  const firstFuture = partitions.find(
    p => p.partitionEnd.getTime() > now.getTime(),
  );
  if (firstFuture && !allowFuture) {
    const advice =
      firstFuture.partition.getTime() > start.getTime()
        ? `end the range at ${firstFuture.partition.toISOString()} or set allowFuture`
        : 'set allowFuture to backfill future partitions';
    throw new InputError(
      `partition ${firstFuture.partition.toISOString()} of ${pipelineName} ends in the future, at ${firstFuture.partitionEnd.toISOString()} (now is ${now.toISOString()}); ${advice}`,
    );
  }

  const latest = new Map<number, RunState>();
  for (const run of options.latestRuns) {
    latest.set(run.partition.getTime(), run.state);
  }

  const planned: BackfillPlanPartition[] = partitions.map(p => {
    const currentState = latest.get(p.partition.getTime());
    return {
      partition: p.partition.toISOString(),
      partitionEnd: p.partitionEnd.toISOString(),
      ...(currentState ? { currentState } : {}),
      ...decide(currentState, onlyFailedOrMissing),
    };
  });
  if (order === 'newest') planned.reverse();

  const runCount = planned.filter(p => p.action !== 'skip').length;
  return {
    pipelineId,
    start: start.toISOString(),
    end: end.toISOString(),
    concurrency,
    order,
    onlyFailedOrMissing,
    mode,
    partitions: planned,
    runCount,
    skipCount: planned.length - runCount,
  };
}
