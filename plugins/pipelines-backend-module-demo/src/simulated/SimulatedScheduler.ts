import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  BackfillRequest,
  BackfillStatus,
  ListRunsResult,
  ProviderDependency,
  ProviderPipeline,
  ProviderRun,
  SchedulerProvider,
  SchedulerProviderCapabilities,
} from '@tributary/plugin-pipelines-node';
import {
  afterCancel,
  changedBetween,
  DAY_MS,
  HOUR_MS,
  maxAttemptsSpanMs,
  MINUTE_MS,
  PlannedRun,
  planAttempts,
  runAt,
} from './runPlans';

/** A pipeline of the simulated scheduler. */
export interface SimulatedPipelineSpec {
  /** Unique, e.g. `royalties.daily_statements`. */
  name: string;
  title?: string;
  description?: string;
  /** Partitions are aligned to UTC hours or UTC midnight. */
  cadence: 'hourly' | 'daily';
  /** Owners as the scheduler names them, e.g. `['royalties']`. */
  owners: string[];
  sourceCodeUrl?: string;
  meanDurationMinutes: number;
  /**
   * Chance (0..1) that an attempt fails; a failed first attempt is retried
   * once a few minutes later.
   */
  failureRate: number;
  /** Picked from when a run fails. */
  errorMessages: string[];
  /** Every partition from this time on fails (a pipeline "failing for days"). */
  failingSince?: Date;
  /** Partitions start this many minutes after their due time (a "late" pipeline). */
  startDelayMinutes?: number;
  /** Names of simulated pipelines it depends on (task dependencies). */
  upstream?: string[];
}

export interface SimulatedSchedulerOptions {
  pipelines: SimulatedPipelineSpec[];
  /** Same seed and clock, same runs. */
  seed: number;
  /** Runs of the partitions of this many days before now are reported. */
  historyDays: number;
  clock?: () => Date;
  /** Pipelines link to `<uiBaseUrl>/simulated/<name>` when given. */
  uiBaseUrl?: string;
  /**
   * Triggered and backfill runs run this many times faster than scheduled
   * ones, so a demo backfill ends while one watches. 1 when absent.
   */
  actionSpeedup?: number;
}

const CADENCES = {
  hourly: { ms: HOUR_MS, schedule: '@hourly' },
  daily: { ms: DAY_MS, schedule: '@daily' },
} as const;

/** Runs per `listRuns` answer; the first one (all history) takes several. */
const PAGE_SIZE = 5000;

/** Triggered runs and backfills: attempts of each partition. */
interface RunGroup {
  partitions: PlannedRun[][];
  cancelledAt?: number;
}

interface Cursor {
  /** The instant the answer describes. */
  at: number;
  /** The answer holds the runs that changed after this instant; all without it. */
  since?: number;
  /** Runs of the answer already returned, while pages remain. */
  offset?: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** Undefined for an unreadable cursor: the next answer is then complete. */
function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (!cursor) return undefined;
  try {
    const { at, since, offset } = JSON.parse(
      Buffer.from(cursor, 'base64url').toString(),
    );
    const optionalNumber = (v: unknown) =>
      v === undefined || Number.isFinite(v);
    if (
      Number.isFinite(at) &&
      optionalNumber(since) &&
      optionalNumber(offset)
    ) {
      return { at, since, offset };
    }
  } catch {
    // falls through to a complete answer
  }
  return undefined;
}

const iso = (time: number) => new Date(time).toISOString();

function validateSpecs(specs: SimulatedPipelineSpec[]) {
  const names = new Set<string>();
  for (const spec of specs) {
    if (names.has(spec.name)) {
      throw new Error(`Simulated pipeline '${spec.name}' is defined twice`);
    }
    names.add(spec.name);
    if (!(spec.failureRate >= 0 && spec.failureRate <= 1)) {
      throw new Error(`Failure rate of '${spec.name}' must be within 0..1`);
    }
    if (!(spec.meanDurationMinutes > 0)) {
      throw new Error(`Mean duration of '${spec.name}' must be positive`);
    }
  }
  for (const spec of specs) {
    const unknown = spec.upstream?.find(name => !names.has(name));
    if (unknown) {
      throw new Error(
        `'${spec.name}' depends on unknown pipeline '${unknown}'`,
      );
    }
  }
}

