import {
  ColumnLineageUpsert,
  DatasetUpsert,
  LineageEdgeUpsert,
  PipelineEdgeUpsert,
  QualityMetricsUpsert,
  QualityResultUpsert,
  RawEventInsert,
  RunUpsert,
  StoreWrites,
} from './StoreWrites';
import { PipelineUpsert } from './PipelinesStore';

/*
 * The same merge rules as the SQL upserts in DatabasePipelinesStore, applied to
 * rows of one transaction first: a statement may not touch a row twice, and the
 * outcome must not depend on the order events arrived in.
 */

type Time = Date | undefined;

/** Code-unit order, the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function minTime(a: Time, b: Time): Time {
  if (!a) return b;
  if (!b) return a;
  return b.getTime() < a.getTime() ? b : a;
}

function maxTime(a: Time, b: Time): Time {
  if (!a) return b;
  if (!b) return a;
  return b.getTime() > a.getTime() ? b : a;
}

/** A run that went on to these states (a retry) no longer shows the old error. */
const STATES_WITHOUT_ERROR = new Set([
  'succeeded',
  'running',
  'queued',
  'skipped',
]);

/** Terminal states win; later event time wins within a rank; ties by name. */
export function runStateWins(incoming: RunUpsert, current: RunUpsert): boolean {
  if (incoming.stateRank !== current.stateRank) {
    return incoming.stateRank > current.stateRank;
  }
  if (incoming.stateRank < 0) {
    return false;
  }
  const incomingTime = incoming.stateTime?.getTime() ?? -Infinity;
  const currentTime = current.stateTime?.getTime() ?? -Infinity;
  if (incomingTime !== currentTime) {
    return incomingTime > currentTime;
  }
  return incoming.state > current.state;
}

export function mergeRun(current: RunUpsert, incoming: RunUpsert): RunUpsert {
  const wins = runStateWins(incoming, current);
  const winner = wins ? incoming : current;
  const loser = wins ? current : incoming;
  return {
    id: current.id,
    pipelineId: current.pipelineId,
    parentRunId: current.parentRunId ?? incoming.parentRunId,
    partitionTime: minTime(current.partitionTime, incoming.partitionTime),
    partitionEndTime: maxTime(
      current.partitionEndTime,
      incoming.partitionEndTime,
    ),
    state: winner.state,
    sourceState: winner.sourceState,
    stateRank: winner.stateRank,
    stateTime: winner.stateTime,
    attempt:
      current.attempt === undefined
        ? incoming.attempt
        : Math.max(current.attempt, incoming.attempt ?? current.attempt),
    queuedAt: minTime(current.queuedAt, incoming.queuedAt),
    startedAt: minTime(current.startedAt, incoming.startedAt),
    endedAt: winner.endedAt,
    firstEventTime: minTime(current.firstEventTime, incoming.firstEventTime)!,
    errorMessage: STATES_WITHOUT_ERROR.has(winner.state)
      ? winner.errorMessage
      : winner.errorMessage ?? loser.errorMessage,
    externalUrl: incoming.externalUrl ?? current.externalUrl,
  };
}

export function mergePipeline(
  current: PipelineUpsert,
  incoming: PipelineUpsert,
): PipelineUpsert {
  const incomingRunIsLater =
    incoming.latestRunAt !== undefined &&
    (current.latestRunAt === undefined ||
      incoming.latestRunAt.getTime() >= current.latestRunAt.getTime());
  // Every event of a pipeline merges here: no intermediate arrays.
  const merged: Record<string, unknown> = { ...current };
  for (const key in incoming) {
    if (Object.hasOwn(incoming, key)) {
      const value = incoming[key as keyof PipelineUpsert];
      if (value !== undefined) merged[key] = value;
    }
  }
  return {
    ...(merged as unknown as PipelineUpsert),
    seenAt: maxTime(current.seenAt, incoming.seenAt)!,
    firstSeenAt: minTime(
      current.firstSeenAt ?? current.seenAt,
      incoming.firstSeenAt ?? incoming.seenAt,
    ),
    latestRunState: incomingRunIsLater
      ? incoming.latestRunState
      : current.latestRunState,
    latestRunAt: incomingRunIsLater
      ? incoming.latestRunAt
      : current.latestRunAt,
  };
}

