import {
  CatalogDataset,
  CatalogPipeline,
  ColumnLineageEntry,
  Dataset,
  DatasetDetails,
  Pipeline,
  PipelineSummary,
  QualityMetrics,
  QualityResult,
  Run,
  RunState,
} from '@tributary/plugin-pipelines-common';
import { StoreWrites } from './StoreWrites';

/** What a source knows about a pipeline when it reports it. */
export interface PipelineUpsert {
  id: string;
  source: string;
  namespace: string;
  name: string;
  title?: string;
  description?: string;
  owner?: string;
  system?: string;
  schedule?: string;
  freshnessTarget?: string;
  entityRef?: string;
  sourceUrl?: string;
  latestRunState?: RunState;
  latestRunAt?: Date;
  parentPipelineId?: string;
  sourceOwners?: string[];
  jobType?: string;
  schedulerUrl?: string;
  /** When the source saw it; first/last seen are kept from these. */
  seenAt: Date;
  /** Set when merged rows of one batch saw it earlier than seenAt. */
  firstSeenAt?: Date;
}

export interface ListPipelinesOptions {
  offset: number;
  limit: number;
  search?: string;
  /** Any of these owners. */
  owners?: string[];
  /** Adds the latest attempt of each pipeline's latest partitions, this many. */
  recentRuns?: number;
  source?: string;
  state?: RunState;
  /** Only pipelines late against their freshness target. */
  late?: boolean;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
  /** The total was counted up to a cap and there are more. */
  totalCountCapped?: boolean;
}

export type PipelinesPage = Page<Pipeline>;

export interface ListRunsOptions {
  pipelineId: string;
  offset: number;
  limit: number;
  /** Partition (or, without one, first event) at or after this time. */
  from?: Date;
  /** Partition (or first event) before this time. */
  to?: Date;
  state?: RunState;
}

export interface ListDatasetsOptions {
  offset: number;
  limit: number;
  search?: string;
  platform?: string;
}

/** An edge of the lineage graph in data-flow direction, with node keys. */
export interface StoredLineageEdge {
  from: string;
  to: string;
  createdAt: Date;
}

export interface NodeSummaries {
  pipelines: Map<string, PipelineSummary>;
  datasets: Map<string, Pick<Dataset, 'id' | 'name' | 'owner'>>;
}

/** Poll cursor and health of one scheduler provider, shared by replicas. */
export interface ProviderState {
  providerId: string;
  cursor?: string;
  lastSuccessAt?: Date;
  lastFailureAt?: Date;
  lastError?: string;
  consecutiveFailures: number;
}

/** A page of the catalog export: rows ordered by id after `after`. */
export interface CatalogExportOptions {
  after?: string;
  limit: number;
  /** Only rows written (or, for pipelines, given a lineage edge) since. */
  changedSince?: Date;
}

export interface CatalogExportRows<T> {
  items: T[];
  hasMore: boolean;
}

/** What the ownership sync resolves, for every pipeline and dataset. */
export interface OwnershipRows {
  pipelines: Array<{ id: string; sourceOwners?: string[]; owner?: string }>;
  datasets: Array<{
    id: string;
    sourceOwners?: string[];
    owner?: string;
    /** The first pipeline by id that writes it, if any. */
    producerId?: string;
  }>;
}

/** New resolved owners; `null` clears one. */
export interface OwnerChanges {
  pipelines: Array<{ id: string; owner: string | null }>;
  datasets: Array<{ id: string; owner: string | null }>;
}

export interface ApplyWritesOptions {
  /**
   * Rows the store already holds with the same content, whose only change is
   * when they were seen or written, are held in memory, coalesced, and
   * written by `flushDeferredTouches`, and so is the refresh of each written
   * pipeline's latest run (this store's own reads refresh it first). The
   * commit records since when they are pending, so that raw events can
   * replay them if this replica dies first.
   */
  deferTouches?: boolean;
}

/** A replica's deferred touches not yet flushed, since the given receipt. */
export interface TouchCheckpoint {
  replicaId: string;
  pendingSince: Date;
}

