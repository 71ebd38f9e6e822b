import {
  BackfillMode,
  BackfillOrder,
  BackfillPartitionAction,
  BackfillState,
  RunState,
} from '@tributary/plugin-pipelines-common';

/**
 * A partition's progress inside a backfill. `triggering` is claimed but not
 * yet confirmed by the scheduler: it counts as in flight, so a crash between
 * claim and trigger can never exceed the concurrency asked.
 */
export type StoredPartitionState =
  | 'queued'
  | 'triggering'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'cancelled';

export interface StoredBackfillPartition {
  partition: Date;
  partitionEnd: Date;
  position: number;
  action: BackfillPartitionAction;
  reason?: string;
  /** Latest run state when the backfill was planned. */
  currentState?: RunState;
  state: StoredPartitionState;
  runId?: string;
  triggeredAt?: Date;
  error?: string;
}

export interface StoredBackfill {
  id: string;
  pipelineId: string;
  entityRef?: string;
  requestedBy: string;
  idempotencyKey: string;
  requestHash: string;
  state: BackfillState;
  mode: BackfillMode;
  start: Date;
  end: Date;
  concurrency: number;
  order: BackfillOrder;
  onlyFailedOrMissing: boolean;
  externalId?: string;
  externalUrl?: string;
  error?: string;
  createdAt: Date;
  updatedAt: Date;
  endedAt?: Date;
  providerEndedAt?: Date;
  notifiedAt?: Date;
}

export type PartitionCounts = Record<StoredPartitionState, number>;

export interface BackfillWithCounts {
  backfill: StoredBackfill;
  counts: PartitionCounts;
}

export interface BackfillPatch {
  state?: BackfillState;
  externalId?: string;
  externalUrl?: string;
  error?: string;
  endedAt?: Date;
  providerEndedAt?: Date;
  notifiedAt?: Date;
}

export interface PartitionPatch {
  partition: Date;
  state: StoredPartitionState;
  runId?: string;
  error?: string;
}

/** A run of the pipelines store as backfill tracking sees it. */
export interface PartitionRun {
  id: string;
  partition: Date;
  state: RunState;
  /** Its first event, queue or start time: when it came to be. */
  firstSeenAt: Date;
}

/** Backfills and their partitions; shares the pipelines plugin's database. */
export interface BackfillStore {
  /**
   * Inserts the backfill and its partitions in one transaction, unless one
   * with the same pipeline, requester and key exists: that one is answered.
   */
  insertBackfill(
    backfill: StoredBackfill,
    partitions: StoredBackfillPartition[],
  ): Promise<{ backfill: StoredBackfill; created: boolean }>;
  getBackfill(id: string): Promise<BackfillWithCounts | undefined>;
  listPartitions(backfillId: string): Promise<StoredBackfillPartition[]>;
  /** Newest first. */
  listBackfills(
    pipelineId: string,
    limit: number,
  ): Promise<BackfillWithCounts[]>;
  /** Queued or running backfills, and ended ones not notified yet. */
  listUnsettledBackfills(): Promise<StoredBackfill[]>;
  updateBackfill(id: string, patch: BackfillPatch): Promise<void>;
  updatePartitions(
    backfillId: string,
    patches: PartitionPatch[],
  ): Promise<void>;
  /**
   * Moves queued partitions to `triggering`, only while they are still
   * queued; answers those it moved.
   */
  claimPartitions(
    backfillId: string,
    partitions: Date[],
    now: Date,
  ): Promise<Date[]>;
  /** Runs of a pipeline whose partition is in [start, end). */
  listPartitionRuns(
    pipelineId: string,
    start: Date,
    end: Date,
  ): Promise<PartitionRun[]>;
}
