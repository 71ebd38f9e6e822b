import { RunState } from './runStates';

/**
 * A pipeline as the pipelines API returns it.
 *
 * @public
 */
export interface Pipeline {
  /** `<source>:<name>`, stable across polls and events. */
  id: string;
  /** Where the pipeline comes from: a scheduler instance or an OpenLineage namespace. */
  source: string;
  namespace: string;
  name: string;
  title?: string;
  description?: string;
  /** Catalog entity ref of the owner, when known. */
  owner?: string;
  system?: string;
  schedule?: string;
  freshnessTarget?: string;
  entityRef?: string;
  sourceUrl?: string;
  firstSeenAt: string;
  lastSeenAt: string;
  latestRunState?: RunState;
  latestRunAt?: string;
  /** OpenLineage parent job, e.g. the DAG of a task. */
  parentPipelineId?: string;
  /** Owners as the source names them, before mapping to catalog refs. */
  sourceOwners?: string[];
  /** Link to the pipeline in its scheduler's own UI. */
  schedulerUrl?: string;
  /**
   * Present while the scheduler that reports it cannot be polled: its data is
   * as of `since`, the last good poll.
   */
  stale?: { since?: string; reason?: string };
  /** The latest attempt of each of the latest partitions, newest first, when the list asked for `recentRuns`. */
  recentRuns?: RecentRun[];
  /**
   * Present while partitions are past their freshness deadline without
   * having succeeded.
   */
  late?: PipelineLateness;
  /** Failed partitions in a row, counted back from the latest; absent when 0. */
  failureStreak?: number;
}

/** @public */
export interface PipelineLateness {
  /** Deadline of the oldest partition that is late now. */
  since: string;
  /** Partitions late now. */
  partitionCount: number;
  oldestPartition: string;
}

/** A run as a pipeline list shows it in its strip of latest partitions. @public */
export interface RecentRun {
  id: string;
  partition?: string;
  state: RunState;
  attempt?: number;
  startedAt?: string;
  endedAt?: string;
}

/** @public */
export interface ListSourcesResponse {
  items: Array<{ source: string; count: number }>;
}

/** @public */
export interface ListPipelinesResponse {
  items: Pipeline[];
  totalCount: number;
  offset: number;
  limit: number;
}

/**
 * Query parameters of `GET /pipelines`.
 *
 * @public
 */
export interface ListPipelinesQuery {
  offset?: number;
  limit?: number;
  /** Case-insensitive substring of id, name or title. */
  search?: string;
  /** Any of these owners (entity refs); sent comma-separated. */
  owner?: string | string[];
  source?: string;
  state?: RunState;
  /** Latest partitions (their latest attempt) to include per pipeline, up to 30. */
  recentRuns?: number;
  /** Only pipelines late against their freshness target. */
  late?: boolean;
}

/** @public */
export const LIST_PIPELINES_DEFAULT_LIMIT = 50;
/** @public */
export const LIST_PIPELINES_MAX_LIMIT = 500;

/**
 * A run of a pipeline: a task instance, workflow instance, execution or
 * OpenLineage run. `partition` is its nominal (logical) time.
 *
 * @public
 */
export interface Run {
  id: string;
  pipelineId: string;
  parentRunId?: string;
  partition?: string;
  partitionEnd?: string;
  state: RunState;
  sourceState?: string;
  attempt?: number;
  queuedAt?: string;
  startedAt?: string;
  endedAt?: string;
  errorMessage?: string;
  externalUrl?: string;
  updatedAt: string;
  /** The backfill that started it, when one did. */
  backfillId?: string;
}

/** @public */
export interface ListRunsResponse {
  items: Run[];
  /** Counted up to 10,000; `totalCountCapped` says there are more. */
  totalCount: number;
  totalCountCapped?: boolean;
  offset: number;
  limit: number;
}

/** @public */
export interface DatasetField {
  name: string;
  type?: string;
  description?: string;
}

/**
 * A dataset named per OpenLineage naming; its id is `<namespace>/<name>`.
 *
 * @public
 */
export interface Dataset {
  id: string;
  namespace: string;
  name: string;
  platform?: string;
  description?: string;
  schema?: DatasetField[];
  owner?: string;
  sourceOwners?: string[];
  entityRef?: string;
  firstSeenAt: string;
  lastSeenAt: string;
  lastWrittenAt?: string;
  lastWrittenByRun?: string;
}

/** A pipeline as it appears next to a dataset. @public */
export interface PipelineSummary {
  id: string;
  name: string;
  title?: string;
  owner?: string;
  latestRunState?: RunState;
  latestRunAt?: string;
  /** Deadline of its oldest late partition, while one is late. */
  lateSince?: string;
}

/** @public */
export interface DatasetDetails extends Dataset {
  /** Late while a pipeline that writes it is late: since the earliest. */
  lateSince?: string;
  /** Pipelines that write it. */
  producers: PipelineSummary[];
  /** Pipelines that read it. */
  consumers: PipelineSummary[];
}

/** @public */
export interface ListDatasetsResponse {
  items: Dataset[];
  totalCount: number;
  offset: number;
  limit: number;
}

/** One input column of one output column. @public */
export interface ColumnLineageEntry {
  datasetId: string;
  field: string;
  inputDatasetId: string;
  inputField: string;
  transformations?: unknown[];
}

/** @public */
export interface QualityResult {
  runId: string;
  datasetId: string;
  assertion: string;
  column?: string;
  success: boolean;
  partition?: string;
  observedAt: string;
}