/**
 * A scheduler that does not exist: pipelines from specs, runs drawn from a
 * seed. Scheduled runs are a pure function of (seed, pipeline, partition,
 * time), so every replica and every restart tells the same story. Triggered
 * runs and backfills live in this object's memory only: a restart forgets
 * them, and another replica never knew them. It is a demo.
 */
export class SimulatedScheduler implements SchedulerProvider {
  static create(options: SimulatedSchedulerOptions): SimulatedScheduler {
    validateSpecs(options.pipelines);
    return new SimulatedScheduler(options);
  }

  readonly id = 'simulated:demo';
  readonly type = 'simulated';
  readonly title = 'Simulated scheduler (demo)';
  readonly capabilities: SchedulerProviderCapabilities = {
    triggerRun: true,
    nativeBackfill: true,
    taskDependencies: true,
  };
  readonly schedule: SchedulerServiceTaskScheduleDefinition = {
    frequency: { seconds: 10 },
    timeout: { minutes: 1 },
  };

  private readonly specs: Map<string, SimulatedPipelineSpec>;
  private readonly clock: () => Date;
  /** Triggered runs and backfills in creation order. */
  private readonly groups: RunGroup[] = [];
  private readonly backfills = new Map<string, RunGroup>();
  private triggeredCount = 0;
  private lastAnsweredAt = -Infinity;

  private constructor(private readonly options: SimulatedSchedulerOptions) {
    this.specs = new Map(options.pipelines.map(spec => [spec.name, spec]));
    this.clock = options.clock ?? (() => new Date());
  }

  async listPipelines(): Promise<ProviderPipeline[]> {
    const base = this.options.uiBaseUrl?.replace(/\/+$/, '');
    return [...this.specs.values()].map(spec => ({
      name: spec.name,
      title: spec.title,
      description: `${
        spec.description ?? `A ${spec.cadence} demo pipeline`
      } (simulated)`,
      schedule: CADENCES[spec.cadence].schedule,
      owners: spec.owners,
      url:
        base === undefined
          ? undefined
          : `${base}/simulated/${encodeURIComponent(spec.name)}`,
      sourceCodeUrl: spec.sourceCodeUrl,
    }));
  }

  async listDependencies(): Promise<ProviderDependency[]> {
    return [...this.specs.values()].flatMap(spec =>
      (spec.upstream ?? []).map(upstream => ({
        upstream,
        downstream: spec.name,
      })),
    );
  }

  async listRuns(options: { cursor?: string }): Promise<ListRunsResult> {
    const previous = decodeCursor(options.cursor);
    // Later pages describe the same instant as the first, so they resume
    // exactly where it stopped whatever the clock says now.
    const paging = previous?.offset !== undefined;
    const at = paging ? previous.at : this.clock().getTime();
    const since = paging ? previous.since : previous?.at;
    const offset = previous?.offset ?? 0;
    this.lastAnsweredAt = Math.max(this.lastAnsweredAt, at);

    const runs = this.runsChanged(at, since);
    const next = offset + PAGE_SIZE;
    if (next < runs.length) {
      return {
        runs: runs.slice(offset, next),
        cursor: encodeCursor({ at, since, offset: next }),
        hasMore: true,
      };
    }
    return { runs: runs.slice(offset), cursor: encodeCursor({ at }) };
  }

  async triggerRun(options: {
    pipelineName: string;
    partition: Date;
  }): Promise<{ runId: string }> {
    const spec = this.specOf(options.pipelineName);
    const partition = options.partition.getTime();
    this.checkPartition(spec, partition, 'Partition');
    this.checkNotFuture(partition);
    const prefix = `manual-${++this.triggeredCount}/`;
    const attempts = this.plan(spec, partition, prefix, this.actionTime(), {
      timeScale: this.actionTimeScale(),
    });
    this.groups.push({ partitions: [attempts] });
    return { runId: attempts[0].id };
  }

