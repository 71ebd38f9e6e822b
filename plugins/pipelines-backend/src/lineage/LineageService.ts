import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  LineageDirection,
  LineageResponse,
} from '@tributary/plugin-pipelines-common';
import { PipelinesStore } from '../store/PipelinesStore';
import { StoreWrites } from '../store/StoreWrites';
import { LineageGraph } from './LineageGraph';
import { lineageKey, parseLineageKey } from './lineageKeys';
import { NodeSummaryCache } from './NodeSummaryCache';

/** Re-read edges this far back, so clock skew between replicas loses none. */
const REFRESH_OVERLAP_MS = 5 * 60 * 1000;

/**
 * Answers lineage queries from an in-memory graph: loaded from the store once,
 * kept current by this replica's own commits and by periodic refreshes that
 * pick up edges other replicas wrote.
 */
export class LineageService {
  private graph: LineageGraph | undefined;
  private loading: Promise<LineageGraph> | undefined;
  private reloading: Promise<void> | undefined;
  private refreshedUpTo: Date | undefined;
  private readonly summaries: NodeSummaryCache;

  static create(options: {
    store: PipelinesStore;
    logger: LoggerService;
  }): LineageService {
    return new LineageService(options.store, options.logger);
  }

  private constructor(
    private readonly store: PipelinesStore,
    private readonly logger: LoggerService,
  ) {
    this.summaries = new NodeSummaryCache(store);
  }

  /** Adds the edges of committed writes; cheap and idempotent. */
  addCommittedWrites(writes: StoreWrites): void {
    this.summaries.markWritten(writes);
    if (!this.graph) {
      return; // The first load reads them from the store.
    }
    if (this.holdsAliasNode(writes.datasetAliases.map(a => a.aliasId))) {
      // The store has moved the alias's edges to its dataset.
      this.reload().catch(error =>
        this.logger.warn(`Reloading the lineage graph failed: ${error}`),
      );
    }
    this.graph.addEdges(
      writes.lineageEdges.map(edge => {
        const pipeline = lineageKey('pipeline', edge.pipelineId);
        const dataset = lineageKey('dataset', edge.datasetId);
        return edge.direction === 'input'
          ? { from: dataset, to: pipeline }
          : { from: pipeline, to: dataset };
      }),
    );
    this.graph.addEdges(
      writes.pipelineEdges.map(edge => ({
        from: lineageKey('pipeline', edge.upstreamId),
        to: lineageKey('pipeline', edge.downstreamId),
      })),
    );
  }

  /** Loads edges written since the last refresh, by any replica. */
  async refresh(): Promise<void> {
    if (!this.graph) {
      await this.getGraph();
      return;
    }
    const since = new Date(
      (this.refreshedUpTo?.getTime() ?? 0) - REFRESH_OVERLAP_MS,
    );
    const edges = await this.store.listLineageEdges(since);
    this.graph.addEdges(edges);
    this.advanceCursor(edges);
    // Edges are never taken out of a graph: a dataset id that became an
    // alias, whose edges moved to its dataset, needs a graph built afresh.
    if (this.holdsAliasNode(await this.store.listDatasetAliasIds())) {
      await this.reload();
    }
    await this.summaries.refresh();
  }

  /**
   * Builds the graph afresh from the store and swaps it in; queries use the
   * old one meanwhile. Edges committed during the load come back with the
   * next refresh, which reads a few minutes back.
   */
  reload(): Promise<void> {
    this.reloading ??= (async () => {
      const edges = await this.store.listLineageEdges();
      this.graph = LineageGraph.fromEdges(edges);
      this.advanceCursor(edges);
    })().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private holdsAliasNode(aliasIds: string[]): boolean {
    const graph = this.graph;
    return (
      graph !== undefined &&
      aliasIds.some(id => graph.hasNode(lineageKey('dataset', id)))
    );
  }

  async query(options: {
    node: string;
    direction: LineageDirection;
    depth: number;
    limit: number;
  }): Promise<LineageResponse> {
    const root = parseLineageKey(options.node);
    if (!root) {
      throw new NotFoundError(`No lineage node '${options.node}'`);
    }
    const graph = await this.getGraph();
    let rootKey = options.node;
    if (!graph.hasNode(rootKey)) {
      const exists =
        root.kind === 'pipeline'
          ? await this.store.getPipeline(root.id)
          : await this.store.getDataset(root.id);
      if (!exists) {
        throw new NotFoundError(`No ${root.kind} with id '${root.id}'`);
      }
      // An alias answers with the lineage of the dataset it names.
      rootKey = lineageKey(root.kind, exists.id);
    }
    const traversal = graph.traverse({
      root: rootKey,
      direction: options.direction,
      depth: options.depth,
      limit: options.limit,
    });

    const pipelineIds: string[] = [];
    const datasetIds: string[] = [];
    const parsed = traversal.nodes.map(node => {
      const ref = parseLineageKey(node.key)!;
      (ref.kind === 'pipeline' ? pipelineIds : datasetIds).push(ref.id);
      return { ...node, ...ref };
    });
    const summaries = await this.summaries.get(pipelineIds, datasetIds);
    return {
      root: traversal.root,
      nodes: parsed.map(node => {
        if (node.kind === 'pipeline') {
          const pipeline = summaries.pipelines.get(node.id);
          return {
            key: node.key,
            kind: node.kind,
            id: node.id,
            depth: node.depth,
            name: pipeline?.title ?? pipeline?.name ?? node.id,
            owner: pipeline?.owner,
            latestRunState: pipeline?.latestRunState,
            ...(pipeline?.lateSince ? { lateSince: pipeline.lateSince } : {}),
          };
        }
        const dataset = summaries.datasets.get(node.id);
        return {
          key: node.key,
          kind: node.kind,
          id: node.id,
          depth: node.depth,
          name: dataset?.name ?? node.id,
          owner: dataset?.owner,
        };
      }),
      edges: traversal.edges,
      omitted: traversal.omitted,
      truncated: traversal.truncated,
    };
  }

  private async getGraph(): Promise<LineageGraph> {
    // A reload after an alias merge: answer from the merged graph, or from
    // the one before if the reload failed (its caller logs why).
    await this.reloading?.catch(() => undefined);
    if (this.graph) {
      return this.graph;
    }
    if (!this.loading) {
      this.loading = (async () => {
        const started = Date.now();
        const [edges] = await Promise.all([
          this.store.listLineageEdges(),
          this.summaries.refresh(),
        ]);
        const graph = LineageGraph.fromEdges(edges);
        this.advanceCursor(edges);
        this.graph = graph;
        this.logger.info(
          `Loaded lineage graph: ${graph.nodeCount} nodes, ${
            graph.edgeCount
          } edges, ${this.summaries.size} node summaries in ${
            Date.now() - started
          } ms`,
        );
        return graph;
      })().finally(() => {
        this.loading = undefined;
      });
    }
    return this.loading;
  }

  private advanceCursor(edges: Array<{ createdAt: Date }>) {
    for (const edge of edges) {
      if (!this.refreshedUpTo || edge.createdAt > this.refreshedUpTo) {
        this.refreshedUpTo = edge.createdAt;
      }
    }
  }
}
