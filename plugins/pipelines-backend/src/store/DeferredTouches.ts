import { PipelineUpsert } from './PipelinesStore';
import {
  ColumnLineageUpsert,
  DatasetUpsert,
  emptyStoreWrites,
  LineageEdgeUpsert,
  PipelineEdgeUpsert,
  StoreWrites,
} from './StoreWrites';
import {
  mergeColumnLineage,
  mergeDataset,
  mergePipeline,
  mergeSeenTimes,
  mergeStoreWrites,
  rowKeys,
} from './mergeWrites';

/** The rows of StoreWrites that a touch may hold. */
export type TouchWrites = Pick<
  StoreWrites,
  'pipelines' | 'datasets' | 'lineageEdges' | 'pipelineEdges' | 'columnLineage'
>;

class Coalesced<T> {
  readonly rows = new Map<string, T>();

  constructor(
    private readonly keyOf: (row: T) => string,
    private readonly merge: (current: T, incoming: T) => T,
  ) {}

  add(rows: T[]) {
    for (const row of rows) {
      const key = this.keyOf(row);
      const current = this.rows.get(key);
      this.rows.set(
        key,
        current === undefined ? row : this.merge(current, row),
      );
    }
  }
}

/**
 * Rows the store already holds with the same content, whose only change is
 * when they were last (or first) seen or written: coalesced here, one row per
 * key, until the next flush writes them in one transaction. A busy pipeline's
 * datasets and edges come with every event; this writes them once per flush
 * instead of once per event.
 */
export class DeferredTouches {
  private pipelines = new Coalesced<PipelineUpsert>(
    rowKeys.pipeline,
    mergePipeline,
  );
  private datasets = new Coalesced<DatasetUpsert>(
    rowKeys.dataset,
    mergeDataset,
  );
  private lineageEdges = new Coalesced<LineageEdgeUpsert>(
    rowKeys.lineageEdge,
    mergeSeenTimes,
  );
  private pipelineEdges = new Coalesced<PipelineEdgeUpsert>(
    rowKeys.pipelineEdge,
    mergeSeenTimes,
  );
  private columnLineage = new Coalesced<ColumnLineageUpsert>(
    rowKeys.columnLineage,
    mergeColumnLineage,
  );
  /** When the oldest raw event whose touches are held here was received. */
  private since?: Date;

  get pendingSince(): Date | undefined {
    return this.since;
  }

  get size(): number {
    return (
      this.pipelines.rows.size +
      this.datasets.rows.size +
      this.lineageEdges.rows.size +
      this.pipelineEdges.rows.size +
      this.columnLineage.rows.size
    );
  }

  add(touches: TouchWrites, receivedSince: Date) {
    this.pipelines.add(touches.pipelines);
    this.datasets.add(touches.datasets);
    this.lineageEdges.add(touches.lineageEdges);
    this.pipelineEdges.add(touches.pipelineEdges);
    this.columnLineage.add(touches.columnLineage);
    if (!this.since || receivedSince < this.since) {
      this.since = receivedSince;
    }
  }

  /**
   * Hands over everything held, in key order (as every transaction locks
   * rows), and starts afresh.
   */
  take(): { writes: StoreWrites; since: Date; count: number } | undefined {
    const since = this.since;
    const count = this.size;
    if (!since || count === 0) {
      return undefined;
    }
    const writes = mergeStoreWrites({
      ...emptyStoreWrites(),
      pipelines: [...this.pipelines.rows.values()],
      datasets: [...this.datasets.rows.values()],
      lineageEdges: [...this.lineageEdges.rows.values()],
      pipelineEdges: [...this.pipelineEdges.rows.values()],
      columnLineage: [...this.columnLineage.rows.values()],
    });
    for (const coalesced of [
      this.pipelines,
      this.datasets,
      this.lineageEdges,
      this.pipelineEdges,
      this.columnLineage,
    ]) {
      coalesced.rows.clear();
    }
    this.since = undefined;
    return { writes, since, count };
  }
}

/** Touch writes in parts of at most `size` rows, one table per part. */
export function splitTouchWrites(
  writes: TouchWrites,
  size: number,
): TouchWrites[] {
  const parts: TouchWrites[] = [];
  const empty = (): TouchWrites => ({
    pipelines: [],
    datasets: [],
    lineageEdges: [],
    pipelineEdges: [],
    columnLineage: [],
  });
  for (const table of [
    'pipelines',
    'datasets',
    'lineageEdges',
    'pipelineEdges',
    'columnLineage',
  ] as const) {
    const rows = writes[table] as unknown[];
    for (let i = 0; i < rows.length; i += size) {
      const part = empty();
      (part[table] as unknown[]) = rows.slice(i, i + size);
      parts.push(part);
    }
  }
  return parts;
}
