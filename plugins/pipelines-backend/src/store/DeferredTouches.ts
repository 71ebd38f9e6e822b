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

/** The touch tables, in the order every transaction writes them. */
const TOUCH_TABLES = [
  'pipelines',
  'datasets',
  'lineageEdges',
  'pipelineEdges',
  'columnLineage',
] as const;

export function emptyTouchWrites(): TouchWrites {
  return {
    pipelines: [],
    datasets: [],
    lineageEdges: [],
    pipelineEdges: [],
    columnLineage: [],
  };
}

/**
 * Rows the store already holds with the same content, whose only change is
 * when they were last (or first) seen or written: coalesced here, one row per
 * key, until the next flush writes them in one transaction. A busy pipeline's
 * datasets and edges come with every event; this writes them once per flush
 * instead of once per event. The same goes for the refresh of a pipeline's
 * latest run, which every run event asks for: it rewrites the wide pipelines
 * row and its indexes.
 */
export class DeferredTouches {
  private readonly tables: {
    [K in keyof TouchWrites]: Coalesced<TouchWrites[K][number]>;
  } = {
    pipelines: new Coalesced<PipelineUpsert>(rowKeys.pipeline, mergePipeline),
    datasets: new Coalesced<DatasetUpsert>(rowKeys.dataset, mergeDataset),
    lineageEdges: new Coalesced<LineageEdgeUpsert>(
      rowKeys.lineageEdge,
      mergeSeenTimes,
    ),
    pipelineEdges: new Coalesced<PipelineEdgeUpsert>(
      rowKeys.pipelineEdge,
      mergeSeenTimes,
    ),
    columnLineage: new Coalesced<ColumnLineageUpsert>(
      rowKeys.columnLineage,
      mergeColumnLineage,
    ),
  };
  /** Pipelines whose denormalized latest run is to be refreshed. */
  private readonly latestRunPipelines = new Set<string>();
  /** When the oldest raw event whose touches are held here was received. */
  private since?: Date;

  get pendingSince(): Date | undefined {
    return this.since;
  }

  get size(): number {
    return TOUCH_TABLES.reduce(
      (sum, table) => sum + this.tables[table].rows.size,
      this.latestRunPipelines.size,
    );
  }

  get holdsLatestRuns(): boolean {
    return this.latestRunPipelines.size > 0;
  }

  /** Which of these pipelines have a latest-run refresh held here. */
  pendingLatestRuns(pipelineIds?: Iterable<string>): string[] {
    if (!pipelineIds) {
      return [...this.latestRunPipelines];
    }
    return [...pipelineIds].filter(id => this.latestRunPipelines.has(id));
  }

  add(
    touches: TouchWrites,
    receivedSince: Date,
    latestRunPipelineIds: Iterable<string> = [],
  ) {
    for (const table of TOUCH_TABLES) {
      (this.tables[table] as Coalesced<unknown>).add(touches[table]);
    }
    for (const id of latestRunPipelineIds) {
      this.latestRunPipelines.add(id);
    }
    if (!this.since || receivedSince < this.since) {
      this.since = receivedSince;
    }
  }

  /**
   * Hands over everything held, in key order (as every transaction locks
   * rows), and starts afresh.
   */
  take():
    | {
        writes: StoreWrites;
        latestRunPipelineIds: string[];
        since: Date;
        count: number;
      }
    | undefined {
    const since = this.since;
    const count = this.size;
    if (!since || count === 0) {
      return undefined;
    }
    const held = emptyTouchWrites();
    for (const table of TOUCH_TABLES) {
      (held[table] as unknown[]) = [...this.tables[table].rows.values()];
      this.tables[table].rows.clear();
    }
    const latestRunPipelineIds = [...this.latestRunPipelines].sort();
    this.latestRunPipelines.clear();
    this.since = undefined;
    return {
      writes: mergeStoreWrites({ ...emptyStoreWrites(), ...held }),
      latestRunPipelineIds,
      since,
      count,
    };
  }
}

/** Touch writes in parts of at most `size` rows, one table per part. */
export function splitTouchWrites(
  writes: TouchWrites,
  size: number,
): TouchWrites[] {
  const parts: TouchWrites[] = [];
  for (const table of TOUCH_TABLES) {
    const rows = writes[table] as unknown[];
    for (let i = 0; i < rows.length; i += size) {
      const part = emptyTouchWrites();
      (part[table] as unknown[]) = rows.slice(i, i + size);
      parts.push(part);
    }
  }
  return parts;
}
