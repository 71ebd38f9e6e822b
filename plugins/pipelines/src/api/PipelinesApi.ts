import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  Backfill,
  BackfillCreateRequest,
  BackfillPlan,
  BackfillPlanRequest,
  ColumnLineageEntry,
  DatasetDetails,
  LineageDirection,
  LineageResponse,
  ListPipelinesQuery,
  ListBackfillsResponse,
  ListPipelinesResponse,
  ListQualityMetricsResponse,
  ListRunsResponse,
  ListSourcesResponse,
  OwnerHealth,
  Pipeline,
  QualityResult,
  Run,
  RunState,
} from '@tributary/plugin-pipelines-common';

/** @public */
export interface ListRunsQuery {
  offset?: number;
  limit?: number;
  /** Partitions at or after this time (ISO-8601). */
  from?: string;
  /** Partitions before this time (ISO-8601). */
  to?: string;
  state?: RunState;
}

/** @public */
export interface LineageQuery {
  /** `pipeline:<id>` or `dataset:<id>`. */
  node: string;
  direction?: LineageDirection;
  depth?: number;
  /** Neighbours per node at most; the rest are counted in `omitted`. */
  limit?: number;
}

/**
 * The frontend's view of the pipelines backend.
 *
 * @public
 */
export interface PipelinesApi {
  listPipelines(query?: ListPipelinesQuery): Promise<ListPipelinesResponse>;
  listSources(): Promise<ListSourcesResponse>;
  getPipeline(id: string): Promise<Pipeline>;
  listRuns(
    pipelineId: string,
    query?: ListRunsQuery,
  ): Promise<ListRunsResponse>;
  getRun(runId: string): Promise<Run>;
  getDataset(id: string): Promise<DatasetDetails>;
  listColumnLineage(
    datasetId: string,
    field?: string,
  ): Promise<{ items: ColumnLineageEntry[] }>;
  listQualityResults(
    datasetId: string,
    limit?: number,
  ): Promise<{ items: QualityResult[] }>;
  /** What the latest runs measured of the dataset, newest first. */
  listQualityMetrics(
    datasetId: string,
    limit?: number,
  ): Promise<ListQualityMetricsResponse>;
  getLineage(query: LineageQuery): Promise<LineageResponse>;
  /** What a backfill of the range would do, partition by partition; changes nothing. */
  planBackfill(
    pipelineId: string,
    request: BackfillPlanRequest,
  ): Promise<BackfillPlan>;
  /** Starts a backfill; the same `idempotencyKey` again answers the same one. */
  createBackfill(
    pipelineId: string,
    request: BackfillCreateRequest,
  ): Promise<Backfill>;
  /** The pipeline's backfills, newest first. */
  listBackfills(pipelineId: string): Promise<ListBackfillsResponse>;
  /** One backfill with the state of each of its partitions. */
  getBackfill(backfillId: string): Promise<Backfill>;
  cancelBackfill(backfillId: string): Promise<Backfill>;
  /**
   * The pipelines of these owners (entity refs) counted by health: failing,
   * late, stale, healthy; and their datasets whose quality checks failed.
   */
  getOwnerHealth(owners: string[]): Promise<OwnerHealth>;
}

/** @public */
export const pipelinesApiRef = createApiRef<PipelinesApi>().with({
  id: 'plugin.pipelines.api',
});
