import { RunState } from './runStates';

/** @public */
export type BackfillOrder = 'oldest' | 'newest';

/**
 * Body of the plan and create requests. Partition times are ISO-8601; the
 * range is start inclusive, end exclusive, both aligned to the schedule.
 *
 * @public
 */
export interface BackfillPlanRequest {
  start: string;
  end: string;
  /** Only partitions that failed or never ran; others are skipped. */
  onlyFailedOrMissing?: boolean;
  /** Runs in flight at once; 1 when absent. */
  concurrency?: number;
  /** Which end of the range runs first; `oldest` when absent. */
  order?: BackfillOrder;
  /** Partitions whose end is in the future are refused unless set. */
  allowFuture?: boolean;
}

/** @public */
export interface BackfillCreateRequest extends BackfillPlanRequest {
  /** Chosen by the client; the same key again answers the same backfill. */
  idempotencyKey: string;
}

/**
 * What a backfill does with one partition: run it (never ran), re-run it
 * (failed, or succeeded when the whole range is asked), or skip it.
 *
 * @public
 */
export type BackfillPartitionAction = 'run' | 'rerun' | 'skip';

/** @public */
export interface BackfillPlanPartition {
  partition: string;
  partitionEnd: string;
  /** State of its latest run; absent when it never ran. */
  currentState?: RunState;
  action: BackfillPartitionAction;
  /** Why, in words the UI shows. */
  reason: string;
}

/**
 * How a backfill runs: by the scheduler's own backfill, or by this plugin
 * triggering one run per partition.
 *
 * @public
 */
export type BackfillMode = 'native' | 'orchestrated';

/** @public */
export interface BackfillPlan {
  pipelineId: string;
  start: string;
  end: string;
  concurrency: number;
  order: BackfillOrder;
  onlyFailedOrMissing: boolean;
  mode: BackfillMode;
  /** In the order they will run. */
  partitions: BackfillPlanPartition[];
  /** Partitions that will run or re-run. */
  runCount: number;
  skipCount: number;
}

/** @public */
export type BackfillState =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

/** @public */
export type BackfillPartitionState =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'cancelled';

/** @public */
export interface BackfillPartitionStatus {
  partition: string;
  partitionEnd: string;
  action: BackfillPartitionAction;
  state: BackfillPartitionState;
  /** The run that computes it, once known. */
  runId?: string;
  error?: string;
}

/** @public */
export interface BackfillProgress {
  total: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
}

/** @public */
export interface Backfill {
  id: string;
  pipelineId: string;
  state: BackfillState;
  mode: BackfillMode;
  /** User entity ref of who asked for it. */
  requestedBy: string;
  start: string;
  end: string;
  concurrency: number;
  order: BackfillOrder;
  onlyFailedOrMissing: boolean;
  createdAt: string;
  updatedAt: string;
  endedAt?: string;
  /** The scheduler's id of a native backfill. */
  externalId?: string;
  externalUrl?: string;
  /** Why it failed as a whole, when it did. */
  error?: string;
  progress: BackfillProgress;
  /** Present on the one-backfill answer, not in lists. */
  partitions?: BackfillPartitionStatus[];
}

/** @public */
export interface ListBackfillsResponse {
  items: Backfill[];
}
