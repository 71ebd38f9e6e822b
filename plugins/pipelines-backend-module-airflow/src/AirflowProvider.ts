import {
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  BackfillRequest,
  BackfillStatus,
  ListRunsResult,
  ProviderPipeline,
  ProviderRun,
  SchedulerProvider,
  SchedulerProviderCapabilities,
  SchedulerRequestError,
} from '@tributary/plugin-pipelines-node';
import { airflowDetail, AirflowClient } from './AirflowClient';
import {
  dagSchedule,
  describeFailedTasks,
  inclusiveEndBefore,
  normalizeDagRunState,
  toDate,
} from './airflowMapping';
import {
  AirflowBackfill,
  AirflowBackfillCollection,
  AirflowBackfillPostBody,
  AirflowDag,
  AirflowDagCollection,
  AirflowDagRun,
  AirflowDagRunCollection,
  AirflowDryRunBackfillCollection,
  AirflowReprocessBehavior,
  AirflowTaskInstanceCollection,
} from './airflowTypes';
import { AirflowCredentials, AirflowTokenSource } from './AirflowTokenSource';
import { readAirflowProviderOptions } from './readAirflowProviderOptions';
import { OwnerRules } from './OwnerRules';

/** Airflow clamps `limit` to `[api] maximum_page_limit`, 100 by default. */
const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Absorbs clock skew and late commits between polls. */
const DEFAULT_CURSOR_OVERLAP_MS = 2 * 60_000;
/** Failed runs older than this get no task-instance lookup on a first poll. */
const DEFAULT_ERROR_LOOKBACK_MS = 7 * 24 * 60 * 60_000;
/** Guards against a server whose total_entries never comes in reach. */
const MAX_DAG_PAGES = 1000;
const TASK_LOOKUP_CONCURRENCY = 4;
const ERROR_CACHE_SIZE = 10_000;
const RECOVERABLE_STATES = ['queued', 'running'];
/** `DAGRunPatchBody.note` is at most this long. */
const MAX_NOTE_LENGTH = 1000;

/**
 * The note of an aborted run: the reason, after the run's own note if it has
 * one. Undefined (leave the note alone) without a reason, or when both do not
 * fit.
 */
function abortNote(
  existing: string | null | undefined,
  reason: string,
): string | undefined {
  const trimmed = reason.trim();
  if (!trimmed) return undefined;
  const note = existing?.trim() ? `${existing.trim()}\n\n${trimmed}` : trimmed;
  if (note.length <= MAX_NOTE_LENGTH) return note;
  return existing?.trim() ? undefined : trimmed.slice(0, MAX_NOTE_LENGTH);
}

/**
 * Why abortRun failed, naming the run; the error keeps its kind (404 →
 * NotFoundError, other 4xx → the matching error, else SchedulerRequestError).
 */
