/** Task statuses of Luigi's central scheduler (`luigi/task_status.py`). */
export const LUIGI_TASK_STATUSES = [
  'PENDING',
  'RUNNING',
  'BATCH_RUNNING',
  'DONE',
  'FAILED',
  'DISABLED',
  'UNKNOWN',
] as const;

/** Upstream statuses of a PENDING task that mean it cannot run as things are. */
export const BLOCKING_UPSTREAM_STATUSES = [
  'UPSTREAM_FAILED',
  'UPSTREAM_DISABLED',
] as const;

export type BlockingUpstreamStatus =
  (typeof BLOCKING_UPSTREAM_STATUSES)[number];

/**
 * One task as the scheduler serializes it (`Scheduler._serialize_task`), or a
 * stub for a task it no longer knows (`_traverse_graph`), whose `start_time`
 * is the string `UNKNOWN`.
 */
export interface LuigiTask {
  display_name?: string;
  status?: string;
  workers?: string[];
  worker_running?: string | null;
  /** When a worker picked it up, Unix seconds. Kept from an earlier attempt. */
  time_running?: number | null;
  /** When the scheduler first heard of it (not when it started!). */
  start_time?: number | string | null;
  /** When its status last changed. */
  last_updated?: number | null;
  params?: Record<string, unknown>;
  /** The task family; empty for placeholders of not-yet-added dependencies. */
  name?: string;
  priority?: number;
  tracking_url?: string | null;
  status_message?: string | null;
  /** Only in `graph`, `dep_graph` and `inverse_dep_graph` answers. */
  deps?: string[];
  re_enable_able?: boolean;
}

/** `task_list`, `graph` and `dep_graph` answer task id → task. */
export type LuigiTaskMap = Record<string, LuigiTask>;