export function mergeDataset(
  current: DatasetUpsert,
  incoming: DatasetUpsert,
): DatasetUpsert {
  const incomingWriteIsLater =
    incoming.writtenAt !== undefined &&
    (current.writtenAt === undefined ||
      incoming.writtenAt.getTime() > current.writtenAt.getTime());
  return {
    id: current.id,
    namespace: current.namespace,
    name: current.name,
    platform: incoming.platform ?? current.platform,
    description: incoming.description ?? current.description,
    schema: incoming.schema ?? current.schema,
    sourceOwners: incoming.sourceOwners ?? current.sourceOwners,
    seenAt: maxTime(current.seenAt, incoming.seenAt)!,
    firstSeenAt: minTime(
      current.firstSeenAt ?? current.seenAt,
      incoming.firstSeenAt ?? incoming.seenAt,
    ),
    writtenAt: incomingWriteIsLater ? incoming.writtenAt : current.writtenAt,
    writtenByRun: incomingWriteIsLater
      ? incoming.writtenByRun
      : current.writtenByRun,
  };
}

function dedupe<T>(
  rows: T[],
  keyOf: (row: T) => string,
  merge: (current: T, incoming: T) => T,
): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) {
    const key = keyOf(row);
    const current = byKey.get(key);
    byKey.set(key, current === undefined ? row : merge(current, row));
  }
  // Sorted by key, so concurrent transactions lock rows in the same order.
  // The default sort is compareStrings' code-unit order, without a call
  // into JavaScript per comparison.
  const keys = [...byKey.keys()].sort();
  return keys.map(key => byKey.get(key) as T);
}

const SEP = '\u0000';

/** Primary keys of the rows that events repeat, as one string each. */
export const rowKeys = {
  pipeline: (p: PipelineUpsert) => p.id,
  dataset: (d: DatasetUpsert) => d.id,
  lineageEdge: (e: LineageEdgeUpsert) =>
    `${e.pipelineId}${SEP}${e.datasetId}${SEP}${e.direction}`,
  pipelineEdge: (e: PipelineEdgeUpsert) =>
    `${e.upstreamId}${SEP}${e.downstreamId}`,
  columnLineage: (c: ColumnLineageUpsert) =>
    `${c.datasetId}${SEP}${c.field}${SEP}${c.inputDatasetId}${SEP}${c.inputField}`,
};

/** Edges carry nothing but when they were seen: the earliest and latest win. */
export function mergeSeenTimes<T extends { seenAt: Date; firstSeenAt?: Date }>(
  a: T,
  b: T,
): T {
  return {
    ...a,
    seenAt: maxTime(a.seenAt, b.seenAt)!,
    firstSeenAt: minTime(a.firstSeenAt ?? a.seenAt, b.firstSeenAt ?? b.seenAt),
  };
}

export function mergeColumnLineage(
  a: ColumnLineageUpsert,
  b: ColumnLineageUpsert,
): ColumnLineageUpsert {
  return {
    ...a,
    transformations: b.transformations ?? a.transformations,
    seenAt: maxTime(a.seenAt, b.seenAt)!,
  };
}

/** The later event's metrics win; the partition is kept when it does not say. */
function mergeQualityMetrics(
  a: QualityMetricsUpsert,
  b: QualityMetricsUpsert,
): QualityMetricsUpsert {
  const [older, newer] =
    b.observedAt.getTime() >= a.observedAt.getTime() ? [a, b] : [b, a];
  return {
    ...newer,
    partitionTime: newer.partitionTime ?? older.partitionTime,
  };
}

/** One row per primary key, merged, in key order. */
export function mergeStoreWrites(writes: StoreWrites): StoreWrites {
  return {
    rawEvents: dedupe<RawEventInsert>(
      writes.rawEvents,
      e => e.id,
      current => current,
    ),
    pipelines: dedupe(writes.pipelines, rowKeys.pipeline, mergePipeline),
    runs: dedupe(writes.runs, r => r.id, mergeRun),
    datasets: dedupe(writes.datasets, rowKeys.dataset, mergeDataset),
    datasetAliases: dedupe(
      writes.datasetAliases,
      a => a.aliasId,
      current => current,
    ),
    lineageEdges: dedupe<LineageEdgeUpsert>(
      writes.lineageEdges,
      rowKeys.lineageEdge,
      mergeSeenTimes,
    ),
    pipelineEdges: dedupe<PipelineEdgeUpsert>(
      writes.pipelineEdges,
      rowKeys.pipelineEdge,
      mergeSeenTimes,
    ),
    columnLineage: dedupe<ColumnLineageUpsert>(
      writes.columnLineage,
      rowKeys.columnLineage,
      mergeColumnLineage,
    ),
    qualityResults: dedupe<QualityResultUpsert>(
      writes.qualityResults,
      q => [q.runId, q.datasetId, q.assertion, q.column ?? ''].join(SEP),
      (a, b) => (b.observedAt.getTime() >= a.observedAt.getTime() ? b : a),
    ),
    qualityMetrics: dedupe<QualityMetricsUpsert>(
      writes.qualityMetrics,
      m => [m.runId, m.datasetId].join(SEP),
      mergeQualityMetrics,
    ),
  };
}