  async createBackfill(request: BackfillRequest): Promise<BackfillStatus> {
    const spec = this.specOf(request.pipelineName);
    const partitions = this.backfillPartitions(spec, request);
    const createdAt = this.actionTime();
    const id = `backfill-${this.backfills.size + 1}`;

    // Every partition is queued at once; each takes the first free slot and
    // holds it through its retry, so at most `concurrency` are in flight.
    const slotsFreeAt = new Array<number>(
      Math.min(request.concurrency, partitions.length),
    ).fill(createdAt);
    let previousStart = createdAt;
    const group: RunGroup = {
      partitions: partitions.map(partition => {
        const slot = slotsFreeAt.indexOf(Math.min(...slotsFreeAt));
        const attempts = this.plan(spec, partition, `${id}/`, createdAt, {
          slotFreeAt: slotsFreeAt[slot],
          startNotBefore: previousStart,
          timeScale: this.actionTimeScale(),
        });
        previousStart = attempts[0].startedAt!;
        slotsFreeAt[slot] = attempts[attempts.length - 1].endedAt;
        return attempts;
      }),
    };
    this.backfills.set(id, group);
    this.groups.push(group);
    return this.backfillStatus(id, group);
  }

  async getBackfill(id: string): Promise<BackfillStatus> {
    return this.backfillStatus(id, this.backfillOf(id));
  }

  /** Runs not started yet are aborted; started ones finish, without retry. */
  async cancelBackfill(id: string): Promise<BackfillStatus> {
    const group = this.backfillOf(id);
    const status = this.backfillStatus(id, group);
    if (status.state === 'queued' || status.state === 'running') {
      group.cancelledAt = this.actionTime();
    }
    return this.backfillStatus(id, group);
  }

  /**
   * The runs queued by `at` that were queued, started or ended after `since`
   * (all without it), as they stand at `at`. The order is stable for a given
   * `at`, which paging relies on.
   */
  private runsChanged(at: number, since: number | undefined): ProviderRun[] {
    const runs: ProviderRun[] = [];
    const add = (run: PlannedRun | undefined) => {
      if (
        run &&
        run.queuedAt <= at &&
        (since === undefined || changedBetween(run, since, at))
      ) {
        runs.push(runAt(run, at));
      }
    };
    for (const spec of this.specs.values()) {
      for (const partition of this.scheduledPartitions(spec, at, since)) {
        const dueAt = this.dueAt(spec, partition);
        this.plan(spec, partition, '', dueAt).forEach(add);
      }
    }
    for (const group of this.groups) {
      for (const attempts of group.partitions) {
        attempts.forEach(run => add(afterCancel(run, group.cancelledAt)));
      }
    }
    return runs;
  }

  /**
   * Partitions of the history window due by `at`; with `since`, only those
   * whose attempts can still have changed after it.
   */
  private *scheduledPartitions(
    spec: SimulatedPipelineSpec,
    at: number,
    since: number | undefined,
  ): Iterable<number> {
    const step = CADENCES[spec.cadence].ms;
    let from = at - this.options.historyDays * DAY_MS;
    if (since !== undefined) {
      const earliestDue = since - maxAttemptsSpanMs(spec);
      from = Math.max(from, earliestDue - this.dueAt(spec, 0));
    }
    for (
      let partition = Math.ceil(from / step) * step;
      this.dueAt(spec, partition) <= at;
      partition += step
    ) {
      yield partition;
    }
  }

  private dueAt(spec: SimulatedPipelineSpec, partition: number): number {
    return (
      partition +
      CADENCES[spec.cadence].ms +
      (spec.startDelayMinutes ?? 0) * MINUTE_MS
    );
  }

  private plan(
    spec: SimulatedPipelineSpec,
    partition: number,
    idPrefix: string,
    queuedAt: number,
    slot: {
      slotFreeAt?: number;
      startNotBefore?: number;
      timeScale?: number;
    } = {},
  ): PlannedRun[] {
    return planAttempts({
      seed: this.options.seed,
      idPrefix,
      profile: spec,
      partition,
      partitionEnd: partition + CADENCES[spec.cadence].ms,
      queuedAt,
      ...slot,
    });
  }

