import { RunState } from '@tributary/plugin-pipelines-common';
import { ProviderRun } from '@tributary/plugin-pipelines-node';
import { BlockingUpstreamStatus } from './luigiTypes';
import { SnapshotTask } from './LuigiSnapshot';
import { findPartition } from './partition';

const STATES: Record<string, RunState> = {
  DONE: 'succeeded',
  FAILED: 'failed',
  RUNNING: 'running',
  BATCH_RUNNING: 'running',
  PENDING: 'queued',
  // The scheduler stopped scheduling it, mostly after too many failures,
  // until it is re-enabled: stopped from outside the run, not a no-op.
  DISABLED: 'aborted',
  UNKNOWN: 'unknown',
};

/** Normalized and source state of a Luigi task. */
export function mapLuigiState(
  status: string,
  upstream?: BlockingUpstreamStatus,
): { state: RunState; sourceState: string } {
  const state = STATES[status] ?? 'unknown';
  return {
    state,
    sourceState:
      status === 'PENDING' && upstream ? `PENDING (${upstream})` : status,
  };
}

/** Statuses that may carry a failure explanation worth a `fetch_error`. */
export function mayHaveError(entry: SnapshotTask): boolean {
  return (
    entry.status === 'FAILED' ||
    entry.status === 'DISABLED' ||
    (entry.status === 'UNKNOWN' && Boolean(entry.task.name))
  );
}

/**
 * A DONE task no worker ran under this scheduler: a worker found its output
 * already complete. Its times say when it was checked, not when it ran.
 */
export function isCompletenessCheck(entry: SnapshotTask): boolean {
  return entry.status === 'DONE' && typeof entry.task.time_running !== 'number';
}

function fromUnixSeconds(value: unknown): Date | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? new Date(Math.round(value * 1000))
    : undefined;
}

/** Link to a task's dependency graph in Luigi's visualiser. */
export function taskUrl(uiUrl: string, taskId: string): string {
  return `${uiUrl}/static/visualiser/index.html#tab=graph&taskId=${encodeURIComponent(
    taskId,
  )}`;
}

/** Link to a family's tasks in Luigi's visualiser. */
export function familyUrl(uiUrl: string, family: string): string {
  return `${uiUrl}/static/visualiser/index.html#family=${encodeURIComponent(
    family,
  )}`;
}

/**
 * A task instance as a run. `start_time` is when the scheduler first heard of
 * the task (queued), `time_running` when a worker picked it up and
 * `last_updated` when its status last changed (the end, once finished).
 */
export function toProviderRun(
  entry: SnapshotTask,
  options: { uiUrl: string; errorMessage?: string },
): ProviderRun {
  const { task, status } = entry;
  const { state, sourceState } = mapLuigiState(status, entry.upstream);
  const partition = findPartition(task.params);
  const ran =
    status === 'RUNNING' ||
    status === 'BATCH_RUNNING' ||
    status === 'DONE' ||
    status === 'FAILED' ||
    status === 'DISABLED';
  const ended =
    status === 'DONE' || status === 'FAILED' || status === 'DISABLED';
  return {
    id: entry.id,
    pipelineName: entry.family,
    partition: partition?.start,
    partitionEnd: partition?.end,
    state,
    sourceState,
    queuedAt: fromUnixSeconds(task.start_time),
    // A PENDING task keeps the time_running of its previous, failed attempt.
    startedAt: ran ? fromUnixSeconds(task.time_running) : undefined,
    endedAt: ended ? fromUnixSeconds(task.last_updated) : undefined,
    errorMessage: options.errorMessage,
    url: taskUrl(options.uiUrl, entry.id),
  };
}
