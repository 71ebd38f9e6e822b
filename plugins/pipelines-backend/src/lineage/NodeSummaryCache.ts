import { NodeSummaries, PipelinesStore } from '../store/PipelinesStore';
import { StoreWrites } from '../store/StoreWrites';

/** Re-read rows this far back: a transaction can commit after a read began. */
const REFRESH_OVERLAP_MS = 2 * 60 * 1000;

/**
 * Names, owners and latest states of every lineage node, in memory, so that a
 * lineage answer of thousands of nodes costs no database round trip. This
 * replica's own commits mark their nodes dirty and the next answer naming
 * them reads them again; other replicas' writes arrive with `refresh`.
 */
export class NodeSummaryCache {
  private summaries: NodeSummaries = {
    pipelines: new Map(),
    datasets: new Map(),
  };
  private readonly dirtyPipelines = new Set<string>();
  private readonly dirtyDatasets = new Set<string>();
  private refreshedAt: Date | undefined;

  constructor(private readonly store: PipelinesStore) {}

  get size(): number {
    return this.summaries.pipelines.size + this.summaries.datasets.size;
  }

  /** Reads every summary, or those written since the last read. */
  async refresh(): Promise<void> {
    const readAt = new Date();
    const since = this.refreshedAt
      ? new Date(this.refreshedAt.getTime() - REFRESH_OVERLAP_MS)
      : undefined;
    const read = await this.store.listNodeSummaries(since);
    if (!since) {
      this.summaries = read;
    } else {
      read.pipelines.forEach((v, k) => this.summaries.pipelines.set(k, v));
      read.datasets.forEach((v, k) => this.summaries.datasets.set(k, v));
    }
    this.refreshedAt = readAt;
  }

  markWritten(writes: StoreWrites): void {
    for (const pipeline of writes.pipelines) {
      this.dirtyPipelines.add(pipeline.id);
    }
    for (const run of writes.runs) {
      this.dirtyPipelines.add(run.pipelineId);
    }
    for (const dataset of writes.datasets) {
      this.dirtyDatasets.add(dataset.id);
    }
  }

  async get(pipelineIds: string[], datasetIds: string[]) {
    const stalePipelines = pipelineIds.filter(
      id => this.dirtyPipelines.has(id) || !this.summaries.pipelines.has(id),
    );
    const staleDatasets = datasetIds.filter(
      id => this.dirtyDatasets.has(id) || !this.summaries.datasets.has(id),
    );
    if (stalePipelines.length > 0 || staleDatasets.length > 0) {
      // Cleared before the read: a commit during it marks its nodes again.
      stalePipelines.forEach(id => this.dirtyPipelines.delete(id));
      staleDatasets.forEach(id => this.dirtyDatasets.delete(id));
      const read = await this.store.getNodeSummaries(
        stalePipelines,
        staleDatasets,
      );
      read.pipelines.forEach((v, k) => this.summaries.pipelines.set(k, v));
      read.datasets.forEach((v, k) => this.summaries.datasets.set(k, v));
    }
    return this.summaries;
  }
}
