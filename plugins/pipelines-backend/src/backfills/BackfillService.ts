import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  serializeError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Backfill,
  BackfillCreateRequest,
  BackfillMode,
  BackfillPartitionState,
  BackfillPlan,
  BackfillPlanRequest,
  BackfillState,
  Pipeline,
  pipelinesBackfillCancelPermission,
  pipelinesBackfillCreatePermission,
  RunState,
} from '@tributary/plugin-pipelines-common';
import { SchedulerProvider } from '@tributary/plugin-pipelines-node';
import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { providerRunId } from '../providers/providerWrites';
import {
  findPipelineEntityRef,
  pipelineTabPath,
} from '../service/pipelineEntities';
import {
  BackfillStore,
  BackfillWithCounts,
  PartitionCounts,
  PartitionPatch,
  PartitionRun,
  StoredBackfill,
  StoredBackfillPartition,
  StoredPartitionState,
} from '../store/BackfillStore';
import { PipelinesStore } from '../store/PipelinesStore';
import { planBackfill } from './planBackfill';

/** A claimed partition the scheduler never confirmed is given up after this. */
const UNCONFIRMED_TRIGGER_MS = 10 * 60_000;
/** A native backfill's runs may reach the store this long after it ends. */
const NATIVE_SETTLE_MS = 10 * 60_000;
/** Runs seen this long before a trigger or creation may still be its own. */
const CLOCK_SLACK_MS = 60_000;
const MAX_IDEMPOTENCY_KEY_LENGTH = 128;
const LIST_LIMIT = 50;

const IN_FLIGHT: StoredPartitionState[] = ['triggering', 'running'];
const ACTIVE_BACKFILL: BackfillState[] = ['queued', 'running'];

function partitionStateOfRun(state: RunState): StoredPartitionState {
  switch (state) {
    case 'succeeded':
    case 'skipped':
      return 'succeeded';
    case 'failed':
    case 'aborted':
      return 'failed';
    default:
      return 'running';
  }
}

function isFinalPartition(state: StoredPartitionState): boolean {
  return !IN_FLIGHT.includes(state) && state !== 'queued';
}

/** The latest run of each partition that came to be at or after `since`. */
function latestRunsByPartition(
  runs: PartitionRun[],
  since?: Date,
): Map<number, PartitionRun> {
  const latest = new Map<number, PartitionRun>();
  for (const run of runs) {
    if (since && run.firstSeenAt.getTime() < since.getTime() - CLOCK_SLACK_MS) {
      continue;
    }
    const key = run.partition.getTime();
    const known = latest.get(key);
    if (
      !known ||
      run.firstSeenAt > known.firstSeenAt ||
      (run.firstSeenAt.getTime() === known.firstSeenAt.getTime() &&
        run.id > known.id)
    ) {
      latest.set(key, run);
    }
  }
  return latest;
}

function toApiPartitionState(
  state: StoredPartitionState,
): BackfillPartitionState {
  return state === 'triggering' ? 'running' : state;
}

export function toApiBackfill(
  { backfill, counts }: BackfillWithCounts,
  partitions?: StoredBackfillPartition[],
): Backfill {
  return {
    id: backfill.id,
    pipelineId: backfill.pipelineId,
    state: backfill.state,
    mode: backfill.mode,
    requestedBy: backfill.requestedBy,
    start: backfill.start.toISOString(),
    end: backfill.end.toISOString(),
    concurrency: backfill.concurrency,
    order: backfill.order,
    onlyFailedOrMissing: backfill.onlyFailedOrMissing,
    createdAt: backfill.createdAt.toISOString(),
    updatedAt: backfill.updatedAt.toISOString(),
    ...(backfill.endedAt ? { endedAt: backfill.endedAt.toISOString() } : {}),
    ...(backfill.externalId ? { externalId: backfill.externalId } : {}),
    ...(backfill.externalUrl ? { externalUrl: backfill.externalUrl } : {}),
    ...(backfill.error ? { error: backfill.error } : {}),
    progress: progressOf(counts),
    ...(partitions
      ? {
          partitions: partitions.map(p => ({
            partition: p.partition.toISOString(),
            partitionEnd: p.partitionEnd.toISOString(),
            action: p.action,
            state: toApiPartitionState(p.state),
            ...(p.runId ? { runId: p.runId } : {}),
            ...(p.error ? { error: p.error } : {}),
          })),
        }
      : {}),
  };
}

