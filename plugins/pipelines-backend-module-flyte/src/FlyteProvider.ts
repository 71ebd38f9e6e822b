import {
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ListRunsResult,
  ProviderPipeline,
  ProviderRun,
  SchedulerProvider,
  SchedulerProviderCapabilities,
  SchedulerRequestError,
} from '@tributary/plugin-pipelines-node';
import {
  FlyteProjectDomain,
  FlyteProviderOptions,
  readFlyteProviderOptions,
} from './config';
import {
  decodeCursor,
  encodeCursor,
  FlyteCursor,
  maxIso,
  PairCursor,
} from './cursor';
import { FlyteAuth } from './FlyteAuth';
import { FlyteClient } from './FlyteClient';
import {
  executionName,
  formatPartitionString,
  formatSchedule,
  globToRegExp,
  isTerminalPhase,
  launchPlanStateName,
  literalPartition,
  parseDurationMs,
  parsePartitionString,
  parseTimestamp,
  PartitionFormat,
  partitionLabel,
  phaseName,
  phaseState,
  projectStateName,
  simpleTypeName,
} from './mapping';
import {
  FlyteExecution,
  FlyteExecutionCreateRequest,
  FlyteLaunchPlan,
  FlyteLiteral,
  FlyteProject,
} from './types';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_PAGES_PER_POLL = 10;
const DEFAULT_CURSOR_OVERLAP_MS = 60_000;
const DEFAULT_PARTITION_INPUT = 'styx_parameter';
/** Annotation (full ISO time) and label (label-safe) set by triggerRun. */
const PARTITION_KEY = 'tributary-partition';
/** triggerRun tries this many names for one launch plan and partition. */
const MAX_TRIGGER_SEQUENCE = 50;
/** The abort cause when the caller gives none. */
const DEFAULT_ABORT_CAUSE = 'Terminated by Tributary';

const RESOURCE_TYPES = [
  'UNSPECIFIED',
  'TASK',
  'WORKFLOW',
  'LAUNCH_PLAN',
  'DATASET',
];

interface Pair {
  project: string;
  domain: string;
}

const pairKey = (pair: Pair) => `${pair.project}/${pair.domain}`;

/** What reading an execution needs to know about its launch plan. */
interface LaunchPlanFacts {
  kickoffArg?: string;
}

/**
 * Reports a FlyteAdmin's launch plans as pipelines and its workflow
 * executions as runs, and starts executions for partitions.
 *
 * - Pipelines: one per launch plan name (all versions folded together) in
 *   each watched project/domain, named `<project>/<domain>/<launch plan>`.
 * - Runs: executions of launch plans, with id `<project>/<domain>/<name>`.
 *   The cursor is the largest `updated_at` seen per project/domain.
 * - triggerRun creates an execution of the launch plan's active (else newest)
 *   version with the partition in its kickoff time or partition input.
 * - abortRun terminates an execution (FlyteAdmin's terminate, with the reason
 *   as the abort cause), for the backend's orchestrated backfills;
 *   terminateExecution does the same and says whether there was anything to
 *   abort.
 *
 * @public
 */
export class FlyteProvider implements SchedulerProvider {
  readonly type = 'flyte';
  readonly id: string;
  readonly title: string;
  readonly schedule?: SchedulerServiceTaskScheduleDefinition;
  readonly capabilities: SchedulerProviderCapabilities = {
    triggerRun: true,
    nativeBackfill: false,
    taskDependencies: false,
  };

  /** One provider per instance under `pipelines.providers.flyte`. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService },
  ): FlyteProvider[] {
    return readFlyteProviderOptions(config).map(instance =>
      FlyteProvider.create({ ...instance, logger: options.logger }),
    );
  }

  static create(
    options: FlyteProviderOptions & { logger?: LoggerService },
  ): FlyteProvider {
    return new FlyteProvider(options);
  }

  private readonly client: FlyteClient;
  private readonly consoleUrl: string;
  private readonly logger?: LoggerService;
  private readonly ownerPatterns: Array<{ pattern: RegExp; owner: string }>;
  private readonly pagesPerPoll: number;
  private readonly cursorOverlapMs: number;
  private readonly partitionInput: string;
  private readonly partitionInputExplicit: boolean;
  private readonly partitionFormat: PartitionFormat;
  /** `<project>/<domain>/<name>` and `...@<version>` → launch plan facts. */
  private readonly launchPlanFacts = new Map<string, LaunchPlanFacts>();
  private readonly loadedPairs = new Set<string>();

