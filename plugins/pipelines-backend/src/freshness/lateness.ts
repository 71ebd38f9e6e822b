import { RunState } from '@tributary/plugin-pipelines-common';
import { PartitionSchedule } from '../backfills/partitionSchedule';
import { FreshnessTarget, deadlineOf } from './freshnessTarget';

/** What became of one partition: the state of its latest run. */
export interface PartitionOutcome {
  partition: Date;
  partitionEnd: Date;
  /** Undefined when it never ran. */
  state: RunState | undefined;
  /** When it succeeded, if it did and the time is known. */
  succeededAt?: Date;
}

/** A partition that was not succeeded by its deadline. */
export interface LatePartition {
  partition: Date;
  deadline: Date;
  /** Equal to `deadline`. */
  lateSince: Date;
  /** When it succeeded after all; undefined while it is still late. */
  recoveredAt?: Date;
}

/** Partitions looked at in one call, at most. */
export const MAX_LATENESS_PARTITIONS = 10000;

/** When the outcome says the partition succeeded, as of `now`. */
function succeededAt(
  outcome: PartitionOutcome | undefined,
  now: Date,
): Date | 'unknown' | undefined {
  if (outcome?.state !== 'succeeded') {
    return undefined;
  }
  if (!outcome.succeededAt) {
    return 'unknown';
  }
  // A success after `now` had not happened yet as of `now`.
  return outcome.succeededAt.getTime() <= now.getTime()
    ? outcome.succeededAt
    : undefined;
}

/**
 * The partitions that started in [lookback.from, now) and were not succeeded
 * by their deadline, oldest first. A partition whose deadline is still ahead
 * is not late; one at its deadline without a success is. A partition missing
 * from `outcomes` never ran; one that succeeded after its deadline is listed
 * with `recoveredAt`. A success whose time is unknown counts as on time, as
 * nothing says otherwise. When `outcomes` holds a partition more than once,
 * its earliest success counts.
 *
 * Throws an InputError when the lookback holds more than
 * {@link MAX_LATENESS_PARTITIONS} partitions.
 */
export function findLatePartitions(options: {
  schedule: PartitionSchedule;
  target: FreshnessTarget;
  outcomes: PartitionOutcome[];
  now: Date;
  lookback: { from: Date };
}): LatePartition[] {
  const { schedule, target, outcomes, now, lookback } = options;
  const byStart = new Map<number, PartitionOutcome[]>();
  for (const outcome of outcomes) {
    const key = outcome.partition.getTime();
    byStart.set(key, [...(byStart.get(key) ?? []), outcome]);
  }

  const late: LatePartition[] = [];
  const partitions = schedule.partitionsBetween(
    lookback.from,
    now,
    MAX_LATENESS_PARTITIONS,
  );
  for (const partition of partitions) {
    const recorded = byStart.get(partition.getTime()) ?? [];
    const end = recorded[0]?.partitionEnd ?? schedule.next(partition);
    const deadline = deadlineOf(target, { start: partition, end });
    if (deadline.getTime() > now.getTime()) {
      continue;
    }
    const successes = recorded
      .map(outcome => succeededAt(outcome, now))
      .filter(success => success !== undefined);
    if (successes.includes('unknown')) {
      continue;
    }
    const earliest = (successes as Date[])
      .map(success => success.getTime())
      .sort((a, b) => a - b)[0];
    if (earliest !== undefined && earliest <= deadline.getTime()) {
      continue;
    }
    late.push({
      partition,
      deadline,
      lateSince: deadline,
      ...(earliest === undefined ? {} : { recoveredAt: new Date(earliest) }),
    });
  }
  return late;
}

/** Whether the partition is late still: it has not recovered. */
export function isCurrentlyLate(late: LatePartition): boolean {
  return late.recoveredAt === undefined;
}

/** A partition whose deadline has passed. */
export interface DuePartition {
  partition: Date;
  deadline: Date;
}

/**
 * The partitions that started in [from, now) and whose deadline is at or
 * before `now`, oldest first: those that are late unless they succeeded.
 */
export function duePartitions(options: {
  schedule: PartitionSchedule;
  target: FreshnessTarget;
  from: Date;
  now: Date;
}): DuePartition[] {
  const { schedule, target, from, now } = options;
  return schedule
    .partitionsBetween(from, now, MAX_LATENESS_PARTITIONS)
    .map(partition => ({
      partition,
      deadline: deadlineOf(target, {
        start: partition,
        end: schedule.next(partition),
      }),
    }))
    .filter(due => due.deadline.getTime() <= now.getTime());
}