export interface StoredRawEvent {
  id: string;
  receivedAt: Date;
  /** The event's canonical JSON. */
  payload: string;
}

/** The plugin's persistent state. One implementation per storage technology. */
export interface PipelinesStore {
  /**
   * How many write transactions the database runs at once to good effect:
   * the group commits kept in flight unless configured.
   */
  readonly concurrentCommits: number;
  /**
   * Applies the writes of any number of events or polls in one transaction:
   * all of them are committed when it resolves, none when it rejects.
   */
  applyWrites(writes: StoreWrites, options?: ApplyWritesOptions): Promise<void>;
  /** Writes the deferred touches and clears their checkpoint; answers how many rows. */
  flushDeferredTouches(): Promise<number>;
  /** Other replicas' checkpoints pending since before the given time. */
  listStaleTouchCheckpoints(pendingBefore: Date): Promise<TouchCheckpoint[]>;
  /** Removes a checkpoint unless its replica has moved it meanwhile. */
  clearTouchCheckpoint(checkpoint: TouchCheckpoint): Promise<boolean>;
  /** Raw events in receipt order, from `since` or after the given one. */
  listRawEventsReceivedSince(options: {
    since: Date;
    after?: { receivedAt: Date; id: string };
    limit: number;
  }): Promise<StoredRawEvent[]>;
  /** Inserts new pipelines and updates known ones, in one transaction. */
  upsertPipelines(pipelines: PipelineUpsert[]): Promise<void>;
  getPipeline(id: string): Promise<Pipeline | undefined>;
  listPipelines(options: ListPipelinesOptions): Promise<PipelinesPage>;
  /** Every source with its number of pipelines. */
  listSources(): Promise<Array<{ source: string; count: number }>>;
  listRuns(options: ListRunsOptions): Promise<Page<Run>>;
  getRun(id: string): Promise<Run | undefined>;
  listDatasets(options: ListDatasetsOptions): Promise<Page<Dataset>>;
  getDataset(id: string): Promise<DatasetDetails | undefined>;
  listColumnLineage(
    datasetId: string,
    field?: string,
  ): Promise<ColumnLineageEntry[]>;
  listQualityResults(
    datasetId: string,
    limit: number,
  ): Promise<QualityResult[]>;
  /** What runs measured of a dataset (or of what it is an alias of), newest first. */
  listQualityMetrics(
    datasetId: string,
    limit: number,
  ): Promise<QualityMetrics[]>;
  /** Lineage edges first written after `createdAfter` (all when undefined). */
  listLineageEdges(createdAfter?: Date): Promise<StoredLineageEdge[]>;
  /** Ids that name another dataset (from the symlinks facet). */
  listDatasetAliasIds(): Promise<string[]>;
  /**
   * Moves what is stored under a dataset id that has since become an alias
   * of another (edges, column lineage, quality) to that dataset, merging it
   * as the upserts merge, and deletes the alias's own dataset row. Answers
   * how many rows were moved; idempotent. All aliases unless given.
   */
  mergeAliasedDatasets(aliasIds?: string[]): Promise<number>;
  getNodeSummaries(
    pipelineIds: string[],
    datasetIds: string[],
  ): Promise<NodeSummaries>;
  /** Summaries of every node, or of those written at or after a time. */
  listNodeSummaries(changedSince?: Date): Promise<NodeSummaries>;
  listCatalogPipelines(
    options: CatalogExportOptions,
  ): Promise<CatalogExportRows<CatalogPipeline>>;
  listCatalogDatasets(
    options: CatalogExportOptions,
  ): Promise<CatalogExportRows<CatalogDataset>>;
  listOwnershipRows(): Promise<OwnershipRows>;
  /** Writes resolved owners, stamping the rows as changed for the catalog. */
  saveOwners(changes: OwnerChanges): Promise<void>;
  getProviderState(providerId: string): Promise<ProviderState>;
  saveProviderState(state: ProviderState): Promise<void>;
  /** Deletes raw events received before the given time; answers how many. */
  pruneRawEvents(receivedBefore: Date): Promise<number>;
  countRawEvents(): Promise<number>;
}