  constructor(
    private readonly options: FlyteProviderOptions & { logger?: LoggerService },
  ) {
    if (!/^https?:\/\//.test(options.baseUrl)) {
      throw new InputError(
        `Flyte provider '${options.id}': baseUrl must be an http(s) URL, got '${options.baseUrl}'`,
      );
    }
    this.id = `flyte:${options.id}`;
    this.title = options.title ?? `Flyte (${options.id})`;
    this.schedule = options.schedule;
    this.logger = options.logger;
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.client = FlyteClient.create({
      baseUrl,
      timeoutMs,
      // FlyteAdmin rejects a missing or zero `limit`.
      pageSize: Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE),
      auth: FlyteAuth.create({
        baseUrl,
        timeoutMs,
        header: options.authorizationHeader,
        token: options.token,
        clientCredentials: options.clientCredentials,
      }),
    });
    this.consoleUrl = (options.consoleUrl ?? baseUrl).replace(/\/+$/, '');
    this.ownerPatterns = Object.entries(options.owners ?? {}).map(
      ([pattern, owner]) => ({ pattern: globToRegExp(pattern), owner }),
    );
    this.pagesPerPoll = Math.max(
      1,
      options.pagesPerPoll ?? DEFAULT_PAGES_PER_POLL,
    );
    this.cursorOverlapMs = options.cursorOverlapMs ?? DEFAULT_CURSOR_OVERLAP_MS;
    this.partitionInput = options.partitionInput ?? DEFAULT_PARTITION_INPUT;
    this.partitionInputExplicit = options.partitionInput !== undefined;
    this.partitionFormat = options.partitionFormat ?? 'auto';
  }

  async listPipelines(options: {
    signal?: AbortSignal;
  }): Promise<ProviderPipeline[]> {
    const { pairs, projects } = await this.resolvePairs(options.signal);
    const pipelines: ProviderPipeline[] = [];
    for (const pair of pairs) {
      const launchPlans = await this.loadLaunchPlans(pair, options.signal);
      const projectLabels = projects.get(pair.project)?.labels?.values ?? {};
      for (const versions of groupByName(launchPlans).values()) {
        pipelines.push(this.toPipeline(pair, versions, projectLabels));
      }
    }
    return pipelines.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async listRuns(options: {
    cursor?: string;
    signal?: AbortSignal;
  }): Promise<ListRunsResult> {
    const previous = decodeCursor(options.cursor);
    const next: FlyteCursor = { v: 1, pairs: { ...previous.pairs } };
    const unfinished = Object.entries(previous.pairs)
      .filter(([, state]) => state.partial)
      .map(([key]) => key);

    let pairs: Pair[];
    if (unfinished.length > 0) {
      // Finish the listings the last call left open before starting anew.
      pairs = unfinished.map(key => {
        const [project, ...rest] = key.split('/');
        return { project, domain: rest.join('/') };
      });
    } else {
      pairs = (await this.resolvePairs(options.signal)).pairs;
    }

    const runs: ProviderRun[] = [];
    let hasMore = false;
    for (const pair of pairs) {
      await this.ensureLaunchPlans(pair, options.signal);
      const result = await this.pollPair(
        pair,
        previous.pairs[pairKey(pair)],
        options.signal,
      );
      runs.push(...result.runs);
      next.pairs[pairKey(pair)] = result.state;
      hasMore ||= Boolean(result.state.partial);
    }
    return { runs, cursor: encodeCursor(next), hasMore };
  }

  async triggerRun(options: {
    pipelineName: string;
    partition: Date;
  }): Promise<{ runId: string }> {
    const { pipelineName, partition } = options;
    const parts = pipelineName.split('/');
    if (parts.length < 3 || parts.some(part => !part)) {
      throw new InputError(
        `Flyte pipeline names are <project>/<domain>/<launch plan>, got '${pipelineName}'`,
      );
    }
    const [project, domain, ...nameParts] = parts;
    const name = nameParts.join('/');
    const launchPlan =
      (await this.client.getActiveLaunchPlan(project, domain, name)) ??
      (await this.client.getLatestLaunchPlan(project, domain, name));
    if (!launchPlan?.id?.version) {
      throw new NotFoundError(
        `Flyte has no launch plan '${name}' in ${project}/${domain}`,
      );
    }
    const [inputName, literal] = this.partitionLiteral(
      launchPlan,
      partition,
      pipelineName,
    );
    const partitionIso = partition.toISOString().replace('.000Z', 'Z');

    const seed = `${pipelineName}@${partition.toISOString()}`;
    for (let sequence = 1; sequence <= MAX_TRIGGER_SEQUENCE; sequence++) {
      const executionId = executionName(seed, sequence);
      const request: FlyteExecutionCreateRequest = {
        project,
        domain,
        name: executionId,
        spec: {
          launch_plan: {
            resource_type: 'LAUNCH_PLAN',
            project,
            domain,
            name,
            version: launchPlan.id.version,
          },
          labels: { values: { [PARTITION_KEY]: partitionLabel(partition) } },
          annotations: {
            values: {
              [PARTITION_KEY]: partitionIso,
              'requested-by': `backstage-tributary/${this.id}`,
            },
          },
          ...(this.options.overwriteCache ? { overwrite_cache: true } : {}),
        },
        inputs: { literals: { [inputName]: literal } },
      };
      try {
        const created = await this.client.createExecution(request);
        const runId = `${project}/${domain}/${created.id?.name ?? executionId}`;
        this.logger?.info(
          `Started Flyte execution ${runId} of ${pipelineName} for ${partitionIso}`,
        );
        return { runId };
      } catch (error) {
        if (!(error instanceof SchedulerRequestError) || error.status !== 409) {
          throw error;
        }
      }
      // ALREADY_EXISTS: this name was used before. Still going means this is a
      // retry of that request (or a concurrent one): answer the same run.
      // Finished means the partition is being run again: take the next name.
      const existing = await this.client.getExecution(
        project,
        domain,
        executionId,
      );
      if (!isTerminalPhase(phaseName(existing.closure?.phase))) {
        return { runId: `${project}/${domain}/${executionId}` };
      }
    }
    throw new Error(
      `Flyte execution names for ${pipelineName} at ${partitionIso} are used up (${MAX_TRIGGER_SEQUENCE} runs)`,
    );
  }

  /**
   * Stops a run: terminates the execution `<project>/<domain>/<name>` (the
   * run id triggerRun answers and listRuns reports) with the reason as its
   * abort cause. An execution that has already finished (FlyteAdmin answers
   * FAILED_PRECONDITION) has nothing to abort, which is not an error.
   */
  async abortRun(options: { runId: string; reason: string }): Promise<void> {
    const { runId } = options;
    const cause = options.reason.trim() || DEFAULT_ABORT_CAUSE;
    let result: { runId: string; alreadyTerminal: boolean };
    try {
      result = await this.terminateExecution(runId, cause);
    } catch (error) {
      throw abortError(runId, error);
    }
    if (result.alreadyTerminal) {
      this.logger?.info(
        `Flyte execution ${result.runId} has already finished; nothing to abort`,
      );
    } else {
      this.logger?.info(`Aborted Flyte execution ${result.runId}: ${cause}`);
    }
  }

  /**
   * Aborts an execution (`DELETE` with a body naming the id and cause). An
   * execution that has already finished is left as it is.
   */
  async terminateExecution(
    runId: string,
    cause: string = DEFAULT_ABORT_CAUSE,
  ): Promise<{ runId: string; alreadyTerminal: boolean }> {
    const localId = runId.startsWith(`${this.id}:`)
      ? runId.slice(this.id.length + 1)
      : runId;
    const parts = localId.split('/');
    if (parts.length !== 3 || parts.some(part => !part)) {
      throw new InputError(
        `Flyte run ids are <project>/<domain>/<execution name>, got '${runId}'`,
      );
    }
    const [project, domain, name] = parts;
    try {
      await this.client.terminateExecution({
        id: { project, domain, name },
        cause,
      });
      return { runId: localId, alreadyTerminal: false };
    } catch (error) {
      // FAILED_PRECONDITION (400) when it has already terminated.
      if (
        error instanceof SchedulerRequestError &&
        (error.status === 400 || error.status === 409 || error.status === 412)
      ) {
        const execution = await this.client.getExecution(project, domain, name);
        if (isTerminalPhase(phaseName(execution.closure?.phase))) {
          return { runId: localId, alreadyTerminal: true };
        }
      }
      throw error;
    }
  }

  /** The project/domain pairs to watch, and the projects when listed. */
  private async resolvePairs(signal?: AbortSignal): Promise<{
    pairs: Pair[];
    projects: Map<string, FlyteProject>;
  }> {
    const configured = this.options.projects;
    const needProjects =
      !configured ||
      configured.some(entry => !entry.domain) ||
      Boolean(this.options.ownerLabel);
    const projects = new Map<string, FlyteProject>();
    if (needProjects) {
      for (const project of await this.client.listProjects(signal)) {
        projects.set(project.id, project);
      }
    }

    const pairs = new Map<string, Pair>();
    const add = (project: string, domain: string) =>
      pairs.set(`${project}/${domain}`, { project, domain });
    if (configured) {
      for (const entry of configured) {
        this.addConfiguredPair(entry, projects, add);
      }
    } else {
      const excluded = new Set(this.options.excludeProjects ?? []);
      for (const project of projects.values()) {
        // `state` missing means ACTIVE; archived projects are not watched.
        if (projectStateName(project.state) === 'ARCHIVED') continue;
        if (excluded.has(project.id)) continue;
        for (const domain of project.domains ?? []) add(project.id, domain.id);
      }
    }
    return { pairs: [...pairs.values()], projects };
  }

  private addConfiguredPair(
    entry: FlyteProjectDomain,
    projects: Map<string, FlyteProject>,
    add: (project: string, domain: string) => void,
  ) {
    if (entry.domain) {
      add(entry.project, entry.domain);
      return;
    }
    const project = projects.get(entry.project);
    if (!project) {
      throw new NotFoundError(
        `Flyte provider ${this.id}: the configured project '${entry.project}' is not among FlyteAdmin's projects`,
      );
    }
    for (const domain of project.domains ?? []) add(project.id, domain.id);
  }

  private async loadLaunchPlans(
    pair: Pair,
    signal?: AbortSignal,
  ): Promise<FlyteLaunchPlan[]> {
    const launchPlans = await this.client.listLaunchPlans(
      pair.project,
      pair.domain,
      signal,
    );
    for (const versions of groupByName(launchPlans).values()) {
      const current = currentVersion(versions);
      const base = `${pairKey(pair)}/${current.id.name}`;
      this.launchPlanFacts.set(base, launchPlanFacts(current));
      for (const version of versions) {
        this.launchPlanFacts.set(
          `${base}@${version.id.version}`,
          launchPlanFacts(version),
        );
      }
    }
    this.loadedPairs.add(pairKey(pair));
    return launchPlans;
  }

  /** Launch plans are needed to read kickoff times; listPipelines refreshes them. */
  private async ensureLaunchPlans(pair: Pair, signal?: AbortSignal) {
    if (!this.loadedPairs.has(pairKey(pair))) {
      await this.loadLaunchPlans(pair, signal);
    }
  }

  private toPipeline(
    pair: Pair,
    versions: FlyteLaunchPlan[],
    projectLabels: Record<string, string>,
  ): ProviderPipeline {
    const current = currentVersion(versions);
    const active = launchPlanStateName(current.closure?.state) === 'ACTIVE';
    const launchPlanName = current.id.name!;
    const name = `${pairKey(pair)}/${launchPlanName}`;
    const schedule = formatSchedule(current.spec?.entity_metadata?.schedule);
    const workflow = current.spec?.workflow_id?.name;
    return {
      name,
      title: launchPlanName,
      description: `Flyte launch plan in ${pair.project}/${pair.domain}${
        workflow ? ` running workflow ${workflow}` : ''
      } (version ${current.id.version}${active ? ', active' : ''})`,
      schedule,
      owners: [
        this.ownerFor(
          name,
          pair.project,
          current.spec?.labels?.values ?? {},
          projectLabels,
        ),
      ],
      url: `${this.consoleUrl}/console/projects/${encodeURIComponent(
        pair.project,
      )}/domains/${encodeURIComponent(
        pair.domain,
      )}/launchPlans/${encodeURIComponent(launchPlanName)}`,
      // Only an ACTIVE version's schedule fires; a schedule without one is off.
      paused: schedule !== undefined && !active,
    };
  }

  private ownerFor(
    pipelineName: string,
    project: string,
    launchPlanLabels: Record<string, string>,
    projectLabels: Record<string, string>,
  ): string {
    const matched = this.ownerPatterns.find(({ pattern }) =>
      pattern.test(pipelineName),
    );
    if (matched) return matched.owner;
    const label = this.options.ownerLabel;
    const labelled = label
      ? launchPlanLabels[label] ?? projectLabels[label]
      : undefined;
    return labelled ?? this.options.owner ?? project;
  }

  private async pollPair(
    pair: Pair,
    previous: PairCursor | undefined,
    signal?: AbortSignal,
  ): Promise<{ runs: ProviderRun[]; state: PairCursor }> {
    let since: string | undefined;
    let token: string | undefined;
    let max: string | undefined;
    if (previous?.partial) {
      ({ since, token, max } = previous);
    } else if (previous?.since) {
      // Look a little before the last change seen: FlyteAdmin stamps rows
      // when it writes them, and transactions may commit out of that order.
      since = new Date(
        Date.parse(previous.since) - this.cursorOverlapMs,
      ).toISOString();
      max = previous.since;
    } else if (!previous && this.options.initialLookbackMs) {
      since = new Date(
        Date.now() - this.options.initialLookbackMs,
      ).toISOString();
    }

    const runs: ProviderRun[] = [];
    for (let page = 0; page < this.pagesPerPoll; page++) {
      const response = await this.client.listExecutionsPage(
        pair.project,
        pair.domain,
        {
          limit: this.client.pageSize,
          token,
          filters: since ? `gte(updated_at,${since})` : undefined,
          sortKey: 'updated_at',
          direction: 'ASCENDING',
          signal,
        },
      );
      let pageMax: string | undefined;
      for (const execution of response.executions ?? []) {
        const run = this.toRun(execution);
        if (run) runs.push(run);
        const updated = parseTimestamp(
          execution.closure?.updated_at ?? execution.closure?.created_at,
        );
        pageMax = maxIso(pageMax, updated?.toISOString());
      }
      max = maxIso(max, pageMax);
      // `token` missing means this was the last page.
      if (!response.token) {
        return { runs, state: max ? { since: max } : {} };
      }
      if (pageMax && (!since || pageMax > since)) {
        // Keyset paging: offsets shift when rows change between requests,
        // a lower bound on updated_at does not. Rows at the bound come again;
        // the backend's merge is idempotent.
        since = pageMax;
        token = undefined;
      } else {
        // The whole page has one updated_at: step over it by offset.
        token = response.token;
      }
    }
    return { runs, state: { since, token, max, partial: true } };
  }

  private toRun(execution: FlyteExecution): ProviderRun | undefined {
    const launchPlan = execution.spec?.launch_plan;
    if (!launchPlan?.name) return undefined;
    const resourceType = launchPlan.resource_type;
    if (
      resourceType !== undefined &&
      (typeof resourceType === 'number'
        ? RESOURCE_TYPES[resourceType]
        : resourceType) !== 'LAUNCH_PLAN'
    ) {
      // Single-task executions are no launch plan runs.
      return undefined;
    }
    const { project, domain, name } = execution.id;
    const pipelineName = `${launchPlan.project ?? project}/${
      launchPlan.domain ?? domain
    }/${launchPlan.name}`;
    const closure = execution.closure ?? {};
    const phase = phaseName(closure.phase);
    const startedAt = parseTimestamp(closure.started_at);
    const durationMs = parseDurationMs(closure.duration);
    let endedAt: Date | undefined;
    if (isTerminalPhase(phase)) {
      endedAt =
        startedAt && durationMs !== undefined
          ? new Date(startedAt.getTime() + durationMs)
          : parseTimestamp(closure.updated_at);
    }
    return {
      id: `${project}/${domain}/${name}`,
      pipelineName,
      partition: this.partitionOf(execution, pipelineName),
      state: phaseState(phase),
      sourceState: phase,
      queuedAt: parseTimestamp(closure.created_at),
      startedAt,
      endedAt,
      errorMessage: errorMessageOf(execution, phase),
      url: `${this.consoleUrl}/console/projects/${encodeURIComponent(
        project,
      )}/domains/${encodeURIComponent(domain)}/executions/${encodeURIComponent(
        name,
      )}`,
    };
  }

  /**
   * The partition, in order: the launch plan's kickoff time input (a native
   * schedule's nominal time), the partition input (`styx_parameter` by
   * default), `metadata.scheduled_at`, then the same key among the labels
   * and annotations (Styx's `STYX_PARAMETER`, triggerRun's own).
   */
  private partitionOf(
    execution: FlyteExecution,
    pipelineName: string,
  ): Date | undefined {
    const version = execution.spec?.launch_plan?.version;
    const facts =
      (version && this.launchPlanFacts.get(`${pipelineName}@${version}`)) ||
      this.launchPlanFacts.get(pipelineName);
    // spec.inputs is deprecated and may be left out: computed_inputs is the
    // closure's copy.
    const literals = {
      ...execution.closure?.computed_inputs?.literals,
      ...execution.spec?.inputs?.literals,
    };
    const inputNames = this.partitionInputExplicit
      ? [this.partitionInput, facts?.kickoffArg]
      : [facts?.kickoffArg, this.partitionInput];
    for (const inputName of inputNames) {
      if (!inputName) continue;
      const partition = literalPartition(findKey(literals, inputName));
      if (partition) return partition;
    }
    const scheduledAt = parseTimestamp(execution.spec?.metadata?.scheduled_at);
    if (scheduledAt) return scheduledAt;
    for (const values of [
      execution.spec?.annotations?.values,
      execution.spec?.labels?.values,
    ]) {
      for (const key of [PARTITION_KEY, this.partitionInput]) {
        const value = findKey(values ?? {}, key);
        const partition = value ? parsePartitionString(value) : undefined;
        if (partition) return partition;
      }
    }
    return undefined;
  }

  /** The input and literal that carry `partition` into a new execution. */
  private partitionLiteral(
    launchPlan: FlyteLaunchPlan,
    partition: Date,
    pipelineName: string,
  ): [string, FlyteLiteral] {
    const parameters =
      launchPlan.closure?.expected_inputs?.parameters ??
      launchPlan.spec?.default_inputs?.parameters ??
      {};
    const kickoffArg =
      launchPlan.spec?.entity_metadata?.schedule?.kickoff_time_input_arg;
    const candidates = this.partitionInputExplicit
      ? [this.partitionInput]
      : [kickoffArg, this.partitionInput];
    let inputName: string | undefined;
    for (const candidate of candidates) {
      if (!candidate) continue;
      inputName = findKeyName(parameters, candidate);
      if (inputName) break;
    }
    if (!inputName) {
      throw new InputError(
        `Flyte launch plan ${pipelineName} (version ${
          launchPlan.id.version
        }) has no input for the partition: looked for ${candidates
          .filter(Boolean)
          .join(', ')} among ${
          Object.keys(parameters).join(', ') || 'no inputs'
        }; set partitionInput`,
      );
    }
    if (launchPlan.spec?.fixed_inputs?.literals?.[inputName]) {
      throw new InputError(
        `Flyte launch plan ${pipelineName} fixes its input '${inputName}'; it cannot take a partition`,
      );
    }
    const type = parameters[inputName].var?.type?.simple;
    const simple = type === undefined ? 'DATETIME' : simpleTypeName(type);
    if (simple === 'DATETIME') {
      return [
        inputName,
        {
          scalar: {
            primitive: {
              datetime: partition.toISOString().replace('.000Z', 'Z'),
            },
          },
        },
      ];
    }
    if (simple === 'STRING') {
      return [
        inputName,
        {
          scalar: {
            primitive: {
              string_value: formatPartitionString(
                partition,
                this.partitionFormat,
              ),
            },
          },
        },
      ];
    }
    throw new InputError(
      `Flyte launch plan ${pipelineName}: input '${inputName}' is ${simple}; a partition goes into a DATETIME or STRING input`,
    );
  }
}

