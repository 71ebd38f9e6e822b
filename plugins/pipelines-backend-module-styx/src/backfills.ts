import { BackfillStatus } from '@tributary/plugin-pipelines-node';
import { partitionsInRange, wellKnownSchedule } from './partitions';
import { StyxBackfill, StyxBackfillPayload } from './styxTypes';

/** Partition states of a backfill that are final. */
const FINISHED = new Set(['DONE', 'ERROR']);

function totalFromRange(backfill: StyxBackfill): number | undefined {
  const schedule = wellKnownSchedule(backfill.schedule);
  const start = new Date(backfill.start);
  const end = new Date(backfill.end);
  if (
    !schedule ||
    Number.isNaN(start.getTime()) ||
    Number.isNaN(end.getTime())
  ) {
    return undefined;
  }
  return partitionsInRange(start, end, schedule).length;
}

/**
 * Whether the backfill has triggered nothing yet: `next_trigger` is still
 * where it starts (`start`, or the last partition for a reverse backfill).
 */
function nothingTriggered(backfill: StyxBackfill): boolean {
  if (backfill.all_triggered) return false;
  if (!backfill.next_trigger) return false;
  const next = new Date(backfill.next_trigger).getTime();
  if (!backfill.reverse) return next === new Date(backfill.start).getTime();
  const schedule = wellKnownSchedule(backfill.schedule);
  if (!schedule) return false;
  const partitions = partitionsInRange(
    new Date(backfill.start),
    new Date(backfill.end),
    schedule,
  );
  return next === partitions[partitions.length - 1]?.getTime();
}

/**
 * A Styx backfill as a BackfillStatus. With the per-partition statuses
 * (`GET /backfills/{id}` answers them by default), `total` is one per
 * partition and `completed` counts the partitions that are DONE or ERROR.
 * Without them (the POST answer), the total comes from the range and schedule.
 */
export function backfillToStatus(payload: StyxBackfillPayload): BackfillStatus {
  const { backfill } = payload;
  const partitions = payload.statuses?.active_states;

  if (!partitions) {
    let state: BackfillStatus['state'] = 'running';
    if (backfill.halted) state = 'cancelled';
    else if (nothingTriggered(backfill)) state = 'queued';
    return {
      id: backfill.id,
      state,
      completed: state === 'queued' ? 0 : undefined,
      total: totalFromRange(backfill),
    };
  }

  const total = partitions.length;
  const completed = partitions.filter(p => FINISHED.has(p.state)).length;
  const anyFailed = partitions.some(p => p.state === 'ERROR');
  const started = partitions.some(p => p.state !== 'WAITING');
  let state: BackfillStatus['state'];
  if (backfill.halted) {
    state = 'cancelled';
  } else if (backfill.all_triggered && completed === total) {
    state = anyFailed ? 'failed' : 'succeeded';
  } else if (!started) {
    state = 'queued';
  } else {
    state = 'running';
  }
  return { id: backfill.id, state, completed, total };
}
