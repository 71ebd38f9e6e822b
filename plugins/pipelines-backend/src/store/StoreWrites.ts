import {
  ColumnQualityMetrics,
  DatasetField,
  RunState,
} from '@tributary/plugin-pipelines-common';
import { PipelineUpsert } from './PipelinesStore';

/** -1: no state yet (OTHER events), 0: non-terminal, 1: terminal. */
export type StateRank = -1 | 0 | 1;

export interface RunUpsert {
  id: string;
  pipelineId: string;
  parentRunId?: string;
  partitionTime?: Date;
  partitionEndTime?: Date;
  state: RunState;
  sourceState?: string;
  stateRank: StateRank;
  /** Event time of the state reported; ignored when stateRank is -1. */
  stateTime?: Date;
  attempt?: number;
  queuedAt?: Date;
  startedAt?: Date;
  endedAt?: Date;
  firstEventTime: Date;
  errorMessage?: string;
  externalUrl?: string;
}

export interface DatasetUpsert {
  id: string;
  namespace: string;
  name: string;
  platform?: string;
  description?: string;
  schema?: DatasetField[];
  sourceOwners?: string[];
  seenAt: Date;
  /** Set when merged rows of one batch saw it earlier than seenAt. */
  firstSeenAt?: Date;
  writtenAt?: Date;
  writtenByRun?: string;
}

export interface DatasetAliasUpsert {
  aliasId: string;
  datasetId: string;
}

export interface LineageEdgeUpsert {
  pipelineId: string;
  datasetId: string;
  direction: 'input' | 'output';
  seenAt: Date;
  firstSeenAt?: Date;
}

export interface PipelineEdgeUpsert {
  upstreamId: string;
  downstreamId: string;
  seenAt: Date;
  firstSeenAt?: Date;
}

export interface ColumnLineageUpsert {
  datasetId: string;
  field: string;
  inputDatasetId: string;
  inputField: string;
  transformations?: unknown[];
  seenAt: Date;
}

export interface QualityResultUpsert {
  runId: string;
  datasetId: string;
  assertion: string;
  column?: string;
  success: boolean;
  partitionTime?: Date;
  observedAt: Date;
}

/** What a run measured of a dataset (`dataQualityMetrics`): one row per run and dataset. */
export interface QualityMetricsUpsert {
  runId: string;
  datasetId: string;
  partitionTime?: Date;
  /** Event time: a later event of the same run replaces the metrics. */
  observedAt: Date;
  rowCount?: number;
  bytes?: number;
  fileCount?: number;
  columns?: Record<string, ColumnQualityMetrics>;
}

export interface RawEventInsert {
  /** sha256 of the canonical JSON. */
  id: string;
  eventType?: string;
  eventTime: Date;
  runId?: string;
  job?: string;
  receivedAt: Date;
  payload: string;
}

/**
 * Everything one or more events (or one provider poll) wants written. Every
 * write is an idempotent merge, so applying the same writes twice, or in another
 * order, ends in the same rows.
 */
export interface StoreWrites {
  rawEvents: RawEventInsert[];
  pipelines: PipelineUpsert[];
  runs: RunUpsert[];
  datasets: DatasetUpsert[];
  datasetAliases: DatasetAliasUpsert[];
  lineageEdges: LineageEdgeUpsert[];
  pipelineEdges: PipelineEdgeUpsert[];
  columnLineage: ColumnLineageUpsert[];
  qualityResults: QualityResultUpsert[];
  qualityMetrics: QualityMetricsUpsert[];
}

export function emptyStoreWrites(): StoreWrites {
  return {
    rawEvents: [],
    pipelines: [],
    runs: [],
    datasets: [],
    datasetAliases: [],
    lineageEdges: [],
    pipelineEdges: [],
    columnLineage: [],
    qualityResults: [],
    qualityMetrics: [],
  };
}

export function concatStoreWrites(all: StoreWrites[]): StoreWrites {
  const merged = emptyStoreWrites();
  for (const writes of all) {
    for (const key of Object.keys(merged) as Array<keyof StoreWrites>) {
      (merged[key] as unknown[]).push(...(writes[key] as unknown[]));
    }
  }
  return merged;
}