function groupByName(
  launchPlans: FlyteLaunchPlan[],
): Map<string, FlyteLaunchPlan[]> {
  const byName = new Map<string, FlyteLaunchPlan[]>();
  for (const launchPlan of launchPlans) {
    const name = launchPlan.id?.name;
    if (!name) continue;
    const versions = byName.get(name) ?? [];
    versions.push(launchPlan);
    byName.set(name, versions);
  }
  return byName;
}

/** The ACTIVE version (at most one is), else the most recently created. */
function currentVersion(versions: FlyteLaunchPlan[]): FlyteLaunchPlan {
  const active = versions.find(
    version => launchPlanStateName(version.closure?.state) === 'ACTIVE',
  );
  if (active) return active;
  return versions.reduce((newest, version) =>
    (version.closure?.created_at ?? '') > (newest.closure?.created_at ?? '')
      ? version
      : newest,
  );
}

function launchPlanFacts(launchPlan: FlyteLaunchPlan): LaunchPlanFacts {
  return {
    kickoffArg:
      launchPlan.spec?.entity_metadata?.schedule?.kickoff_time_input_arg,
  };
}

/** The key equal to `wanted`, else equal ignoring case. */
function findKeyName(
  record: Record<string, unknown>,
  wanted: string,
): string | undefined {
  if (wanted in record) return wanted;
  const lower = wanted.toLowerCase();
  return Object.keys(record).find(key => key.toLowerCase() === lower);
}