  private actionTimeScale(): number {
    return 1 / (this.options.actionSpeedup ?? 1);
  }

  /**
   * Now, or just after the last instant `listRuns` answered for: what a
   * trigger or cancel changes must come after it, or the next delta (which
   * starts after that instant) would miss the change.
   */
  private actionTime(): number {
    return Math.max(this.clock().getTime(), this.lastAnsweredAt + 1);
  }

  private specOf(name: string): SimulatedPipelineSpec {
    const spec = this.specs.get(name);
    if (!spec) {
      throw new InputError(`The simulated scheduler has no pipeline '${name}'`);
    }
    return spec;
  }

  private backfillOf(id: string): RunGroup {
    const group = this.backfills.get(id);
    if (!group) {
      throw new NotFoundError(
        `The simulated scheduler has no backfill '${id}'`,
      );
    }
    return group;
  }

  private checkPartition(
    spec: SimulatedPipelineSpec,
    time: number,
    what: string,
  ) {
    if (!Number.isFinite(time) || time % CADENCES[spec.cadence].ms !== 0) {
      throw new InputError(
        `${what} ${
          Number.isFinite(time) ? iso(time) : 'Invalid Date'
        } is not a partition of ${spec.name}, which runs ${spec.cadence} (UTC)`,
      );
    }
  }

  private checkNotFuture(partition: number) {
    if (partition > this.clock().getTime()) {
      throw new InputError(`Partition ${iso(partition)} is in the future`);
    }
  }

  /** The partitions a backfill runs, in the order asked. */
  private backfillPartitions(
    spec: SimulatedPipelineSpec,
    request: BackfillRequest,
  ): number[] {
    const { concurrency } = request;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InputError(
        `Backfill concurrency must be a positive integer, not ${concurrency}`,
      );
    }
    const start = request.start.getTime();
    const end = request.end.getTime();
    this.checkPartition(spec, start, 'Backfill start');
    this.checkPartition(spec, end, 'Backfill end');
    if (!(start < end)) {
      throw new InputError(
        `Backfill start ${iso(start)} must be before its end ${iso(end)}`,
      );
    }

    let partitions: number[] = [];
    if (request.partitions) {
      for (const time of request.partitions.map(p => p.getTime())) {
        this.checkPartition(spec, time, 'Partition');
        if (time < start || time >= end) {
          throw new InputError(
            `Partition ${iso(time)} is outside the backfill range [${iso(
              start,
            )}, ${iso(end)})`,
          );
        }
      }
      partitions = [...new Set(request.partitions.map(p => p.getTime()))];
    } else {
      for (let time = start; time < end; time += CADENCES[spec.cadence].ms) {
        partitions.push(time);
      }
    }
    if (!partitions.length) {
      throw new InputError('The backfill names no partitions to run');
    }
    partitions.forEach(time => this.checkNotFuture(time));
    return partitions.sort((a, b) =>
      request.order === 'newest' ? b - a : a - b,
    );
  }

  private backfillStatus(id: string, group: RunGroup): BackfillStatus {
    const now = this.clock().getTime();
    // A partition is done when its last attempt (after any cancel) has ended.
    const lasts = group.partitions.map(
      attempts =>
        attempts
          .map(run => afterCancel(run, group.cancelledAt))
          .filter(run => run !== undefined)
          .pop()!,
    );
    const done = lasts.filter(
      run => run.outcome !== 'aborted' && run.endedAt <= now,
    );
    const started = group.partitions.some(([first]) => first.startedAt! <= now);
    let state: BackfillStatus['state'] = started ? 'running' : 'queued';
    if (group.cancelledAt !== undefined) state = 'cancelled';
    else if (done.length === lasts.length) {
      state = done.some(run => run.outcome === 'failed')
        ? 'failed'
        : 'succeeded';
    }
    return { id, state, completed: done.length, total: lasts.length };
  }
}
