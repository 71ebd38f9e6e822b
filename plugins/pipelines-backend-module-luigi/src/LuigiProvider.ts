import {
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  ListRunsResult,
  ProviderDependency,
  ProviderPipeline,
  SchedulerProvider,
  SchedulerProviderCapabilities,
} from '@tributary/plugin-pipelines-node';
import { decodeCursor, encodeCursor, LuigiCursor, nextCursor } from './cursor';
import { readOptionalDurationMs } from './durations';
import { LuigiClient } from './LuigiClient';
import { LuigiDependencyGraph } from './LuigiDependencyGraph';
import { fetchSnapshot, LuigiSnapshot, SnapshotTask } from './LuigiSnapshot';
import { OwnerResolver } from './OwnerResolver';
import {
  familyUrl,
  isCompletenessCheck,
  mayHaveError,
  toProviderRun,
} from './runs';

/** Options of one Luigi provider. @public */
export interface LuigiProviderOptions {
  /** Instance id; the provider id is `luigi:<id>`. */
  id: string;
  title?: string;
  /** Where luigid's API answers. */
  baseUrl: string;
  /** Base of links into Luigi's web UI; defaults to `baseUrl`. */
  uiUrl?: string;
  schedule?: SchedulerServiceTaskScheduleDefinition;
  /** Owner of every pipeline no `owners` pattern matches. */
  owner?: string;
  /** Owner by pipeline-name glob pattern; the first match wins. */
  owners?: Record<string, string>;
  /** Per-request timeout; defaults to 30 s. */
  timeoutMs?: number;
  username?: string;
  password?: string;
  headers?: Record<string, string>;
  /** Sent as `max_shown_tasks` with every `task_list` request. */
  maxShownTasks?: number;
  /** How long the dependency graph is reused; defaults to 15 minutes. */
  dependencyRefreshMs?: number;
  logger: LoggerService;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DEFAULT_DEPENDENCY_REFRESH_MS = 15 * 60_000;
/** A snapshot read by listPipelines serves the listRuns right after it. */
const SNAPSHOT_REUSE_MS = 10_000;
const ERROR_FETCH_CONCURRENCY = 8;
const ERROR_CACHE_SIZE = 10_000;
/** Tracebacks can be long; the end names the exception. */
const MAX_ERROR_CHARS = 8_000;

function readStringMap(
  config: Config,
  key: string,
): Record<string, string> | undefined {
  const value = config.getOptional(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`Invalid ${key}: expected a map of strings`);
  }
  const result: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      throw new Error(`Invalid ${key}.${name}: expected a string`);
    }
    result[name] = entry;
  }
  return result;
}

function trimError(message: string | undefined): string | undefined {
  if (message === undefined || message.length <= MAX_ERROR_CHARS) {
    return message;
  }
  return `…${message.slice(message.length - MAX_ERROR_CHARS + 1)}`;
}

/**
 * Reports the task families (pipelines), task instances (runs) and family
 * dependencies of one Luigi central scheduler. Luigi cannot be asked to run
 * anything (workers pull work), so there is no triggering or backfilling.
 *
 * @public
 */