function progressOf(counts: PartitionCounts): Backfill['progress'] {
  return {
    total: Object.values(counts).reduce((sum, n) => sum + n, 0),
    queued: counts.queued,
    running: counts.triggering + counts.running,
    succeeded: counts.succeeded,
    failed: counts.failed,
    skipped: counts.skipped,
    cancelled: counts.cancelled,
  };
}

/** What a caller of create or cancel is, for permissions and audit. */
export interface BackfillCaller {
  credentials: BackstageCredentials;
  /** The user's entity ref; services act as themselves. */
  requestedBy: string;
  request?: Request;
}

export interface BackfillServiceOptions {
  store: PipelinesStore;
  backfills: BackfillStore;
  providers: SchedulerProvider[];
  permissions: PermissionsService;
  catalog: CatalogService;
  auth: AuthService;
  auditor: AuditorService;
  notifications?: NotificationService;
  logger: LoggerService;
  clock?: () => Date;
  /**
   * Told of pipelines whose runs now answer differently: a run linked to a
   * backfill shows it, and that link is made here, not by a run's commit.
   */
  onPipelinesChanged?: (pipelineIds: string[]) => void;
}

/**
 * Plans, creates, tracks and cancels backfills. Native backfills are handed
 * to the scheduler and watched; orchestrated ones are run here, one
 * partition per triggered run, from state in the store, so `advance` (a
 * global task) picks them up where they were after any restart.
 */
export class BackfillService {
  private readonly clock: () => Date;