/**
 * Metrics of one column, from OpenLineage's `dataQualityMetrics` facet.
 *
 * @public
 */
export interface ColumnQualityMetrics {
  nullCount?: number;
  distinctCount?: number;
  sum?: number;
  count?: number;
  min?: number;
  max?: number;
  /** Quantile (as a string, e.g. "0.5") → value. */
  quantiles?: Record<string, number>;
}

/**
 * What a run measured of a dataset (OpenLineage `dataQualityMetrics`), per
 * partition.
 *
 * @public
 */
export interface QualityMetrics {
  runId: string;
  datasetId: string;
  /** The run's partition (nominal time), when it has one. */
  partition?: string;
  observedAt: string;
  rowCount?: number;
  bytes?: number;
  fileCount?: number;
  /** Column name → its metrics. */
  columns?: Record<string, ColumnQualityMetrics>;
}

/** @public */
export interface ListQualityMetricsResponse {
  /** Newest first. */
  items: QualityMetrics[];
}

/** @public */
export type LineageDirection = 'upstream' | 'downstream' | 'both';

/** @public */
export interface LineageNode {
  /** `pipeline:<id>` or `dataset:<id>`. */
  key: string;
  kind: 'pipeline' | 'dataset';
  id: string;
  name: string;
  depth: number;
  owner?: string;
  latestRunState?: RunState;
  /** Pipelines only: deadline of the oldest late partition, while late. */
  lateSince?: string;
}

/** @public */
export interface LineageEdge {
  from: string;
  to: string;
}

/** @public */
export interface LineageResponse {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** Per node key: neighbours left out because its fan-out passed `limit`. */
  omitted: Record<string, { upstream?: number; downstream?: number }>;
  /** True when the walk stopped at the node cap before reaching `depth`. */
  truncated: boolean;
}

/** Per-event outcome of a batch ingest. @public */
export interface IngestEventResult {
  index: number;
  status: 'accepted' | 'rejected';
  statusCode: number;
  problems?: Array<{ path: string; message: string }>;
}

/**
 * A pipeline as the catalog module needs it to emit an entity.
 *
 * @public
 */
export interface CatalogPipeline {
  id: string;
  source: string;
  namespace: string;
  name: string;
  title?: string;
  description?: string;
  /** Catalog entity ref the source owners resolved to; absent when none did. */
  owner?: string;
  sourceOwners?: string[];
  system?: string;
  sourceUrl?: string;
  schedulerUrl?: string;
  parentPipelineId?: string;
  /** Dataset ids it reads, sorted. */
  inputs: string[];
  /** Dataset ids it writes, sorted. */
  outputs: string[];
}

/**
 * A dataset as the catalog module needs it to emit an entity.
 *
 * @public
 */
export interface CatalogDataset {
  id: string;
  namespace: string;
  name: string;
  platform?: string;
  description?: string;
  schema?: DatasetField[];
  /** Resolved from its own owners, else from its producing pipeline. */
  owner?: string;
  sourceOwners?: string[];
}

/**
 * One page of `GET /v1/catalog/pipelines` or `/v1/catalog/datasets`, ordered by
 * id. Without `changedSince` it pages through everything; with it, only rows
 * changed (or given new lineage edges) at or after that time.
 *
 * @public
 */
export interface CatalogExportPage<T> {
  items: T[];
  /** Pass as `after` for the next page; absent on the last page. */
  nextCursor?: string;
  /** Server time the page was read at: the next `changedSince` is based on it. */
  readAt: string;
}

/** A source owner that no mapping or catalog entity matched. @public */
export interface UnmappedOwner {
  /** The owner as the source names it. */
  name: string;
  pipelineCount: number;
  datasetCount: number;
  /** Up to 5 ids of pipelines or datasets that name it. */
  examples: string[];
}

/** @public */
export interface UnmappedOwnersResponse {
  items: UnmappedOwner[];
}

/** Annotation keys on emitted catalog entities. @public */
export const ANNOTATION_PIPELINE_ID = 'tributary.dev/pipeline-id';
/** @public */
export const ANNOTATION_DATASET_ID = 'tributary.dev/dataset-id';
/** Catalog `spec.type` of pipeline Components. @public */
export const PIPELINE_COMPONENT_TYPE = 'data-pipeline';
/** Catalog `spec.type` of dataset APIs. @public */
export const DATASET_API_TYPE = 'dataset';

/**
 * Pipelines of some owners by health, for the group card. A pipeline counts
 * once, in the first that applies: failing, late, stale, healthy.
 *
 * @public
 */
export interface OwnerHealth {
  owners: string[];
  total: number;
  /** Latest run failed. */
  failing: number;
  /** Past a freshness deadline. */
  late: number;
  /** Its scheduler cannot be polled: data may be old. */
  stale: number;
  healthy: number;
  /** Datasets of these owners whose latest quality assertion failed. */
  failedQualityDatasets: number;
}

/**
 * Signal channel: runs of some pipelines changed; message
 * {@link PipelinesChangedSignal}.
 *
 * @public
 */
export const PIPELINES_CHANGED_SIGNAL_CHANNEL = 'tributary-pipelines';

/** Signal channel of one pipeline's runs and state. @public */
export function pipelineSignalChannel(pipelineId: string): string {
  return `tributary-pipeline:${pipelineId}`;
}

/** @public */
export interface PipelinesChangedSignal {
  [key: string]: string[];
  pipelineIds: string[];
}
