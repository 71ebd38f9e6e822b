import { createHash } from 'node:crypto';
import { familyFromTaskId } from './families';
import { LuigiClient } from './LuigiClient';
import {
  BLOCKING_UPSTREAM_STATUSES,
  BlockingUpstreamStatus,
  LUIGI_TASK_STATUSES,
  LuigiTask,
  LuigiTaskMap,
} from './luigiTypes';

/** One task of a snapshot, deduplicated across the per-status lists. */
export interface SnapshotTask {
  id: string;
  family: string;
  status: string;
  /** `last_updated`, Unix seconds: when its status last changed. */
  updated: number;
  upstream?: BlockingUpstreamStatus;
  task: LuigiTask;
}

/** Everything the scheduler knows at one moment, as far as a poll needs it. */
export interface LuigiSnapshot {
  tasks: SnapshotTask[];
  families: Set<string>;
  /** Highest `last_updated` seen; undefined when there are no tasks. */
  maxUpdated?: number;
  /**
   * How long the requests took, seconds: the lists were answered at slightly
   * different moments within this window.
   */
  sweepSeconds: number;
  /** Changes whenever the set of PENDING tasks blocked upstream changes. */
  blockedDigest: string;
  /** Placeholder tasks without a family that were left out. */
  placeholders: number;
  paused?: boolean;
}

// Used to pick between the two copies of a task that moved between lists
// while they were being read, should both carry the same `last_updated`.
const STATUS_PRECEDENCE: Record<string, number> = {
  UNKNOWN: 0,
  PENDING: 1,
  RUNNING: 2,
  BATCH_RUNNING: 2,
  FAILED: 3,
  DISABLED: 3,
  DONE: 3,
};

function updatedOf(task: LuigiTask): number {
  if (typeof task.last_updated === 'number') return task.last_updated;
  return typeof task.start_time === 'number' ? task.start_time : 0;
}

/**
 * Merges the per-status lists into one task set. A task that changed status
 * between two requests shows in two lists (or in none; see the cursor); the
 * copy with the later `last_updated` wins.
 */
export function buildSnapshot(answers: {
  lists: LuigiTaskMap[];
  blocked: Partial<Record<BlockingUpstreamStatus, LuigiTaskMap>>;
  sweepSeconds: number;
  paused?: boolean;
}): LuigiSnapshot {
  const byId = new Map<string, SnapshotTask>();
  const nameless: SnapshotTask[] = [];
  const families = new Set<string>();
  let maxUpdated: number | undefined;

  for (const list of answers.lists) {
    for (const id of Object.keys(list)) {
      const task = list[id];
      if (typeof task !== 'object' || task === null) continue;
      const updated = updatedOf(task);
      const status = typeof task.status === 'string' ? task.status : 'UNKNOWN';
      const existing = byId.get(id);
      if (
        existing &&
        (existing.updated > updated ||
          (existing.updated === updated &&
            (STATUS_PRECEDENCE[existing.status] ?? 0) >=
              (STATUS_PRECEDENCE[status] ?? 0)))
      ) {
        continue;
      }
      const family = typeof task.name === 'string' ? task.name : '';
      const entry: SnapshotTask = { id, family, status, updated, task };
      byId.set(id, entry);
      if (family) families.add(family);
      else nameless.push(entry);
      if (maxUpdated === undefined || updated > maxUpdated) {
        maxUpdated = updated;
      }
    }
  }

  // Placeholders the scheduler makes for dependencies no worker has added yet
  // (status UNKNOWN, no family): keep them only when their id names a family
  // the scheduler knows, else they would invent pipelines.
  let placeholders = 0;
  for (const entry of nameless) {
    if (byId.get(entry.id) !== entry) continue; // a later copy had a family
    const family = familyFromTaskId(entry.id, families);
    if (family && families.has(family)) {
      entry.family = family;
    } else {
      byId.delete(entry.id);
      placeholders++;
    }
  }

  const blockedIds: string[] = [];
  for (const upstream of BLOCKING_UPSTREAM_STATUSES) {
    const list = answers.blocked[upstream] ?? {};
    for (const id of Object.keys(list)) {
      const entry = byId.get(id);
      if (!entry || entry.status !== 'PENDING') continue;
      // UPSTREAM_DISABLED is the more severe: Luigi reports it over FAILED.
      if (entry.upstream === undefined || upstream === 'UPSTREAM_DISABLED') {
        entry.upstream = upstream;
      }
    }
  }
  for (const entry of byId.values()) {
    if (entry.upstream) blockedIds.push(`${entry.upstream}:${entry.id}`);
  }

  return {
    tasks: Array.from(byId.values()),
    families,
    maxUpdated,
    sweepSeconds: answers.sweepSeconds,
    blockedDigest: blockedIds.length
      ? createHash('sha1')
          .update(blockedIds.sort().join('\n'))
          .digest('hex')
          .slice(0, 16)
      : '',
    placeholders,
    paused: answers.paused,
  };
}

/**
 * Reads every task the scheduler knows: `task_list` once per status, plus the
 * PENDING tasks blocked by a failed or disabled upstream task (the lists
 * Luigi's own visualiser reads), and whether the scheduler is paused, all at
 * once.
 */
export async function fetchSnapshot(
  client: LuigiClient,
  options: { signal?: AbortSignal; now?: () => number } = {},
): Promise<LuigiSnapshot> {
  const now = options.now ?? Date.now;
  const started = now();
  const [lists, blocked, paused] = await Promise.all([
    Promise.all(
      LUIGI_TASK_STATUSES.map(status =>
        client.taskList(status, '', options.signal),
      ),
    ),
    Promise.all(
      BLOCKING_UPSTREAM_STATUSES.map(upstream =>
        client.taskList('PENDING', upstream, options.signal),
      ),
    ),
    client.isPaused(options.signal),
  ]);
  const sweepSeconds = (now() - started) / 1000;
  return buildSnapshot({
    lists,
    blocked: Object.fromEntries(
      BLOCKING_UPSTREAM_STATUSES.map((upstream, i) => [upstream, blocked[i]]),
    ),
    sweepSeconds,
    paused,
  });
}
