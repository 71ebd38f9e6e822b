import { LoggerService } from '@backstage/backend-plugin-api';
import { ProviderDependency } from '@tributary/plugin-pipelines-node';
import { familyFromTaskId, isStubTask } from './families';
import { LuigiClient } from './LuigiClient';
import { LuigiTaskMap } from './luigiTypes';

/**
 * Family → family edges of a task graph: an edge `A → B` for every task of
 * family B that requires a task of family A. Edges of a family to itself
 * (a task requiring its own previous partition) are left out.
 */
export function familyEdges(
  graph: LuigiTaskMap,
  knownFamilies: ReadonlySet<string> = new Set(),
): { edges: ProviderDependency[]; families: Set<string> } {
  const families = new Set<string>(knownFamilies);
  const ids = Object.keys(graph);
  for (const id of ids) {
    const task = graph[id];
    if (task.name && !isStubTask(task)) families.add(task.name);
  }
  const familyOf = (id: string): string | undefined => {
    const task = graph[id];
    if (task?.name && !isStubTask(task)) return task.name;
    return familyFromTaskId(id, families);
  };
  const seen = new Set<string>();
  const edges: ProviderDependency[] = [];
  for (const id of ids) {
    const task = graph[id];
    if (!task.name || isStubTask(task) || !Array.isArray(task.deps)) continue;
    for (const dep of task.deps) {
      const upstream = familyOf(dep);
      if (!upstream || upstream === task.name) continue;
      families.add(upstream);
      const key = `${upstream}\u0000${task.name}`;
      if (!seen.has(key)) {
        seen.add(key);
        edges.push({ upstream, downstream: task.name });
      }
    }
  }
  edges.sort(
    (a, b) =>
      a.downstream.localeCompare(b.downstream) ||
      a.upstream.localeCompare(b.upstream),
  );
  return { edges, families };
}

/**
 * The pipeline dependency graph of one scheduler. Luigi's edges are between
 * task instances; `graph` answers every task the scheduler knows with its
 * `deps` in one request, where `dep_graph` would need one request per root
 * task. Family edges change only when code changes, so the answer is reused
 * until `refreshMs` has passed or a family it does not know shows up.
 */
export class LuigiDependencyGraph {
  static create(options: {
    client: LuigiClient;
    refreshMs: number;
    logger: LoggerService;
    now?: () => number;
  }): LuigiDependencyGraph {
    return new LuigiDependencyGraph(
      options.client,
      options.refreshMs,
      options.logger,
      options.now ?? Date.now,
    );
  }

  private edges: ProviderDependency[] = [];
  private knownFamilies = new Set<string>();
  private readAt: number | undefined;

  private constructor(
    private readonly client: LuigiClient,
    private readonly refreshMs: number,
    private readonly logger: LoggerService,
    private readonly now: () => number,
  ) {}

  /** Families the last graph answer named (including dependencies only). */
  get families(): ReadonlySet<string> {
    return this.knownFamilies;
  }

  async list(options: {
    /** Families the current poll saw; an unknown one forces a new read. */
    families?: ReadonlySet<string>;
    signal?: AbortSignal;
  }): Promise<ProviderDependency[]> {
    const stale =
      this.readAt === undefined || this.now() - this.readAt >= this.refreshMs;
    let unknown: string | undefined;
    if (!stale && options.families) {
      for (const family of options.families) {
        if (!this.knownFamilies.has(family)) {
          unknown = family;
          break;
        }
      }
    }
    if (stale || unknown !== undefined) {
      const started = this.now();
      const graph = await this.client.graph(options.signal);
      const { edges, families } = familyEdges(
        graph,
        options.families ?? new Set(),
      );
      this.edges = edges;
      this.knownFamilies = families;
      this.readAt = this.now();
      this.logger.debug(
        `Read the task graph of Luigi at ${this.client.baseUrl}${
          unknown === undefined ? '' : ` (new family ${unknown})`
        }: ${Object.keys(graph).length} tasks, ${families.size} families, ${
          edges.length
        } family dependencies in ${this.readAt - started} ms`,
      );
    }
    return this.edges;
  }
}