export class LuigiProvider implements SchedulerProvider {
  /** One provider per entry of `pipelines.providers.luigi`. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService },
  ): LuigiProvider[] {
    const entries =
      config.getOptionalConfigArray('pipelines.providers.luigi') ?? [];
    const ids = new Set<string>();
    return entries.map(entry => {
      const id = entry.getString('id');
      if (ids.has(id)) {
        throw new Error(
          `Two entries of pipelines.providers.luigi have the id '${id}'`,
        );
      }
      ids.add(id);
      return LuigiProvider.create({
        id,
        title: entry.getOptionalString('title'),
        baseUrl: entry.getString('baseUrl'),
        uiUrl: entry.getOptionalString('uiUrl'),
        schedule: entry.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              entry.getConfig('schedule'),
            )
          : undefined,
        owner: entry.getOptionalString('owner'),
        owners: readStringMap(entry, 'owners'),
        timeoutMs: readOptionalDurationMs(entry, 'timeout'),
        username: entry.getOptionalString('username'),
        password: entry.getOptionalString('password'),
        headers: readStringMap(entry, 'headers'),
        maxShownTasks: entry.getOptionalNumber('maxShownTasks'),
        dependencyRefreshMs: readOptionalDurationMs(entry, 'dependencyRefresh'),
        logger: options.logger,
      });
    });
  }

  static create(options: LuigiProviderOptions): LuigiProvider {
    if (!INSTANCE_ID.test(options.id)) {
      throw new Error(
        `Invalid Luigi provider id '${options.id}': use letters, digits, '.', '_' and '-'`,
      );
    }
    return new LuigiProvider(options);
  }

  readonly id: string;
  readonly type = 'luigi';
  readonly title: string;
  readonly capabilities: SchedulerProviderCapabilities = {
    triggerRun: false,
    nativeBackfill: false,
    taskDependencies: true,
  };
  readonly schedule?: SchedulerServiceTaskScheduleDefinition;

  private readonly client: LuigiClient;
  private readonly uiUrl: string;
  private readonly owners: OwnerResolver;
  private readonly dependencies: LuigiDependencyGraph;
  private readonly logger: LoggerService;
  private readonly now: () => number;
  private readonly errorCache = new Map<string, string | undefined>();
  private unconsumed?: { snapshot: LuigiSnapshot; readAt: number };
  private lastFamilies?: ReadonlySet<string>;

  private constructor(options: LuigiProviderOptions) {
    this.id = `luigi:${options.id}`;
    this.title = options.title ?? `Luigi (${options.id})`;
    this.schedule = options.schedule;
    this.logger = options.logger.child({ provider: this.id });
    this.now = options.now ?? Date.now;
    this.client = LuigiClient.create({
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      username: options.username,
      password: options.password,
      headers: options.headers,
      maxShownTasks: options.maxShownTasks,
    });
    this.uiUrl = (options.uiUrl ?? this.client.baseUrl).replace(/\/+$/, '');
    this.owners = OwnerResolver.create(options);
    this.dependencies = LuigiDependencyGraph.create({
      client: this.client,
      refreshMs: options.dependencyRefreshMs ?? DEFAULT_DEPENDENCY_REFRESH_MS,
      logger: this.logger,
      now: this.now,
    });
  }

  async listPipelines(options: {
    signal?: AbortSignal;
  }): Promise<ProviderPipeline[]> {
    const snapshot = await this.readSnapshot(options.signal);
    this.unconsumed = { snapshot, readAt: this.now() };
    const names = new Set(snapshot.families);
    for (const family of this.dependencies.families) names.add(family);
    return Array.from(names)
      .sort()
      .map(name => ({
        name,
        owners: this.owners.ownersOf(name),
        url: familyUrl(this.uiUrl, name),
        paused: snapshot.paused,
      }));
  }

  async listRuns(options: {
    cursor?: string;
    signal?: AbortSignal;
  }): Promise<ListRunsResult> {
    let previous: LuigiCursor | undefined;
    try {
      previous = decodeCursor(options.cursor);
    } catch (error) {
      this.logger.warn(`${String(error)}; reading every task again`);
    }
    const snapshot = await this.takeSnapshot(options.signal);
    // A PENDING task's upstream status changes without its last_updated
    // changing: when the set of blocked tasks changed, re-read them all.
    const allPending =
      previous === undefined || previous.blocked !== snapshot.blockedDigest;
    const selected: SnapshotTask[] = [];
    let completenessChecks = 0;
    for (const entry of snapshot.tasks) {
      if (
        previous !== undefined &&
        entry.updated < previous.since &&
        !(allPending && entry.status === 'PENDING')
      ) {
        continue;
      }
      if (isCompletenessCheck(entry)) {
        completenessChecks++;
        continue;
      }
      selected.push(entry);
    }
    const errors = await this.fetchErrors(
      selected.filter(mayHaveError),
      options.signal,
    );
    const runs = selected.map(entry =>
      toProviderRun(entry, {
        uiUrl: this.uiUrl,
        errorMessage: errors.get(entry.id),
      }),
    );
    this.logger.debug(
      `Luigi at ${this.client.baseUrl} knows ${snapshot.tasks.length} tasks; ${
        runs.length
      } ${
        previous ? 'changed' : 'read'
      }, ${completenessChecks} DONE without a run (output found complete) and ${
        snapshot.placeholders
      } placeholders skipped, ${errors.size} failure explanations`,
    );
    return {
      runs,
      cursor: encodeCursor(nextCursor(previous, snapshot)),
      hasMore: false,
    };
  }

  async listDependencies(options: {
    signal?: AbortSignal;
  }): Promise<ProviderDependency[]> {
    return this.dependencies.list({
      families: this.lastFamilies,
      signal: options.signal,
    });
  }

  private async readSnapshot(signal?: AbortSignal): Promise<LuigiSnapshot> {
    const snapshot = await fetchSnapshot(this.client, {
      signal,
      now: this.now,
    });
    this.lastFamilies = snapshot.families;
    return snapshot;
  }

  /** The snapshot listPipelines just read, else a new one. */
  private async takeSnapshot(signal?: AbortSignal): Promise<LuigiSnapshot> {
    const unconsumed = this.unconsumed;
    this.unconsumed = undefined;
    if (unconsumed && this.now() - unconsumed.readAt < SNAPSHOT_REUSE_MS) {
      return unconsumed.snapshot;
    }
    return this.readSnapshot(signal);
  }

  /**
   * `fetch_error` for each task that may have failed, a few at a time. An
   * explanation is kept per task and status change, so a task re-read in the
   * overlap of two polls is not asked about twice.
   */
  private async fetchErrors(
    entries: SnapshotTask[],
    signal?: AbortSignal,
  ): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    const queue: SnapshotTask[] = [];
    for (const entry of entries) {
      const key = `${entry.id}@${entry.updated}`;
      if (this.errorCache.has(key)) {
        const cached = this.errorCache.get(key);
        if (cached !== undefined) result.set(entry.id, cached);
      } else {
        queue.push(entry);
      }
    }
    let failed = false;
    const worker = async () => {
      for (let entry = queue.pop(); entry && !failed; entry = queue.pop()) {
        try {
          const message = trimError(
            await this.client.fetchError(entry.id, signal),
          );
          this.remember(`${entry.id}@${entry.updated}`, message);
          if (message !== undefined) result.set(entry.id, message);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(ERROR_FETCH_CONCURRENCY, queue.length) },
        worker,
      ),
    );
    return result;
  }

  private remember(key: string, message: string | undefined) {
    if (this.errorCache.size >= ERROR_CACHE_SIZE) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.errorCache.keys().next().value;
      if (oldest !== undefined) this.errorCache.delete(oldest);
    }
    this.errorCache.set(key, message);
  }
}