function findKey<T>(record: Record<string, T>, wanted: string): T | undefined {
  const key = findKeyName(record, wanted);
  return key === undefined ? undefined : record[key];
}

/**
 * Why abortRun failed, naming the run: a malformed id stays an InputError, an
 * unknown execution is a NotFoundError, anything else keeps FlyteAdmin's
 * status and body.
 */
function abortError(runId: string, error: unknown): Error {
  if (error instanceof InputError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const message = `Could not abort Flyte execution '${runId}': ${reason}`;
  if (!(error instanceof SchedulerRequestError)) {
    return new Error(message, { cause: error });
  }
  if (error.status === 404) {
    return new NotFoundError(
      `Flyte has no execution '${runId}' to abort: ${reason}`,
      error,
    );
  }
  return new SchedulerRequestError(message, error.status, error.body);
}

function errorMessageOf(
  execution: FlyteExecution,
  phase: string,
): string | undefined {
  const closure = execution.closure ?? {};
  const message = closure.error?.message?.trim();
  if (message) {
    const code = closure.error?.code;
    return code ? `${code}: ${message}` : message;
  }
  if (phase === 'ABORTED' || phase === 'ABORTING') {
    const cause = closure.abort_metadata?.cause ?? closure.abort_cause;
    const principal = closure.abort_metadata?.principal;
    if (cause) return principal ? `Aborted by ${principal}: ${cause}` : cause;
    return undefined;
  }
  if (phase === 'TIMED_OUT') return 'The execution timed out';
  return undefined;
}
