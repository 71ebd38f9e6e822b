import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { RunState } from '@tributary/plugin-pipelines-common';

/** What a scheduler can do beyond reporting pipelines and runs. @public */
export interface SchedulerProviderCapabilities {
  /** Start one run of a pipeline for a partition. */
  triggerRun: boolean;
  /** Create, cancel and report progress of a backfill the scheduler runs itself. */
  nativeBackfill: boolean;
  /** Report task dependencies (pipeline → pipeline edges). */
  taskDependencies: boolean;
}

/** A pipeline as its scheduler reports it. Names are unique per provider. @public */
export interface ProviderPipeline {
  name: string;
  title?: string;
  description?: string;
  /** Cron expression, preset (`@daily`) or the scheduler's own wording. */
  schedule?: string;
  /** Owners as the scheduler names them (DAG owners, Styx component, ...). */
  owners?: string[];
  /** Link to the pipeline in the scheduler's own UI. */
  url?: string;
  /** Where its code lives, when the scheduler knows. */
  sourceCodeUrl?: string;
  /** The scheduler says it is paused or disabled. */
  paused?: boolean;
  /**
   * A freshness target the scheduler knows (e.g. an Airflow deadline):
   * `D+1 06:00 UTC` or an ISO-8601 duration after the partition's end.
   * Catalog annotations and config take precedence.
   */
  freshnessTarget?: string;
}

/** A run as its scheduler reports it. Ids are unique per provider. @public */
export interface ProviderRun {
  id: string;
  pipelineName: string;
  /** Nominal (logical) time of the partition the run computes. */
  partition?: Date;
  partitionEnd?: Date;
  state: RunState;
  /** The scheduler's own state, kept beside the normalized one. */
  sourceState: string;
  attempt?: number;
  queuedAt?: Date;
  startedAt?: Date;
  endedAt?: Date;
  errorMessage?: string;
  /** Link to the run in the scheduler's own UI. */
  url?: string;
}

/** Task dependency between two pipelines of the same provider. @public */
export interface ProviderDependency {
  upstream: string;
  downstream: string;
}

/** @public */
export interface ListRunsResult {
  runs: ProviderRun[];
  /**
   * Opaque position to pass to the next call; the backend stores it. Absent
   * means "start from the beginning next time".
   */
  cursor?: string;
  /** More runs are ready now: the backend calls again before the next tick. */
  hasMore?: boolean;
}

/** @public */
export interface BackfillRequest {
  pipelineName: string;
  /** Inclusive start partition. */
  start: Date;
  /** Exclusive end partition. */
  end: Date;
  concurrency: number;
  order: 'oldest' | 'newest';
  /** Partitions to run, when only some of the range should. */
  partitions?: Date[];
}

/** @public */
export interface BackfillStatus {
  id: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** Partitions done (succeeded or failed) out of the total, when known. */
  completed?: number;
  total?: number;
  url?: string;
}

/**
 * One scheduler instance feeding the pipelines store. Modules register
 * providers through {@link schedulerProvidersExtensionPoint}; the backend polls
 * them, normalizes what they answer and writes it through the same store paths
 * as OpenLineage events.
 *
 * @public
 */
export interface SchedulerProvider {
  /** Unique and stable, e.g. `luigi:central`; prefixes pipeline and run ids. */
  readonly id: string;
  /** The scheduler kind: `luigi`, `styx`, `flyte`, `airflow`, ... */
  readonly type: string;
  /** Human name of the instance, shown in the UI. */
  readonly title: string;
  readonly capabilities: SchedulerProviderCapabilities;
  /** How often to poll; the backend's default when absent. */
  readonly schedule?: SchedulerServiceTaskScheduleDefinition;

  listPipelines(options: { signal?: AbortSignal }): Promise<ProviderPipeline[]>;
  /** Runs created or changed since the cursor; everything it knows without one. */
  listRuns(options: {
    cursor?: string;
    signal?: AbortSignal;
  }): Promise<ListRunsResult>;
  listDependencies?(options: {
    signal?: AbortSignal;
  }): Promise<ProviderDependency[]>;

  triggerRun?(options: {
    pipelineName: string;
    partition: Date;
  }): Promise<{ runId: string }>;
  /**
   * Stops a run this provider started, when the scheduler can. A cancelled
   * orchestrated backfill aborts its runs in flight through it.
   */
  abortRun?(options: { runId: string; reason: string }): Promise<void>;
  createBackfill?(request: BackfillRequest): Promise<BackfillStatus>;
  getBackfill?(id: string): Promise<BackfillStatus>;
  cancelBackfill?(id: string): Promise<BackfillStatus>;
}