  constructor(private readonly options: BackfillServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async plan(
    pipelineId: string,
    request: BackfillPlanRequest,
  ): Promise<BackfillPlan> {
    const pipeline = await this.pipelineOf(pipelineId);
    const provider = this.providerOf(pipeline);
    return this.planFor(pipeline, provider, request);
  }

  private async planFor(
    pipeline: Pipeline,
    provider: SchedulerProvider,
    request: BackfillPlanRequest,
  ): Promise<BackfillPlan> {
    if (typeof request !== 'object' || request === null) {
      throw new InputError('The request body must be a JSON object');
    }
    const start = new Date(String(request.start));
    const end = new Date(String(request.end));
    const runs =
      Number.isNaN(start.getTime()) ||
      Number.isNaN(end.getTime()) ||
      end <= start
        ? []
        : await this.options.backfills.listPartitionRuns(
            pipeline.id,
            start,
            end,
          );
    const plan = planBackfill({
      pipelineId: pipeline.id,
      pipelineName: pipeline.title ?? pipeline.name,
      schedule: pipeline.schedule,
      request,
      latestRuns: [...latestRunsByPartition(runs).values()].map(run => ({
        partition: run.partition,
        state: run.state,
      })),
      mode: 'native',
      now: this.clock(),
    });
    return { ...plan, mode: this.modeFor(provider, plan) };
  }

  /**
   * Native where the scheduler has a backfill of its own, unless only some
   * partitions of the range run and the plugin can trigger them one by one.
   */
  private modeFor(
    provider: SchedulerProvider,
    plan: BackfillPlan,
  ): BackfillMode {
    const native = Boolean(
      provider.capabilities.nativeBackfill && provider.createBackfill,
    );
    const canTrigger = Boolean(
      provider.capabilities.triggerRun && provider.triggerRun,
    );
    if (native && !(plan.skipCount > 0 && canTrigger)) return 'native';
    return 'orchestrated';
  }

  async create(
    pipelineId: string,
    request: BackfillCreateRequest,
    caller: BackfillCaller,
  ): Promise<{ backfill: Backfill; created: boolean }> {
    const audit = await this.options.auditor.createEvent({
      eventId: 'backfill-create',
      severityLevel: 'medium',
      request: caller.request,
      meta: {
        pipelineId,
        request: JSON.parse(JSON.stringify(request ?? null)),
      },
    });
    try {
      const result = await this.createChecked(pipelineId, request, caller);
      await audit.success({
        meta: {
          backfillId: result.backfill.id,
          created: result.created,
          mode: result.backfill.mode,
          plan: result.plan.partitions.map(p => ({
            partition: p.partition,
            action: p.action,
          })),
        },
      });
      return { backfill: result.backfill, created: result.created };
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  }

  private async createChecked(
    pipelineId: string,
    request: BackfillCreateRequest,
    caller: BackfillCaller,
  ): Promise<{ backfill: Backfill; created: boolean; plan: BackfillPlan }> {
    const key = request?.idempotencyKey;
    if (
      typeof key !== 'string' ||
      key.length === 0 ||
      key.length > MAX_IDEMPOTENCY_KEY_LENGTH
    ) {
      throw new InputError(
        `idempotencyKey must be a string of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, chosen by the client`,
      );
    }
    const pipeline = await this.pipelineOf(pipelineId);
    const provider = this.providerOf(pipeline);
    const plan = await this.planFor(pipeline, provider, request);
    const entityRef = await this.authorize(
      pipeline,
      pipelinesBackfillCreatePermission,
      caller.credentials,
    );
    if (plan.runCount === 0) {
      throw new InputError(
        'Nothing to backfill: every partition of the range would be skipped',
      );
    }

    const now = this.clock();
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify([
          plan.start,
          plan.end,
          plan.onlyFailedOrMissing,
          plan.concurrency,
          plan.order,
        ]),
      )
      .digest('hex');
    const { backfill, created } = await this.options.backfills.insertBackfill(
      {
        id: randomUUID(),
        pipelineId,
        entityRef,
        requestedBy: caller.requestedBy,
        idempotencyKey: key,
        requestHash,
        state: 'queued',
        mode: plan.mode,
        start: new Date(plan.start),
        end: new Date(plan.end),
        concurrency: plan.concurrency,
        order: plan.order,
        onlyFailedOrMissing: plan.onlyFailedOrMissing,
        createdAt: now,
        updatedAt: now,
      },
      plan.partitions.map((p, position) => ({
        partition: new Date(p.partition),
        partitionEnd: new Date(p.partitionEnd),
        position,
        action: p.action,
        reason: p.reason,
        currentState: p.currentState,
        state: p.action === 'skip' ? 'skipped' : 'queued',
      })),
    );
    if (!created) {
      if (backfill.requestHash !== requestHash) {
        throw new ConflictError(
          `idempotencyKey '${key}' was already used for a different backfill request of this pipeline`,
        );
      }
      return { backfill: await this.get(backfill.id), created, plan };
    }

    if (backfill.mode === 'native') {
      await this.startNative(backfill, pipeline, provider, plan);
    }
    return { backfill: await this.get(backfill.id), created, plan };
  }

  private async startNative(
    backfill: StoredBackfill,
    pipeline: Pipeline,
    provider: SchedulerProvider,
    plan: BackfillPlan,
  ) {
    const toRun = plan.partitions.filter(p => p.action !== 'skip');
    try {
      const status = await provider.createBackfill!({
        pipelineName: pipeline.name,
        start: backfill.start,
        end: backfill.end,
        concurrency: backfill.concurrency,
        order: backfill.order,
        ...(plan.skipCount > 0
          ? { partitions: toRun.map(p => new Date(p.partition)) }
          : {}),
      });
      await this.options.backfills.updateBackfill(backfill.id, {
        state: status.state === 'queued' ? 'queued' : 'running',
        externalId: status.id,
        externalUrl: status.url,
      });
    } catch (error) {
      // The record stays, failed, so the same key answers what happened.
      const message = `${provider.title} refused the backfill: ${
        (error as Error).message
      }`;
      await this.options.backfills.updateBackfill(backfill.id, {
        state: 'failed',
        error: message,
        endedAt: this.clock(),
      });
      await this.options.backfills.updatePartitions(
        backfill.id,
        toRun.map(p => ({
          partition: new Date(p.partition),
          state: 'cancelled',
        })),
      );
      if ((error as Error).name === 'InputError') throw new InputError(message);
      throw new ConflictError(message);
    }
  }

  async cancel(backfillId: string, caller: BackfillCaller): Promise<Backfill> {
    const audit = await this.options.auditor.createEvent({
      eventId: 'backfill-cancel',
      severityLevel: 'medium',
      request: caller.request,
      meta: { backfillId },
    });
    try {
      const backfill = await this.cancelChecked(backfillId, caller);
      await audit.success({
        meta: {
          pipelineId: backfill.pipelineId,
          state: backfill.state,
          progress: { ...backfill.progress },
        },
      });
      return backfill;
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  }

  private async cancelChecked(
    backfillId: string,
    caller: BackfillCaller,
  ): Promise<Backfill> {
    const found = await this.options.backfills.getBackfill(backfillId);
    if (!found) throw new NotFoundError(`No backfill with id '${backfillId}'`);
    const { backfill } = found;
    const pipeline = await this.pipelineOf(backfill.pipelineId);
    await this.authorize(
      pipeline,
      pipelinesBackfillCancelPermission,
      caller.credentials,
    );
    if (!ACTIVE_BACKFILL.includes(backfill.state)) {
      throw new ConflictError(
        `Backfill ${backfillId} has already ${
          backfill.state === 'cancelled' ? 'been cancelled' : backfill.state
        }`,
      );
    }
    const provider = this.providerOf(pipeline);
    if (backfill.mode === 'native' && backfill.externalId) {
      await provider.cancelBackfill?.(backfill.externalId);
    }
    const partitions = await this.options.backfills.listPartitions(backfillId);
    await this.options.backfills.updatePartitions(
      backfillId,
      partitions
        .filter(p => p.state === 'queued')
        .map(p => ({ partition: p.partition, state: 'cancelled' as const })),
    );
    if (backfill.mode === 'orchestrated' && provider.abortRun) {
      for (const partition of partitions) {
        if (partition.state === 'running' && partition.runId) {
          await this.abortRun(provider, partition.runId, backfillId);
        }
      }
    }
    const now = this.clock();
    await this.options.backfills.updateBackfill(backfillId, {
      state: 'cancelled',
      endedAt: now,
    });
    return this.get(backfillId);
  }

  private async abortRun(
    provider: SchedulerProvider,
    storeRunId: string,
    backfillId: string,
  ) {
    const prefix = `${provider.id}:`;
    const runId = storeRunId.startsWith(prefix)
      ? storeRunId.slice(prefix.length)
      : storeRunId;
    try {
      await provider.abortRun!({
        runId,
        reason: `Backfill ${backfillId} was cancelled`,
      });
    } catch (error) {
      // The run goes on and is still tracked; cancelling must not fail on it.
      this.options.logger.warn(
        `Could not abort run ${storeRunId} of cancelled backfill ${backfillId}: ${error}`,
      );
    }
  }

  async get(backfillId: string): Promise<Backfill> {
    const found = await this.options.backfills.getBackfill(backfillId);
    if (!found) throw new NotFoundError(`No backfill with id '${backfillId}'`);
    return toApiBackfill(
      found,
      await this.options.backfills.listPartitions(backfillId),
    );
  }

  async list(pipelineId: string): Promise<Backfill[]> {
    await this.pipelineOf(pipelineId);
    const rows = await this.options.backfills.listBackfills(
      pipelineId,
      LIST_LIMIT,
    );
    return rows.map(row => toApiBackfill(row));
  }

  /** One step of every unsettled backfill; run by a global task. */
  async advance(): Promise<void> {
    for (const backfill of await this.options.backfills.listUnsettledBackfills()) {
      try {
        await this.advanceOne(backfill);
      } catch (error) {
        this.options.logger.error(
          `Backfill ${backfill.id} of ${
            backfill.pipelineId
          } could not advance: ${serializeError(error as Error).message}`,
        );
      }
    }
  }

  private async advanceOne(backfill: StoredBackfill) {
    const pipeline = await this.options.store.getPipeline(backfill.pipelineId);
    const provider = pipeline && this.findProvider(pipeline);
    const runs = await this.options.backfills.listPartitionRuns(
      backfill.pipelineId,
      backfill.start,
      backfill.end,
    );
    const partitions = await this.trackRuns(
      backfill,
      await this.options.backfills.listPartitions(backfill.id),
      runs,
    );

    const wasActive = ACTIVE_BACKFILL.includes(backfill.state);
    let state = backfill.state;
    if (wasActive && provider) {
      state =
        backfill.mode === 'native'
          ? await this.followNative(backfill, provider, partitions)
          : await this.orchestrate(backfill, provider, partitions);
    } else if (wasActive) {
      await this.fail(
        backfill,
        partitions,
        'Its scheduler is no longer configured',
      );
      return;
    }

    // Following and orchestrating end a backfill only with nothing in
    // flight; one ended before (cancelled) waits for its runs to finish.
    const settled =
      !ACTIVE_BACKFILL.includes(state) &&
      (wasActive || partitions.every(p => !IN_FLIGHT.includes(p.state)));
    if (settled && !backfill.notifiedAt) {
      await this.notifyEnded(backfill.id, pipeline);
    }
  }

  /**
   * Moves partitions along with the runs the store has seen; answers the
   * partitions as they now stand.
   */
  private async trackRuns(
    backfill: StoredBackfill,
    partitions: StoredBackfillPartition[],
    runs: PartitionRun[],
  ): Promise<StoredBackfillPartition[]> {
    const byId = new Map(runs.map(run => [run.id, run]));
    const now = this.clock().getTime();
    const patches: PartitionPatch[] = [];
    for (const partition of partitions) {
      const watching =
        IN_FLIGHT.includes(partition.state) ||
        (backfill.mode === 'native' && partition.state === 'queued');
      if (!watching) continue;
      let run = partition.runId ? byId.get(partition.runId) : undefined;
      if (!run && !partition.runId) {
        // Native runs, and a claim whose trigger answer was lost: the run
        // for the partition that came to be after the backfill or claim.
        const since = partition.triggeredAt ?? backfill.createdAt;
        run = latestRunsByPartition(
          runs.filter(
            r => r.partition.getTime() === partition.partition.getTime(),
          ),
          since,
        ).get(partition.partition.getTime());
      }
      if (run) {
        const state = partitionStateOfRun(run.state);
        if (state !== partition.state || run.id !== partition.runId) {
          patches.push({
            partition: partition.partition,
            state,
            runId: run.id,
          });
        }
      } else if (
        partition.state === 'triggering' &&
        partition.triggeredAt &&
        now - partition.triggeredAt.getTime() > UNCONFIRMED_TRIGGER_MS
      ) {
        patches.push({
          partition: partition.partition,
          state: 'failed',
          error: 'The scheduler never confirmed the triggered run',
        });
      }
    }
    await this.options.backfills.updatePartitions(backfill.id, patches);
    if (patches.length > 0) {
      this.options.onPipelinesChanged?.([backfill.pipelineId]);
    }
    const patched = new Map(patches.map(p => [p.partition.getTime(), p]));
    return partitions.map(partition => {
      const patch = patched.get(partition.partition.getTime());
      if (!patch) return partition;
      // As the store applies it: absent fields are left as they were.
      return {
        ...partition,
        state: patch.state,
        ...(patch.runId !== undefined ? { runId: patch.runId } : {}),
        ...(patch.error !== undefined ? { error: patch.error } : {}),
      };
    });
  }

  private async followNative(
    backfill: StoredBackfill,
    provider: SchedulerProvider,
    partitions: StoredBackfillPartition[],
  ): Promise<BackfillState> {
    if (!backfill.externalId || !provider.getBackfill) {
      // Created, then the backend stopped before the scheduler answered.
      if (
        this.clock().getTime() - backfill.createdAt.getTime() >
        UNCONFIRMED_TRIGGER_MS
      ) {
        await this.fail(
          backfill,
          partitions,
          'The scheduler never confirmed the backfill',
        );
        return 'failed';
      }
      return backfill.state;
    }
    const status = await provider.getBackfill(backfill.externalId);
    if (status.state === 'queued' || status.state === 'running') {
      if (status.state !== backfill.state) {
        await this.options.backfills.updateBackfill(backfill.id, {
          state: status.state,
        });
      }
      return status.state;
    }
    const now = this.clock();
    const providerEndedAt = backfill.providerEndedAt ?? now;
    if (!backfill.providerEndedAt) {
      await this.options.backfills.updateBackfill(backfill.id, {
        providerEndedAt,
      });
    }
    const waiting = partitions.filter(
      p => p.state === 'queued' || IN_FLIGHT.includes(p.state),
    );
    const settleOver =
      now.getTime() - providerEndedAt.getTime() > NATIVE_SETTLE_MS;
    if (waiting.length > 0 && !settleOver && status.state !== 'cancelled') {
      return backfill.state;
    }
    await this.options.backfills.updatePartitions(
      backfill.id,
      waiting.map(p => ({
        partition: p.partition,
        state: status.state === 'cancelled' ? 'cancelled' : 'failed',
        ...(status.state === 'cancelled'
          ? {}
          : { error: 'No run of this partition was seen' }),
      })),
    );
    const anyFailed =
      status.state === 'failed' ||
      partitions.some(p => p.state === 'failed') ||
      (waiting.length > 0 && status.state !== 'cancelled');
    let state: BackfillState = anyFailed ? 'failed' : 'succeeded';
    if (status.state === 'cancelled') state = 'cancelled';
    await this.options.backfills.updateBackfill(backfill.id, {
      state,
      endedAt: now,
    });
    return state;
  }

  /** Triggers queued partitions while fewer than `concurrency` are in flight. */
  private async orchestrate(
    backfill: StoredBackfill,
    provider: SchedulerProvider,
    partitions: StoredBackfillPartition[],
  ): Promise<BackfillState> {
    const inFlight = partitions.filter(p => IN_FLIGHT.includes(p.state)).length;
    const queued = partitions.filter(p => p.state === 'queued');
    const free = Math.max(0, backfill.concurrency - inFlight);
    const pipeline = await this.pipelineOf(backfill.pipelineId);
    if (free > 0 && queued.length > 0) {
      const now = this.clock();
      const claimed = await this.options.backfills.claimPartitions(
        backfill.id,
        queued.slice(0, free).map(p => p.partition),
        now,
      );
      for (const partition of claimed) {
        try {
          const { runId } = await provider.triggerRun!({
            pipelineName: pipeline.name,
            partition,
          });
          await this.options.backfills.updatePartitions(backfill.id, [
            {
              partition,
              state: 'running',
              runId: providerRunId(provider.id, runId),
            },
          ]);
        } catch (error) {
          await this.options.backfills.updatePartitions(backfill.id, [
            {
              partition,
              state: 'failed',
              error: `Trigger failed: ${(error as Error).message}`,
            },
          ]);
        }
      }
      if (backfill.state === 'queued') {
        await this.options.backfills.updateBackfill(backfill.id, {
          state: 'running',
        });
      }
      return 'running';
    }
    if (queued.length === 0 && inFlight === 0) {
      const state = partitions.some(p => p.state === 'failed')
        ? 'failed'
        : 'succeeded';
      await this.options.backfills.updateBackfill(backfill.id, {
        state,
        endedAt: this.clock(),
      });
      return state;
    }
    return backfill.state;
  }

  private async fail(
    backfill: StoredBackfill,
    partitions: StoredBackfillPartition[],
    error: string,
  ) {
    await this.options.backfills.updatePartitions(
      backfill.id,
      partitions
        .filter(p => !isFinalPartition(p.state))
        .map(p => ({ partition: p.partition, state: 'cancelled' as const })),
    );
    await this.options.backfills.updateBackfill(backfill.id, {
      state: 'failed',
      error,
      endedAt: this.clock(),
    });
  }

  private async notifyEnded(
    backfillId: string,
    pipeline: Pipeline | undefined,
  ) {
    const found = await this.options.backfills.getBackfill(backfillId);
    if (!found) return;
    const { backfill, counts } = found;
    const { notifications } = this.options;
    if (notifications) {
      const progress = progressOf(counts);
      const name = pipeline?.title ?? pipeline?.name ?? backfill.pipelineId;
      const recipients = [backfill.requestedBy, pipeline?.owner].filter(
        (ref): ref is string => Boolean(ref && /^(user|group):/i.test(ref)),
      );
      const link = backfill.entityRef
        ? pipelineTabPath(backfill.entityRef)
        : undefined;
      try {
        await notifications.send({
          recipients: { type: 'entity', entityRef: [...new Set(recipients)] },
          payload: {
            title: `Backfill of ${name} ${backfill.state}`,
            description: `${progress.succeeded} partitions succeeded, ${
              progress.failed
            } failed, ${progress.cancelled} cancelled, ${
              progress.skipped
            } skipped (range ${backfill.start.toISOString()} to ${backfill.end.toISOString()}).`,
            link,
            severity: backfill.state === 'succeeded' ? 'normal' : 'high',
            topic: 'tributary-backfill',
          },
        });
      } catch (error) {
        // Retried on the next step: notified_at stays empty.
        this.options.logger.warn(
          `Could not notify about backfill ${backfillId}: ${error}`,
        );
        return;
      }
    }
    await this.options.backfills.updateBackfill(backfillId, {
      notifiedAt: this.clock(),
    });
  }

  private async pipelineOf(pipelineId: string): Promise<Pipeline> {
    const pipeline = await this.options.store.getPipeline(pipelineId);
    if (!pipeline)
      throw new NotFoundError(`No pipeline with id '${pipelineId}'`);
    return pipeline;
  }

  private findProvider(pipeline: Pipeline): SchedulerProvider | undefined {
    return this.options.providers.find(p => p.id === pipeline.source);
  }

  private providerOf(pipeline: Pipeline): SchedulerProvider {
    const provider = this.findProvider(pipeline);
    const name = pipeline.title ?? pipeline.name;
    if (!provider) {
      throw new ConflictError(
        `${name} is known from OpenLineage events only (source '${pipeline.source}'): no configured scheduler can run a backfill of it`,
      );
    }
    const native =
      provider.capabilities.nativeBackfill && provider.createBackfill;
    const trigger = provider.capabilities.triggerRun && provider.triggerRun;
    if (!native && !trigger) {
      throw new ConflictError(
        `${provider.title} (${provider.type}) can neither backfill nor trigger runs through its API: backfill ${name} in the scheduler itself`,
      );
    }
    return provider;
  }

  /** Checks a backfill permission against the pipeline's catalog entity. */
  private async authorize(
    pipeline: Pipeline,
    permission:
      | typeof pipelinesBackfillCreatePermission
      | typeof pipelinesBackfillCancelPermission,
    credentials: BackstageCredentials,
  ): Promise<string> {
    const entityRef = await findPipelineEntityRef(
      this.options.catalog,
      this.options.auth,
      pipeline.id,
    );
    const name = pipeline.title ?? pipeline.name;
    if (!entityRef) {
      throw new NotAllowedError(
        `${name} has no catalog entity yet, so its owners are unknown: try again once the catalog has it`,
      );
    }
    const [decision] = await this.options.permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      const verb =
        permission.name === pipelinesBackfillCreatePermission.name
          ? 'start'
          : 'cancel';
      throw new NotAllowedError(
        `Only the owners of ${name}${
          pipeline.owner ? ` (${pipeline.owner})` : ''
        } and admins may ${verb} its backfills`,
      );
    }
    return entityRef;
  }
}
