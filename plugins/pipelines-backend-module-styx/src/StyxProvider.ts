import {
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
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
import { backfillToStatus } from './backfills';
import { decodeCursor, encodeCursor } from './cursor';
import { formatDuration, parseStyxDuration } from './durations';
import {
  activeStateToRun,
  instanceKey,
  instanceToRun,
  pipelineName,
  WorkflowContext,
  workflowIdOf,
} from './mapRuns';
import { resolveOwners } from './owners';
import {
  formatInstant,
  formatParameter,
  isAligned,
  partitionsInRange,
  wellKnownSchedule,
} from './partitions';
import { readStyxConfig, StyxInstanceConfig } from './readStyxConfig';
import { StyxClient } from './StyxClient';
import {
  StyxWorkflow,
  StyxWorkflowConfiguration,
  StyxWorkflowId,
  StyxWorkflowState,
} from './styxTypes';

/** @public */
export interface StyxProviderOptions {
  /** Instance id; the provider id is `styx:<id>`. */
  id: string;
  title?: string;
  /** Where Styx answers, e.g. `https://styx.example.net`; `/api/v3` is added. */
  baseUrl: string;
  /** Bearer token sent with every call (Styx requires one for all but GET). */
  token?: string;
  /** Request timeout in milliseconds. Defaults to 30 s. */
  timeoutMs?: number;
  schedule?: SchedulerServiceTaskScheduleDefinition;
  /** Owner of pipelines whose workflow names no component. */
  owner?: string;
  /** Pipeline-name glob → owner, for pipelines whose workflow names no component. */
  owners?: Record<string, string>;
  /** Instances asked per workflow and request. Defaults to 168 (Styx's own default). */
  pageSize?: number;
  /** Without a cursor, read partitions this far back only. Defaults to all. */
  initialLookbackMs?: number;
  logger: LoggerService;
  /** The clock; for tests. */
  now?: () => Date;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_PAGE_SIZE = 168;
/** Workflows whose instances are read at the same time. */
const SCAN_CONCURRENCY = 4;
const BACKFILL_DESCRIPTION = 'Requested through Tributary';

interface KnownWorkflow {
  componentId: string;
  workflowId: string;
  context: WorkflowContext;
}

async function forEachConcurrently<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
}

function parseEnabled(
  value: StyxWorkflowState['enabled'] | undefined,
): boolean | undefined {
  // The model says boolean; the .apib shows the string "true".
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

function workflowIdOfConfig(workflow: StyxWorkflow): string {
  return workflow.workflow_id ?? workflow.configuration?.id;
}

function describeWorkflow(
  configuration: StyxWorkflowConfiguration | undefined,
): string | undefined {
  if (!configuration) return undefined;
  const parts: string[] = [];
  const flyte = configuration.flyte_exec_conf?.reference_id;
  if (flyte) {
    const plan = [flyte.project, flyte.domain, flyte.name]
      .filter(Boolean)
      .join('/');
    parts.push(
      `Flyte launch plan ${plan}${flyte.version ? ` (${flyte.version})` : ''}`,
    );
  } else if (configuration.docker_image) {
    parts.push(`Docker image ${configuration.docker_image}`);
  }
  if (configuration.offset) parts.push(`offset ${configuration.offset}`);
  const timeout = parseStyxDuration(configuration.running_timeout);
  if (timeout !== undefined) {
    parts.push(`running timeout ${formatDuration(timeout)}`);
  }
  if (configuration.deployment_source?.repository) {
    parts.push(`deployed from ${configuration.deployment_source.repository}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

function workflowContext(workflow: StyxWorkflow): WorkflowContext {
  return {
    schedule: workflow.configuration?.schedule,
    runningTimeoutMs: parseStyxDuration(
      workflow.configuration?.running_timeout,
    ),
  };
}

function splitPipelineName(name: string): {
  componentId: string;
  workflowId: string;
} {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) {
    throw new InputError(
      `'${name}' is not a Styx pipeline name; expected <component>/<workflow id>`,
    );
  }
  return {
    componentId: name.slice(0, slash),
    workflowId: name.slice(slash + 1),
  };
}

function splitInstanceKey(
  key: string,
): { componentId: string; workflowId: string; parameter: string } | undefined {
  const [componentId, workflowId, ...rest] = key.split('#');
  if (!componentId || !workflowId || !rest.length) return undefined;
  return { componentId, workflowId, parameter: rest.join('#') };
}

/**
 * Styx's HTTP errors as Backstage errors for the calls a user makes
 * (trigger, backfills): Styx's reason phrase ("409 these partitions are already
 * active: …") is kept in the message.
 */
function asUserError(error: unknown): unknown {
  if (error instanceof SchedulerRequestError) {
    switch (error.status) {
      case 400:
        return new InputError(error.message, error);
      case 404:
        return new NotFoundError(error.message, error);
      case 409:
        return new ConflictError(error.message, error);
      default:
        return error;
    }
  }
  return error;
}

async function asUserErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw asUserError(error);
  }
}

const isFinished = (run: ProviderRun) =>
  run.state === 'succeeded' ||
  run.state === 'failed' ||
  run.state === 'aborted' ||
  run.state === 'skipped' ||
  run.state === 'unknown';

/**
 * Feeds Styx workflows (pipelines) and workflow instances (runs) to the
 * pipelines backend, and runs triggers and backfills through Styx's v3 API.
 *
 * @public
 */
export class StyxProvider implements SchedulerProvider {
  /** One provider per entry of `pipelines.providers.styx`. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService },
  ): StyxProvider[] {
    return readStyxConfig(config).map((instance: StyxInstanceConfig) =>
      StyxProvider.create({ ...instance, logger: options.logger }),
    );
  }

  static create(options: StyxProviderOptions): StyxProvider {
    return new StyxProvider(options);
  }

  readonly id: string;
  readonly type = 'styx';
  readonly title: string;
  readonly capabilities: SchedulerProviderCapabilities = {
    triggerRun: true,
    nativeBackfill: true,
    taskDependencies: false,
  };
  readonly schedule?: SchedulerServiceTaskScheduleDefinition;

  private readonly client: StyxClient;
  private readonly pageSize: number;
  private readonly now: () => Date;

  private constructor(private readonly options: StyxProviderOptions) {
    this.id = `styx:${options.id}`;
    this.title = options.title ?? `Styx ${options.id}`;
    this.schedule = options.schedule;
    this.pageSize = Math.max(2, options.pageSize ?? DEFAULT_PAGE_SIZE);
    this.now = options.now ?? (() => new Date());
    this.client = StyxClient.create({
      baseUrl: options.baseUrl,
      token: options.token,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }

  async listPipelines(options: {
    signal?: AbortSignal;
  }): Promise<ProviderPipeline[]> {
    const items = await this.client.listWorkflowsWithState(options);
    return items.map(({ workflow, state }) => {
      const workflowId = workflowIdOfConfig(workflow);
      const name = pipelineName(workflow.component_id, workflowId);
      const enabled = parseEnabled(state?.enabled);
      return {
        name,
        title: workflowId,
        description: describeWorkflow(workflow.configuration),
        schedule: workflow.configuration?.schedule ?? undefined,
        owners: resolveOwners(name, [workflow.component_id], this.options),
        paused: enabled === undefined ? undefined : !enabled,
      };
    });
  }

  async listRuns(options: {
    cursor?: string;
    signal?: AbortSignal;
  }): Promise<ListRunsResult> {
    const { signal } = options;
    const now = this.now();
    const previous = decodeCursor(options.cursor);
    if (options.cursor && !previous) {
      this.options.logger.warn(
        `Ignoring unreadable poll cursor of ${this.id}; reading from the start`,
      );
    }

    const workflows = new Map<string, KnownWorkflow>();
    for (const workflow of await this.client.listWorkflows({ signal })) {
      const workflowId = workflowIdOfConfig(workflow);
      workflows.set(pipelineName(workflow.component_id, workflowId), {
        componentId: workflow.component_id,
        workflowId,
        context: workflowContext(workflow),
      });
    }

    const offsets: Record<string, string> = {};
    for (const [key, offset] of Object.entries(previous?.offsets ?? {})) {
      if (workflows.has(key)) offsets[key] = offset;
    }
    const pending = previous?.more?.filter(key => workflows.has(key));
    const continuing = pending?.length ? pending : undefined;

    const runs = new Map<string, ProviderRun>();
    const watch = new Set<string>(continuing ? previous?.watch : []);
    const active = new Set<string>();

    // 1. The live state of active instances, whatever their partition: this
    //    is how ad-hoc re-runs and backfills of older partitions show up.
    if (!continuing) {
      const states = await this.client.listActiveStates({ signal });
      for (const state of states.active_states ?? []) {
        const wfId = workflowIdOf(state.workflow_instance);
        const context = wfId
          ? workflows.get(pipelineName(wfId.component_id, wfId.id))?.context
          : undefined;
        const run = activeStateToRun(state, context);
        if (run) {
          runs.set(run.id, run);
          active.add(run.id);
        }
      }
    }

    // 2. Each workflow's instances from its offset on, one page each.
    const more: string[] = [];
    const scanned = new Set<string>();
    await forEachConcurrently(
      continuing ?? [...workflows.keys()],
      SCAN_CONCURRENCY,
      async key => {
        const workflow = workflows.get(key)!;
        const offset = offsets[key] ?? this.initialOffset(workflow, now);
        const page = await this.client.listInstances(
          workflow.componentId,
          workflow.workflowId,
          { offset, limit: this.pageSize },
          { signal },
        );
        const read: Array<{ parameter: string; run: ProviderRun }> = [];
        for (const data of page) {
          const run = instanceToRun(data, workflow.context, {
            component_id: workflow.componentId,
            id: workflow.workflowId,
          });
          if (!run) continue;
          runs.set(run.id, run);
          scanned.add(run.id);
          read.push({ parameter: data.workflow_instance.parameter, run });
        }
        // Pages come in key order, but do not rely on it.
        read.sort((a, b) => (a.parameter < b.parameter ? -1 : 1));
        const newest = read[read.length - 1]?.parameter;
        // Never move the offset onto a future partition (an ad-hoc run with
        // allowFuture): natural runs of earlier partitions would be skipped.
        const newestPast = read
          .filter(r => !r.run.partition || r.run.partition <= now)
          .pop()?.parameter;
        let nextOffset: string | undefined;
        if (page.length >= this.pageSize && newest) {
          nextOffset = newest;
          more.push(key);
        } else {
          nextOffset = newestPast ?? offset;
        }
        if (nextOffset) offsets[key] = nextOffset;
        for (const { parameter, run } of read) {
          if (
            !isFinished(run) &&
            (nextOffset === undefined || parameter < nextOffset)
          ) {
            watch.add(run.id);
          }
        }
      },
    );

    if (!continuing) {
      // Active instances the scans did not read: watch them until they end.
      for (const id of active) {
        if (!scanned.has(id)) watch.add(id);
      }
      // 3. Watched instances that are no longer active have finished (or
      //    vanished): read their outcome once, then stop watching them.
      for (const id of previous?.watch ?? []) {
        if (scanned.has(id) || active.has(id)) continue;
        watch.delete(id);
        const key = splitInstanceKey(id);
        if (!key) continue;
        const data = await this.client.getInstance(
          key.componentId,
          key.workflowId,
          key.parameter,
          { signal },
        );
        const run =
          data &&
          instanceToRun(
            data,
            workflows.get(pipelineName(key.componentId, key.workflowId))
              ?.context,
            { component_id: key.componentId, id: key.workflowId },
          );
        if (run) runs.set(run.id, run);
      }
      // Finished instances need no more watching.
      for (const id of watch) {
        const run = runs.get(id);
        if (run && isFinished(run)) watch.delete(id);
      }
    }

    return {
      runs: [...runs.values()],
      cursor: encodeCursor({
        v: 1,
        offsets,
        watch: [...watch].sort(),
        more: more.length ? more.sort() : undefined,
      }),
      hasMore: more.length > 0,
    };
  }

  private initialOffset(
    workflow: KnownWorkflow,
    now: Date,
  ): string | undefined {
    if (this.options.initialLookbackMs === undefined) return undefined;
    return formatParameter(
      new Date(now.getTime() - this.options.initialLookbackMs),
      workflow.context.schedule,
    );
  }

  private async getWorkflow(name: string): Promise<{
    componentId: string;
    workflowId: string;
    schedule?: string;
  }> {
    const { componentId, workflowId } = splitPipelineName(name);
    const workflow = await asUserErrors(() =>
      this.client.getWorkflow(componentId, workflowId),
    );
    return {
      componentId,
      workflowId,
      schedule: workflow.configuration?.schedule ?? undefined,
    };
  }

  async triggerRun(options: {
    pipelineName: string;
    partition: Date;
  }): Promise<{ runId: string }> {
    const workflow = await this.getWorkflow(options.pipelineName);
    const known = wellKnownSchedule(workflow.schedule);
    if (known && !isAligned(options.partition, known)) {
      throw new InputError(
        `${formatInstant(options.partition)} is not a partition of ${
          options.pipelineName
        }, which runs on the '${workflow.schedule}' schedule`,
      );
    }
    const parameter = formatParameter(options.partition, workflow.schedule);
    await asUserErrors(() =>
      this.client.trigger({
        workflow_id: {
          component_id: workflow.componentId,
          id: workflow.workflowId,
        },
        parameter,
      }),
    );
    return {
      runId: instanceKey(workflow.componentId, workflow.workflowId, parameter),
    };
  }

  async createBackfill(request: BackfillRequest): Promise<BackfillStatus> {
    const { start, end, concurrency } = request;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InputError(
        `Backfill concurrency must be a positive integer, not ${concurrency}`,
      );
    }
    if (!(start.getTime() < end.getTime())) {
      throw new InputError(
        `Backfill start ${formatInstant(
          start,
        )} must be before its end ${formatInstant(end)}`,
      );
    }
    const workflow = await this.getWorkflow(request.pipelineName);
    const known = wellKnownSchedule(workflow.schedule);
    if (known) {
      for (const [what, at] of [
        ['start', start],
        ['end', end],
      ] as const) {
        if (!isAligned(at, known)) {
          throw new InputError(
            `Backfill ${what} ${formatInstant(
              at,
            )} is not a partition boundary of ${
              request.pipelineName
            }, which runs on the '${workflow.schedule}' schedule`,
          );
        }
      }
    }
    if (request.partitions?.length) {
      // Styx backfills every partition of a range; a selection must be one.
      const range = known ? partitionsInRange(start, end, known) : undefined;
      const wanted = new Set(request.partitions.map(p => p.getTime()));
      if (
        !range ||
        range.length !== wanted.size ||
        range.some(p => !wanted.has(p.getTime()))
      ) {
        throw new InputError(
          'Styx backfills run every partition between start and end; it cannot backfill a selection of partitions',
        );
      }
    }

    // Both ends are instants; Styx's start is inclusive and its end exclusive,
    // the same convention as ours, so they pass through unchanged.
    const created = await asUserErrors(() =>
      this.client.createBackfill({
        component: workflow.componentId,
        workflow: workflow.workflowId,
        start: formatInstant(start),
        end: formatInstant(end),
        concurrency,
        reverse: request.order === 'newest',
        description: BACKFILL_DESCRIPTION,
      }),
    );
    return backfillToStatus({ backfill: created, statuses: null });
  }

  async getBackfill(id: string): Promise<BackfillStatus> {
    return backfillToStatus(
      await asUserErrors(() => this.client.getBackfill(id)),
    );
  }

  /**
   * Halts the backfill and its active instances. A backfill whose partitions
   * have all finished is answered as it is: Styx would still mark it halted,
   * turning a succeeded or failed backfill into a cancelled one.
   */
  async cancelBackfill(id: string): Promise<BackfillStatus> {
    const current = await this.getBackfill(id);
    if (current.state === 'succeeded' || current.state === 'failed') {
      return current;
    }
    await asUserErrors(() => this.client.haltBackfill(id));
    return this.getBackfill(id);
  }

  /**
   * Stops a run: halts the workflow instance `<component>#<workflow>#<parameter>`
   * (the run id triggerRun answers and listRuns reports). Styx keeps no reason
   * with a halt, so the reason goes to the log. An instance that is no longer
   * active has nothing to halt, which is not an error.
   */
  async abortRun(options: { runId: string; reason: string }): Promise<void> {
    const { runId, reason } = options;
    const key = splitInstanceKey(runId);
    if (!key?.parameter) {
      throw new InputError(
        `Styx run ids are <component>#<workflow>#<parameter>, got '${runId}'`,
      );
    }
    let halted: boolean;
    try {
      halted = await this.haltIfActive(
        { component_id: key.componentId, id: key.workflowId },
        key.parameter,
      );
    } catch (error) {
      throw haltError(runId, error);
    }
    this.options.logger.info(
      halted
        ? `Halted Styx workflow instance ${runId}: ${reason}`
        : `Styx workflow instance ${runId} is not active; nothing to halt`,
    );
  }

  /**
   * `POST /scheduler/halt`. Styx refuses to halt an instance that is not
   * active with a 400 ("Received event for unknown workflow instance"; newer
   * versions answer 200): false when the live states confirm it is not.
   */
  private async haltIfActive(
    workflow: StyxWorkflowId,
    parameter: string,
  ): Promise<boolean> {
    try {
      await this.client.haltInstance({ workflow_id: workflow, parameter });
      return true;
    } catch (error) {
      if (!(error instanceof SchedulerRequestError) || error.status !== 400) {
        throw error;
      }
      const { active_states: states } = await this.client.listActiveStates({
        workflow,
      });
      const active = (states ?? []).some(state => {
        const id = workflowIdOf(state.workflow_instance);
        return (
          id?.component_id === workflow.component_id &&
          id?.id === workflow.id &&
          state.workflow_instance.parameter === parameter
        );
      });
      if (active) throw error;
      return false;
    }
  }
}

/**
 * Why abortRun failed, naming the run; Styx's status and reason phrase are
 * kept (a 404 becomes a NotFoundError).
 */
function haltError(runId: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof SchedulerRequestError && error.status === 404) {
    return new NotFoundError(
      `Styx has no workflow instance '${runId}' to halt: ${reason}`,
      error,
    );
  }
  const message = `Could not halt Styx workflow instance '${runId}': ${reason}`;
  if (error instanceof SchedulerRequestError) {
    return new SchedulerRequestError(message, error.status, error.body);
  }
  return new Error(message, { cause: error });
}