function abortError(runId: string, error: unknown): Error {
  if (error instanceof NotFoundError) {
    return new NotFoundError(
      `Airflow has no DAG run '${runId}' to abort: ${airflowDetail(error)}`,
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  const message = `Could not abort Airflow DAG run '${runId}': ${reason}`;
  if (error instanceof SchedulerRequestError) {
    return new SchedulerRequestError(message, error.status, error.body);
  }
  for (const Kind of [
    InputError,
    ConflictError,
    AuthenticationError,
    NotAllowedError,
  ]) {
    if (error instanceof Kind) return new Kind(message);
  }
  return new Error(message, { cause: error });
}

/**
 * Options of one Airflow instance. {@link AirflowProvider.fromConfig} reads
 * them from `pipelines.providers.airflow[]`.
 *
 * @public
 */
export interface AirflowProviderOptions {
  /** Instance id; the provider id is `airflow:<id>`. */
  id: string;
  title?: string;
  /** Root of the Airflow API server, including any `[api] base_url` path. */
  baseUrl: string;
  /** Root of the Airflow UI for links; `baseUrl` when absent. */
  webUrl?: string;
  schedule?: SchedulerServiceTaskScheduleDefinition;
  /** Owner of DAGs that name none (Airflow reports `airflow` then). */
  owner?: string;
  /** DAG-id glob → owner, for DAGs that name none; first match wins. */
  owners?: Record<string, string>;
  /** Per request; 30 s by default. */
  timeoutMs?: number;
  credentials?: AirflowCredentials;
  /** Page size of list calls; Airflow clamps it to 100 by default. */
  pageSize?: number;
  /** How far each poll reaches back before the previous one. 2 min by default. */
  cursorOverlapMs?: number;
  /**
   * On a poll without a cursor, failed runs that ended longer ago than this get
   * no error message (no task-instance lookup). 7 days by default.
   */
  errorLookbackMs?: number;
  /** Airflow's `reprocess_behavior` for backfills; `none` by default. */
  reprocessBehavior?: AirflowReprocessBehavior;
  logger: LoggerService;
  /** For tests. */
  now?: () => Date;
}

/**
 * A backfill request with the Airflow-only knobs.
 *
 * @public
 */
export interface AirflowBackfillRequest extends BackfillRequest {
  /** Overrides the instance's configured `reprocess_behavior`. */
  reprocessBehavior?: AirflowReprocessBehavior;
  /** `conf` of every run the backfill creates; checked against DAG params. */
  runConf?: Record<string, unknown>;
}

interface RunsCursor {
  /** Runs updated at or after this (less the overlap) are listed. */
  since?: string;
  /** Start of the listing in progress; the next `since`. */
  window?: string;
  /** Position inside the listing in progress. */
  offset?: number;
}

function encodeCursor(cursor: RunsCursor): string {
  return JSON.stringify({ v: 1, ...cursor });
}

function isIsoTime(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

function malformed(url: string, what: string): SchedulerRequestError {
  return new SchedulerRequestError(`GET ${url} answered JSON without ${what}`);
}

/**
 * Reports the DAGs and DAG runs of one Airflow 3 instance through its REST API
 * v2, triggers runs and drives Airflow's own backfills.
 *
 * @public
 */
export class AirflowProvider implements SchedulerProvider {
  readonly type = 'airflow';
  readonly capabilities: SchedulerProviderCapabilities = {
    triggerRun: true,
    nativeBackfill: true,
    taskDependencies: false,
  };
  readonly id: string;
  readonly title: string;
  readonly schedule?: SchedulerServiceTaskScheduleDefinition;

  private readonly client: AirflowClient;
  private readonly webUrl: string;
  private readonly ownerRules: OwnerRules;
  private readonly pageSize: number;
  private readonly cursorOverlapMs: number;
  private readonly errorLookbackMs: number;
  private readonly reprocessBehavior: AirflowReprocessBehavior;
  private readonly logger: LoggerService;
  private readonly now: () => Date;
  /** Error messages of failed runs already looked up, by run id and end. */
  private readonly errorCache = new Map<string, string>();

  /** One provider per entry of `pipelines.providers.airflow`. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService },
  ): AirflowProvider[] {
    const instances =
      config.getOptionalConfigArray('pipelines.providers.airflow') ?? [];
    const seen = new Set<string>();
    return instances.map(instance => {
      const read = readAirflowProviderOptions(instance);
      if (seen.has(read.id)) {
        throw new InputError(
          `pipelines.providers.airflow has two instances with the id '${read.id}'`,
        );
      }
      seen.add(read.id);
      return AirflowProvider.create({
        ...read,
        logger: options.logger.child({ provider: `airflow:${read.id}` }),
      });
    });
  }

  static create(options: AirflowProviderOptions): AirflowProvider {
    return new AirflowProvider(options);
  }

  private constructor(options: AirflowProviderOptions) {
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const now = options.now ?? (() => new Date());
    this.id = `airflow:${options.id}`;
    this.title = options.title ?? `Airflow ${options.id}`;
    this.schedule = options.schedule;
    this.webUrl = (options.webUrl ?? baseUrl).replace(/\/+$/, '');
    this.client = AirflowClient.create({
      baseUrl,
      timeoutMs,
      tokens: AirflowTokenSource.create({
        baseUrl,
        credentials: options.credentials,
        timeoutMs,
        now: () => now().getTime(),
      }),
    });
    this.ownerRules = OwnerRules.create({
      owners: options.owners,
      owner: options.owner,
    });
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.cursorOverlapMs = options.cursorOverlapMs ?? DEFAULT_CURSOR_OVERLAP_MS;
    this.errorLookbackMs = options.errorLookbackMs ?? DEFAULT_ERROR_LOOKBACK_MS;
    this.reprocessBehavior = options.reprocessBehavior ?? 'none';
    this.logger = options.logger;
    this.now = now;
  }

  // ---------------------------------------------------------------- pipelines

  async listPipelines(options: {
    signal?: AbortSignal;
  }): Promise<ProviderPipeline[]> {
    const dags: AirflowDag[] = [];
    let offset = 0;
    for (let page = 0; page < MAX_DAG_PAGES; page++) {
      const query = { limit: this.pageSize, offset, order_by: 'dag_id' };
      const answer = await this.client
        .request<AirflowDagCollection>('/api/v2/dags', {
          query,
          signal: options.signal,
        })
        .catch(error => {
          if (error instanceof NotFoundError) {
            throw new NotFoundError(
              `${error.message} (is this Airflow 3? Airflow 2 has no /api/v2; check baseUrl)`,
            );
          }
          throw error;
        });
      if (!Array.isArray(answer?.dags)) {
        throw malformed(this.client.url('/api/v2/dags', query), 'a dags list');
      }
      dags.push(...answer.dags);
      // Airflow may clamp the limit: advance by what actually came.
      offset += answer.dags.length;
      if (!answer.dags.length || offset >= answer.total_entries) break;
    }
    return dags.map(dag => this.toPipeline(dag));
  }

  private toPipeline(dag: AirflowDag): ProviderPipeline {
    const title = dag.dag_display_name?.trim();
    return {
      name: dag.dag_id,
      title: title || undefined,
      description: dag.description?.trim() || undefined,
      schedule: dagSchedule(dag),
      owners: this.ownerRules.ownersOf(dag.dag_id, dag.owners),
      url: this.dagUrl(dag.dag_id),
      paused: dag.is_paused ?? undefined,
    };
  }

  // --------------------------------------------------------------------- runs

  /**
   * One page of DAG runs of all DAGs (`/dags/~/dagRuns`), ordered by id.
   *
   * Runs carry no `updated_at`, but Airflow filters on it. The cursor is
   * therefore not a value seen in the data but the time the previous listing
   * started: each listing asks for `updated_at >= since - overlap`. It sets no
   * upper bound: ordered by id, rows only join such a listing at its end (new
   * runs) and never leave it (`updated_at` only grows), so offset paging over
   * several calls stays stable. Runs that change during a listing are listed
   * again by the next one, since their `updated_at` is after its start.
   */
  async listRuns(options: {
    cursor?: string;
    signal?: AbortSignal;
  }): Promise<ListRunsResult> {
    const state = this.parseCursor(options.cursor);
    const window = state.window ?? this.now().toISOString();
    const offset = state.offset ?? 0;
    const query = {
      order_by: 'id',
      limit: this.pageSize,
      offset,
      updated_at_gte: state.since
        ? new Date(Date.parse(state.since) - this.cursorOverlapMs).toISOString()
        : undefined,
    };
    const path = '/api/v2/dags/~/dagRuns';
    const answer = await this.client.request<AirflowDagRunCollection>(path, {
      query,
      signal: options.signal,
    });
    if (!Array.isArray(answer?.dag_runs)) {
      throw malformed(this.client.url(path, query), 'a dag_runs list');
    }
    const received = answer.dag_runs.length;
    const nextOffset = offset + received;
    const done = received === 0 || nextOffset >= answer.total_entries;

    const errors = await this.failureMessages(
      answer.dag_runs,
      !state.since,
      options.signal,
    );
    const runs = answer.dag_runs.map(run =>
      this.toRun(run, errors.get(this.runId(run))),
    );
    return {
      runs,
      cursor: encodeCursor(
        done
          ? { since: window }
          : { since: state.since, window, offset: nextOffset },
      ),
      hasMore: !done,
    };
  }

  private parseCursor(cursor: string | undefined): RunsCursor {
    if (!cursor) return {};
    try {
      const parsed = JSON.parse(cursor);
      if (parsed?.v === 1) {
        const result: RunsCursor = {};
        if (isIsoTime(parsed.since)) result.since = parsed.since;
        if (
          isIsoTime(parsed.window) &&
          Number.isInteger(parsed.offset) &&
          parsed.offset >= 0
        ) {
          result.window = parsed.window;
          result.offset = parsed.offset;
        }
        return result;
      }
    } catch {
      // fall through
    }
    this.logger.warn(
      `Ignoring unreadable runs cursor '${cursor}'; listing all runs again`,
    );
    return {};
  }

  private runId(run: AirflowDagRun): string {
    return `${run.dag_id}/${run.dag_run_id}`;
  }

  private toRun(run: AirflowDagRun, errorMessage?: string): ProviderRun {
    const state = normalizeDagRunState(run.state);
    // Null for manual and asset-triggered runs in Airflow 3: no partition then.
    const partition = toDate(run.logical_date);
    const intervalEnd = toDate(run.data_interval_end);
    const finished = !RECOVERABLE_STATES.includes(run.state ?? '');
    return {
      id: this.runId(run),
      pipelineName: run.dag_id,
      partition,
      // Zero-length intervals (CronTriggerTimetable) have no meaningful end.
      partitionEnd:
        partition && intervalEnd && intervalEnd > partition
          ? intervalEnd
          : undefined,
      state,
      sourceState: run.state ?? 'unknown',
      queuedAt: toDate(run.queued_at),
      // Backfill runs get a start_date when created, while still queued.
      startedAt: run.state === 'queued' ? undefined : toDate(run.start_date),
      // A cleared run that runs again may still carry its old end_date.
      endedAt: finished ? toDate(run.end_date) : undefined,
      errorMessage: run.state === 'failed' ? errorMessage : undefined,
      url: this.runUrl(run.dag_id, run.dag_run_id),
    };
  }

  /**
   * Error messages of the failed runs in a page, from their task instances.
   * Only runs not described before are looked up (one request each); the
   * cache key includes the end time, so a run that fails again is new.
   */
  private async failureMessages(
    runs: AirflowDagRun[],
    firstListing: boolean,
    signal?: AbortSignal,
  ): Promise<Map<string, string>> {
    const messages = new Map<string, string>();
    const lookups: Array<{ run: AirflowDagRun; key: string }> = [];
    const oldest = this.now().getTime() - this.errorLookbackMs;
    for (const run of runs) {
      if (run.state !== 'failed') continue;
      const key = `${this.runId(run)}@${run.end_date ?? ''}`;
      const cached = this.errorCache.get(key);
      if (cached !== undefined) {
        messages.set(this.runId(run), cached);
        continue;
      }
      const ended = toDate(run.end_date ?? run.run_after);
      if (firstListing && ended && ended.getTime() < oldest) continue;
      lookups.push({ run, key });
    }
    await mapLimit(lookups, TASK_LOOKUP_CONCURRENCY, async ({ run, key }) => {
      const message = await this.describeFailure(run, signal);
      if (message === undefined) return;
      messages.set(this.runId(run), message);
      this.errorCache.set(key, message);
      if (this.errorCache.size > ERROR_CACHE_SIZE) {
        this.errorCache.delete(this.errorCache.keys().next().value!);
      }
    });
    return messages;
  }

  private async describeFailure(
    run: AirflowDagRun,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    try {
      const answer = await this.client.request<AirflowTaskInstanceCollection>(
        `/api/v2/dags/${encodeURIComponent(
          run.dag_id,
        )}/dagRuns/${encodeURIComponent(run.dag_run_id)}/taskInstances`,
        {
          query: {
            state: ['failed', 'upstream_failed'],
            limit: this.pageSize,
          },
          signal,
        },
      );
      const items = Array.isArray(answer?.task_instances)
        ? answer.task_instances
        : [];
      return describeFailedTasks(items, answer?.total_entries ?? items.length);
    } catch (error) {
      // The run was deleted since it was listed: nothing to describe.
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  // ------------------------------------------------------------------ trigger

  /** Triggers a run of the DAG for the logical date `partition`. */
  async triggerRun(options: {
    pipelineName: string;
    partition: Date;
  }): Promise<{ runId: string }> {
    const { pipelineName, partition } = options;
    if (Number.isNaN(partition.getTime())) {
      throw new InputError('triggerRun needs a valid partition date');
    }
    const logicalDate = partition.toISOString();
    try {
      // TriggerDAGRunPostBody allows no unknown keys; logical_date is required.
      const run = await this.client.request<AirflowDagRun>(
        `/api/v2/dags/${encodeURIComponent(pipelineName)}/dagRuns`,
        { method: 'POST', body: { logical_date: logicalDate } },
      );
      return { runId: this.runId(run) };
    } catch (error) {
      if (error instanceof ConflictError) {
        throw new ConflictError(
          `Airflow already has a run of DAG '${pipelineName}' for logical date ${logicalDate}: ${airflowDetail(
            error,
          )}`,
        );
      }
      if (error instanceof NotFoundError) {
        throw new NotFoundError(
          `Airflow has no (active) DAG '${pipelineName}': ${airflowDetail(
            error,
          )}`,
        );
      }
      if (error instanceof InputError) {
        throw new InputError(
          `Airflow refused to trigger DAG '${pipelineName}' for ${logicalDate}: ${airflowDetail(
            error,
          )}`,
        );
      }
      throw error;
    }
  }

  /**
   * Stops a run: marks the DAG run `<dag_id>/<dag_run_id>` (the run id
   * triggerRun answers and listRuns reports) failed, which Airflow does by
   * failing its running task instances and skipping the ones not started,
   * and adds the reason to the run's note. Only a queued or running run is
   * touched: Airflow would mark even a successful run failed.
   */
  async abortRun(options: { runId: string; reason: string }): Promise<void> {
    const { runId } = options;
    const slash = runId.indexOf('/');
    if (slash <= 0 || slash === runId.length - 1) {
      throw new InputError(
        `Airflow run ids are <dag_id>/<dag_run_id>, got '${runId}'`,
      );
    }
    const path = `/api/v2/dags/${encodeURIComponent(
      runId.slice(0, slash),
    )}/dagRuns/${encodeURIComponent(runId.slice(slash + 1))}`;
    try {
      const run = await this.client.request<AirflowDagRun>(path);
      if (!RECOVERABLE_STATES.includes(run.state ?? '')) {
        this.logger.info(
          `Airflow DAG run ${runId} is ${run.state}; nothing to abort`,
        );
        return;
      }
      const note = abortNote(run.note, options.reason);
      // update_mask: without it, older servers also apply the fields left out.
      await this.client.request<AirflowDagRun>(path, {
        method: 'PATCH',
        query: {
          update_mask: note === undefined ? ['state'] : ['state', 'note'],
        },
        body:
          note === undefined ? { state: 'failed' } : { state: 'failed', note },
      });
    } catch (error) {
      throw abortError(runId, error);
    }
    this.logger.info(`Aborted Airflow DAG run ${runId}: ${options.reason}`);
  }

  // ---------------------------------------------------------------- backfills

  /**
   * Starts an Airflow backfill of `[start, end)`. With `partitions`, the
   * backfill covers exactly those logical dates or is refused: a dry run over
   * their range must name the same dates (Airflow backfills every schedule
   * point of a range that `reprocessBehavior` lets through).
   */
  async createBackfill(
    request: AirflowBackfillRequest,
  ): Promise<BackfillStatus> {
    const body = this.backfillBody(request);
    if (request.partitions?.length) {
      await this.checkPartitions(request.partitions, body);
    }
    let backfill: AirflowBackfill;
    try {
      backfill = await this.client.request<AirflowBackfill>(
        '/api/v2/backfills',
        { method: 'POST', body },
      );
    } catch (error) {
      throw await this.backfillError(error, body);
    }
    return this.backfillStatus(backfill);
  }

  /**
   * The logical dates a backfill would create now, given the existing runs
   * and the reprocess behavior; nothing is stored.
   */
  async dryRunBackfill(request: AirflowBackfillRequest): Promise<Date[]> {
    const body = this.backfillBody(request);
    return this.dryRun(body);
  }

  async getBackfill(id: string): Promise<BackfillStatus> {
    const backfill = await this.client.request<AirflowBackfill>(
      `/api/v2/backfills/${this.backfillId(id)}`,
    );
    return this.backfillStatus(backfill);
  }

  /**
   * Cancels a backfill: Airflow pauses it, fails its queued runs and marks it
   * completed; runs already running finish. Cancelling a completed backfill
   * answers its status.
   */
  async cancelBackfill(id: string): Promise<BackfillStatus> {
    return this.controlBackfill(id, 'cancel');
  }

  /** Stops a backfill from starting new runs; running ones continue. */
  async pauseBackfill(id: string): Promise<BackfillStatus> {
    return this.controlBackfill(id, 'pause');
  }

  async unpauseBackfill(id: string): Promise<BackfillStatus> {
    return this.controlBackfill(id, 'unpause');
  }

  /** The DAG's backfill that is not completed yet, if any (one at most). */
  async getActiveBackfill(
    pipelineName: string,
  ): Promise<BackfillStatus | undefined> {
    const active = await this.findActiveBackfill(pipelineName);
    return active ? this.backfillStatus(active) : undefined;
  }

  private backfillBody(
    request: AirflowBackfillRequest,
  ): AirflowBackfillPostBody {
    const { pipelineName, start, end, concurrency, order } = request;
    if (!pipelineName) {
      throw new InputError('A backfill needs a pipeline (DAG id)');
    }
    if (
      !(start instanceof Date) ||
      !(end instanceof Date) ||
      Number.isNaN(start.getTime()) ||
      Number.isNaN(end.getTime())
    ) {
      throw new InputError('A backfill needs valid start and end dates');
    }
    // Also keeps from_date > to_date away from Airflow, which on some versions
    // left an orphaned active backfill behind that blocked new ones.
    if (start.getTime() >= end.getTime()) {
      throw new InputError(
        `The backfill start ${start.toISOString()} must be before its end ${end.toISOString()}`,
      );
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InputError(
        `The backfill concurrency must be a positive integer, not ${concurrency}`,
      );
    }
    if (order !== 'oldest' && order !== 'newest') {
      throw new InputError(
        `The backfill order must be 'oldest' or 'newest', not '${order}'`,
      );
    }
    let from = start.toISOString();
    // Airflow's range is inclusive at both ends, ours excludes the end.
    let to = inclusiveEndBefore(end);
    if (request.partitions?.length) {
      const times = request.partitions.map(p => p.getTime());
      if (
        times.some(
          t => Number.isNaN(t) || t < start.getTime() || t >= end.getTime(),
        )
      ) {
        throw new InputError(
          `Every backfill partition must lie in [${start.toISOString()}, ${end.toISOString()})`,
        );
      }
      from = new Date(Math.min(...times)).toISOString();
      to = new Date(Math.max(...times)).toISOString();
    }
    // Only keys every Airflow 3 server knows: the body forbids unknown keys,
    // so e.g. run_on_latest_version would be a 422 on older servers.
    const body: AirflowBackfillPostBody = {
      dag_id: pipelineName,
      from_date: from,
      to_date: to,
      run_backwards: order === 'newest',
      reprocess_behavior: request.reprocessBehavior ?? this.reprocessBehavior,
      max_active_runs: concurrency,
    };
    if (request.runConf) body.dag_run_conf = request.runConf;
    return body;
  }

  private async dryRun(body: AirflowBackfillPostBody): Promise<Date[]> {
    let answer: AirflowDryRunBackfillCollection;
    try {
      answer = await this.client.request<AirflowDryRunBackfillCollection>(
        '/api/v2/backfills/dry_run',
        { method: 'POST', body },
      );
    } catch (error) {
      throw await this.backfillError(error, body);
    }
    if (!Array.isArray(answer?.backfills)) {
      throw malformed(
        this.client.url('/api/v2/backfills/dry_run'),
        'a backfills list',
      );
    }
    return answer.backfills
      .map(entry => toDate(entry.logical_date))
      .filter((date): date is Date => date !== undefined)
      .sort((a, b) => a.getTime() - b.getTime());
  }

  private async checkPartitions(
    partitions: Date[],
    body: AirflowBackfillPostBody,
  ): Promise<void> {
    const wanted = new Set(partitions.map(p => p.getTime()));
    const planned = await this.dryRun(body);
    const plannedTimes = new Set(planned.map(p => p.getTime()));
    const extra = planned.filter(p => !wanted.has(p.getTime()));
    const skipped = [...wanted]
      .filter(t => !plannedTimes.has(t))
      .map(t => new Date(t));
    if (!extra.length && !skipped.length) return;
    const list = (dates: Date[]) =>
      dates
        .slice(0, 5)
        .map(d => d.toISOString())
        .join(', ') + (dates.length > 5 ? ` and ${dates.length - 5} more` : '');
    const problems = [];
    if (extra.length) {
      problems.push(`it would also run ${list(extra)}`);
    }
    if (skipped.length) {
      problems.push(
        `it would not run ${list(
          skipped,
        )} (not a schedule point of the DAG, or a run exists that reprocess behavior '${
          body.reprocess_behavior
        }' keeps)`,
      );
    }
    throw new InputError(
      `An Airflow backfill of DAG '${
        body.dag_id
      }' covers every schedule point of a range, so it cannot run exactly the requested partitions: ${problems.join(
        '; ',
      )}`,
    );
  }

  private async backfillError(
    error: unknown,
    body: AirflowBackfillPostBody,
  ): Promise<unknown> {
    const what = `the backfill of DAG '${body.dag_id}' from ${body.from_date} to ${body.to_date} (inclusive)`;
    if (error instanceof ConflictError) {
      const active = await this.findActiveBackfill(body.dag_id).catch(
        () => undefined,
      );
      const which = active
        ? ` (backfill ${active.id}, ${active.from_date} to ${active.to_date}, created ${active.created_at})`
        : '';
      return new ConflictError(
        `Airflow refused ${what}: DAG '${
          body.dag_id
        }' already has a backfill that is not completed${which}; cancel it or wait until it completes (${airflowDetail(
          error,
        )})`,
      );
    }
    if (error instanceof InputError) {
      return new InputError(`Airflow refused ${what}: ${airflowDetail(error)}`);
    }
    if (error instanceof NotFoundError) {
      return new NotFoundError(
        `Airflow has no DAG '${body.dag_id}': ${airflowDetail(error)}`,
      );
    }
    return error;
  }

  private async findActiveBackfill(
    dagId: string,
  ): Promise<AirflowBackfill | undefined> {
    // dag_id is required; order_by accepts only id.
    const answer = await this.client.request<AirflowBackfillCollection>(
      '/api/v2/backfills',
      { query: { dag_id: dagId, order_by: '-id', limit: this.pageSize } },
    );
    return (answer?.backfills ?? []).find(b => !b.completed_at);
  }

  private backfillId(id: string): string {
    if (!/^\d+$/.test(id)) {
      throw new InputError(`'${id}' is not an Airflow backfill id (a number)`);
    }
    return id;
  }

  private async controlBackfill(
    id: string,
    action: 'pause' | 'unpause' | 'cancel',
  ): Promise<BackfillStatus> {
    const path = `/api/v2/backfills/${this.backfillId(id)}/${action}`;
    let backfill: AirflowBackfill;
    try {
      backfill = await this.client.request<AirflowBackfill>(path, {
        method: 'PUT',
      });
    } catch (error) {
      if (error instanceof ConflictError) {
        // Airflow answers 409 once the backfill is completed.
        if (action === 'cancel') return this.getBackfill(id);
        throw new ConflictError(
          `Cannot ${action} Airflow backfill ${id}: it is already completed (${airflowDetail(
            error,
          )})`,
        );
      }
      if (error instanceof NotFoundError) {
        throw new NotFoundError(`Airflow has no backfill ${id}`);
      }
      throw error;
    }
    return this.backfillStatus(backfill);
  }

  /**
   * Status and progress of a backfill. Runs carry no backfill id in this API
   * version, so progress counts the DAG's `backfill` runs with a logical date
   * in the backfill's range (at most one run per logical date).
   */
  private async backfillStatus(
    backfill: AirflowBackfill,
  ): Promise<BackfillStatus> {
    const count = async (states?: string[]) => {
      const answer = await this.client.request<AirflowDagRunCollection>(
        `/api/v2/dags/${encodeURIComponent(backfill.dag_id)}/dagRuns`,
        {
          query: {
            run_type: 'backfill',
            logical_date_gte: backfill.from_date,
            logical_date_lte: backfill.to_date,
            state: states,
            limit: 1,
          },
        },
      );
      return answer?.total_entries ?? 0;
    };
    const [total, completed, failed] = await Promise.all([
      count(),
      count(['success', 'failed']),
      count(['failed']),
    ]);
    let state: BackfillStatus['state'];
    if (backfill.completed_at) {
      // Cancelling pauses the backfill and completes it at once.
      if (backfill.is_paused) state = 'cancelled';
      else state = failed > 0 ? 'failed' : 'succeeded';
    } else {
      state = backfill.is_paused ? 'queued' : 'running';
    }
    return {
      id: String(backfill.id),
      state,
      completed,
      total,
      url: `${this.dagUrl(backfill.dag_id)}/backfills`,
    };
  }

  // --------------------------------------------------------------------- urls

  private dagUrl(dagId: string): string {
    return `${this.webUrl}/dags/${encodeURIComponent(dagId)}`;
  }

  private runUrl(dagId: string, runId: string): string {
    return `${this.dagUrl(dagId)}/runs/${encodeURIComponent(runId)}`;
  }
}
