import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  CatalogDataset,
  CatalogPipeline,
  ColumnLineageEntry,
  Dataset,
  DatasetDetails,
  DatasetField,
  isRunState,
  Pipeline,
  PipelineSummary,
  QualityMetrics,
  QualityResult,
  RecentRun,
  Run,
} from '@tributary/plugin-pipelines-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  ApplyWritesOptions,
  CatalogExportOptions,
  CatalogExportRows,
  ListDatasetsOptions,
  ListPipelinesOptions,
  ListRunsOptions,
  NodeSummaries,
  OwnerChanges,
  OwnershipRows,
  Page,
  PipelinesPage,
  PipelinesStore,
  PipelineUpsert,
  ProviderState,
  StoredLineageEdge,
  StoredRawEvent,
  TouchCheckpoint,
} from './PipelinesStore';
import {
  DeferredTouches,
  emptyTouchWrites,
  splitTouchWrites,
} from './DeferredTouches';
import { SharedExclusiveLock } from './SharedExclusiveLock';
import {
  ColumnType,
  inlinePostgresSql,
  PostgresQuery,
  UpsertStatement,
} from './inlineSql';
import { DbTime, optionalIso, toDate, toIsoTimestamp } from './dbTime';
import { emptyStoreWrites, StoreWrites } from './StoreWrites';
import { mergeStoreWrites, rowKeys } from './mergeWrites';
import { UnchangedRowsFilter } from './UnchangedRowsFilter';
import { isPostgres, rawRows } from './rawQuery';
import { lineageKey } from '../lineage/lineageKeys';

const migrationsDir = resolvePackagePath(
  '@tributary/plugin-pipelines-backend',
  'migrations',
);

/** Rows per statement: stays well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK_SIZE = 200;
/** How stale this replica's view of other replicas' dataset aliases may get. */
const ALIAS_REFRESH_MS = 30_000;
/** Runs counted at most for a page's total. */
export const RUN_COUNT_CAP = 10_000;
/** Ids per `where in` list. */
const IN_LIST_SIZE = 500;
/** Deferred touches held at most before a commit flushes them itself. */
const MAX_DEFERRED_TOUCHES = 50_000;
/** Rows per flush transaction: short enough not to hold up commits. */
const FLUSH_PART_ROWS = 1_000;

function parseJsonArray<T>(text: string | null | undefined): T[] | undefined {
  if (!text) return undefined;
  const parsed = JSON.parse(text);
  return Array.isArray(parsed) ? (parsed as T[]) : undefined;
}

function chunks<T>(rows: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < rows.length; i += size) {
    result.push(rows.slice(i, i + size));
  }
  return result;
}

/**
 * A touch changes only when a row was seen or written, which neither the
 * catalog nor the lineage summaries read: it leaves `updated_at` (indexed)
 * alone, so that PostgreSQL can update the row in place (HOT).
 */
type WriteKind = 'content' | 'touch';

/** A write, built but not run: the commit decides how statements are sent. */
type Statement = Knex.QueryBuilder | Knex.Raw | UpsertStatement;

/** Inserts rows in statements of CHUNK_SIZE, merging into existing rows. */
function upsertStatements<T>(
  table: string,
  rows: T[],
  options: {
    conflict: string[];
    toRow: (row: T) => Record<string, unknown>;
    /** SQL of each column's new value, or 'ignore' to keep the stored row. */
    merge: Record<string, string> | 'ignore';
  },
): Statement[] {
  return chunks(rows, CHUNK_SIZE).map(chunk => {
    const mapped = chunk.map(options.toRow);
    // One mapping function: every row has the first one's columns.
    return new UpsertStatement(
      table,
      mapped,
      options.conflict,
      options.merge,
      Object.keys(mapped[0]),
    );
  });
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, match => `\\${match}`);
}

/** SQL for the earlier / later of the stored and the incoming value. */
function minOf(table: string, column: string): string {
  return `case when excluded.${column} is null then ${table}.${column} when ${table}.${column} is null then excluded.${column} when excluded.${column} < ${table}.${column} then excluded.${column} else ${table}.${column} end`;
}
function maxOf(table: string, column: string): string {
  return `case when excluded.${column} is null then ${table}.${column} when ${table}.${column} is null then excluded.${column} when excluded.${column} > ${table}.${column} then excluded.${column} else ${table}.${column} end`;
}
function incomingOr(table: string, column: string): string {
  return `coalesce(excluded.${column}, ${table}.${column})`;
}

/** How each upsert merges a row into the one stored under its key. */
const DATASET_TIMES_MERGE = (() => {
  const laterWrite = `excluded.last_written_at is not null and (datasets.last_written_at is null or excluded.last_written_at > datasets.last_written_at)`;
  return {
    first_seen_at: minOf('datasets', 'first_seen_at'),
    last_seen_at: maxOf('datasets', 'last_seen_at'),
    last_written_at: `case when ${laterWrite} then excluded.last_written_at else datasets.last_written_at end`,
    last_written_by_run: `case when ${laterWrite} then excluded.last_written_by_run else datasets.last_written_by_run end`,
  };
})();
const LINEAGE_EDGE_MERGE = {
  first_seen_at: minOf('lineage_edges', 'first_seen_at'),
  last_seen_at: maxOf('lineage_edges', 'last_seen_at'),
};
const COLUMN_LINEAGE_MERGE = {
  transformations: incomingOr('column_lineage', 'transformations'),
  last_seen_at: maxOf('column_lineage', 'last_seen_at'),
};
const QUALITY_RESULT_MERGE = {
  success:
    'case when excluded.observed_at >= quality_results.observed_at then excluded.success else quality_results.success end',
  observed_at: maxOf('quality_results', 'observed_at'),
  partition_time: incomingOr('quality_results', 'partition_time'),
};
/** Same rule as mergeQualityMetrics in mergeWrites.ts. */
const QUALITY_METRICS_MERGE = (() => {
  const ifNewer = (column: string) =>
    `case when excluded.observed_at >= quality_metrics.observed_at then excluded.${column} else quality_metrics.${column} end`;
  return {
    partition_time: `case when excluded.observed_at >= quality_metrics.observed_at then coalesce(excluded.partition_time, quality_metrics.partition_time) else coalesce(quality_metrics.partition_time, excluded.partition_time) end`,
    observed_at: maxOf('quality_metrics', 'observed_at'),
    row_count: ifNewer('row_count'),
    bytes: ifNewer('bytes'),
    file_count: ifNewer('file_count'),
    column_metrics: ifNewer('column_metrics'),
  };
})();

/** A pipeline's latest run; rewritten only when it changed (a RUNNING event does not). */
const latestRunOf = (columns: string) =>
  `select ${columns} from runs r where r.pipeline_id = pipelines.id order by r.sort_time desc, r.id desc limit 1`;
const LATEST_RUN = latestRunOf('r.state, r.sort_time');
const LATEST_RUN_STATE = latestRunOf('r.state');

/** Same rule as runStateWins in mergeWrites.ts. */
const RUN_STATE_WINS = `(excluded.state_rank > runs.state_rank or (excluded.state_rank = runs.state_rank and excluded.state_rank >= 0 and (excluded.state_time > runs.state_time or (excluded.state_time = runs.state_time and excluded.state > runs.state))))`;
function ifRunStateWins(column: string): string {
  return `case when ${RUN_STATE_WINS} then excluded.${column} else runs.${column} end`;
}

/** The node-postgres client under a knex connection, as runAtomically uses it. */
interface PipelinableConnection {
  query(query: string | PostgresQuery): Promise<unknown>;
  /** Sends queries without waiting for the answers to the ones before. */
  pipeline?: boolean;
}

interface PipelineRow {
  id: string;
  source: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  owner: string | null;
  system: string | null;
  schedule: string | null;
  freshness_target: string | null;
  entity_ref: string | null;
  source_url: string | null;
  first_seen_at: DbTime;
  last_seen_at: DbTime;
  latest_run_state: string | null;
  latest_run_at: DbTime | null;
  parent_pipeline_id: string | null;
  source_owners: string | null;
  scheduler_url: string | null;
  monitored_target?: string | null;
  late_since?: DbTime | null;
  late_partitions?: number | null;
  late_oldest_partition?: DbTime | null;
  failure_streak?: number | null;
  provider_last_success_at?: DbTime | null;
  provider_failures?: number | null;
  provider_last_error?: string | null;
}

interface RunRow {
  id: string;
  pipeline_id: string;
  parent_run_id: string | null;
  partition_time: DbTime | null;
  partition_end_time: DbTime | null;
  state: string;
  source_state: string | null;
  attempt: number | null;
  queued_at: DbTime | null;
  started_at: DbTime | null;
  ended_at: DbTime | null;
  error_message: string | null;
  external_url: string | null;
  updated_at: DbTime;
  /** Selected by {@link selectRunsWithBackfill} only. */
  backfill_id?: string | null;
}

interface DatasetRow {
  id: string;
  namespace: string;
  name: string;
  platform: string | null;
  description: string | null;
  schema: string | null;
  source_owners: string | null;
  owner: string | null;
  entity_ref: string | null;
  first_seen_at: DbTime;
  last_seen_at: DbTime;
  last_written_at: DbTime | null;
  last_written_by_run: string | null;
}

function rowToPipeline(row: PipelineRow): Pipeline {
  return {
    id: row.id,
    source: row.source,
    namespace: row.namespace,
    name: row.name,
    title: row.title ?? undefined,
    description: row.description ?? undefined,
    owner: row.owner ?? undefined,
    system: row.system ?? undefined,
    schedule: row.schedule ?? undefined,
    freshnessTarget: row.monitored_target ?? row.freshness_target ?? undefined,
    entityRef: row.entity_ref ?? undefined,
    sourceUrl: row.source_url ?? undefined,
    firstSeenAt: toIsoTimestamp(row.first_seen_at),
    lastSeenAt: toIsoTimestamp(row.last_seen_at),
    latestRunState: isRunState(row.latest_run_state)
      ? row.latest_run_state
      : undefined,
    latestRunAt: optionalIso(row.latest_run_at),
    parentPipelineId: row.parent_pipeline_id ?? undefined,
    sourceOwners: parseJsonArray<string>(row.source_owners),
    schedulerUrl: row.scheduler_url ?? undefined,
    stale: row.provider_failures
      ? {
          since: optionalIso(row.provider_last_success_at),
          reason: row.provider_last_error ?? undefined,
        }
      : undefined,
    ...(row.late_since && row.late_oldest_partition
      ? {
          late: {
            since: toIsoTimestamp(row.late_since),
            partitionCount: row.late_partitions ?? 1,
            oldestPartition: toIsoTimestamp(row.late_oldest_partition),
          },
        }
      : {}),
    ...(row.failure_streak ? { failureStreak: row.failure_streak } : {}),
  };
}

/** Pipelines with the health of the provider that reports them. */
function selectPipelines(db: Knex) {
  return db('pipelines')
    .leftJoin(
      'provider_state',
      'provider_state.provider_id',
      'pipelines.source',
    )
    .select(
      'pipelines.*',
      'provider_state.last_success_at as provider_last_success_at',
      'provider_state.consecutive_failures as provider_failures',
      'provider_state.last_error as provider_last_error',
    );
}

function rowToRun(row: RunRow): Run {
  return {
    id: row.id,
    pipelineId: row.pipeline_id,
    parentRunId: row.parent_run_id ?? undefined,
    partition: optionalIso(row.partition_time),
    partitionEnd: optionalIso(row.partition_end_time),
    state: isRunState(row.state) ? row.state : 'unknown',
    sourceState: row.source_state ?? undefined,
    attempt: row.attempt ?? undefined,
    queuedAt: optionalIso(row.queued_at),
    startedAt: optionalIso(row.started_at),
    endedAt: optionalIso(row.ended_at),
    errorMessage: row.error_message ?? undefined,
    externalUrl: row.external_url ?? undefined,
    updatedAt: toIsoTimestamp(row.updated_at),
    ...(row.backfill_id ? { backfillId: row.backfill_id } : {}),
  };
}

/** Run columns plus the backfill that started the run, if any. */
function selectRunsWithBackfill(db: Knex, query: Knex.QueryBuilder) {
  return query.select(
    'runs.*',
    db.raw(
      '(select bp.backfill_id from backfill_partitions bp where bp.run_id = runs.id order by bp.backfill_id limit 1) as backfill_id',
    ),
  );
}

function rowToDataset(row: DatasetRow): Dataset {
  return {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    platform: row.platform ?? undefined,
    description: row.description ?? undefined,
    schema: parseJsonArray<DatasetField>(row.schema),
    owner: row.owner ?? undefined,
    sourceOwners: parseJsonArray<string>(row.source_owners),
    entityRef: row.entity_ref ?? undefined,
    firstSeenAt: toIsoTimestamp(row.first_seen_at),
    lastSeenAt: toIsoTimestamp(row.last_seen_at),
    lastWrittenAt: optionalIso(row.last_written_at),
    lastWrittenByRun: row.last_written_by_run ?? undefined,
  };
}

const PIPELINE_SUMMARY_COLUMNS = [
  'id',
  'name',
  'title',
  'owner',
  'latest_run_state',
  'latest_run_at',
  'late_since',
];

function rowToPipelineSummary(
  row: Pick<
    PipelineRow,
    | 'id'
    | 'name'
    | 'title'
    | 'owner'
    | 'latest_run_state'
    | 'latest_run_at'
    | 'late_since'
  >,
): PipelineSummary {
  return {
    ...(row.late_since ? { lateSince: toIsoTimestamp(row.late_since) } : {}),
    id: row.id,
    name: row.name,
    title: row.title ?? undefined,
    owner: row.owner ?? undefined,
    latestRunState: isRunState(row.latest_run_state)
      ? row.latest_run_state
      : undefined,
    latestRunAt: optionalIso(row.latest_run_at),
  };
}

function toNodeSummaries(
  pipelineRows: Parameters<typeof rowToPipelineSummary>[0][],
  datasetRows: Array<{ id: string; name: string; owner: string | null }>,
): NodeSummaries {
  const pipelines = new Map<string, PipelineSummary>();
  for (const row of pipelineRows) {
    pipelines.set(row.id, rowToPipelineSummary(row));
  }
  const datasets: NodeSummaries['datasets'] = new Map();
  for (const row of datasetRows) {
    datasets.set(row.id, {
      id: row.id,
      name: row.name,
      owner: row.owner ?? undefined,
    });
  }
  return { pipelines, datasets };
}

export class DatabasePipelinesStore implements PipelinesStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabasePipelinesStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await DatabasePipelinesStore.migrateLatest(client);
    }
    return new DatabasePipelinesStore(client);
  }

  static async migrateLatest(client: Knex): Promise<void> {
    await client.migrate.latest({ directory: migrationsDir });
  }

  static async migrateDownAll(client: Knex): Promise<void> {
    await client.migrate.rollback({ directory: migrationsDir }, true);
  }

  private readonly unchanged = new UnchangedRowsFilter();
  private readonly touches = new DeferredTouches();
  /** Shared by deferring commits, exclusive to each flush step. */
  private readonly touchLock = new SharedExclusiveLock();
  private flushing?: Promise<number>;
  /** This process, in the checkpoint of its deferred touches. */
  private readonly replicaId = randomUUID();
  private aliases = new Map<string, string>();
  private readonly columnTypes = new Map<string, Map<string, ColumnType>>();
  private aliasesLoadedAt = 0;

  private constructor(private readonly db: Knex) {}

  /**
   * Two on PostgreSQL, measured best on 2 cores: one commit is prepared
   * while another runs. SQLite writes one transaction at a time, in this
   * thread: a second in flight only waits.
   */
  get concurrentCommits(): number {
    return this.isPostgres ? 2 : 1;
  }

  async upsertPipelines(pipelines: PipelineUpsert[]): Promise<void> {
    await this.applyWrites({ ...emptyStoreWrites(), pipelines });
  }

  async applyWrites(
    unmerged: StoreWrites,
    options: ApplyWritesOptions = {},
  ): Promise<void> {
    if (options.deferTouches) {
      await this.touchLock.withShared(() => this.writeAll(unmerged, true));
    } else {
      await this.writeAll(unmerged, false);
    }
  }

  flushDeferredTouches(): Promise<number> {
    // One flush at a time; a caller during a flush waits for that one.
    this.flushing ??= this.flushTouches().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  get deferredTouchCount(): number {
    return this.touches.size;
  }

  /**
   * Writes what is held in parts, each its own short transaction, so that
   * commits go on in between. The checkpoint keeps the oldest receipt until
   * the last part is in, and then moves on to what arrived meanwhile.
   */
  private async flushTouches(): Promise<number> {
    // Nothing held: the timer's call must not queue behind commits.
    if (this.touches.size === 0) {
      return 0;
    }
    const taken = await this.touchLock.withExclusive(async () =>
      this.touches.take(),
    );
    if (!taken) {
      return 0;
    }
    // A dataset may have become an alias since its touch was held.
    await this.resolveDatasetAliases(taken.writes);
    // Each step its own transaction; latest runs last: they read the runs,
    // which the touches do not change.
    const steps = [
      ...splitTouchWrites(taken.writes, FLUSH_PART_ROWS).map(part => ({
        statements: (now: Date) => {
          const writes = { ...emptyStoreWrites(), ...part };
          return [
            ...this.pipelineStatements(writes.pipelines, now, 'touch'),
            ...this.datasetStatements(writes, now, 'touch'),
            ...this.edgeStatements(writes, now),
            ...this.columnLineageStatements(writes),
          ];
        },
        holdAgain: () => this.touches.add(part, taken.since),
      })),
      ...chunks(taken.latestRunPipelineIds, FLUSH_PART_ROWS).map(ids => ({
        statements: (now: Date) => this.latestRunStatements(ids, now),
        holdAgain: () => this.touches.add(emptyTouchWrites(), taken.since, ids),
      })),
    ];
    for (const [index, step] of steps.entries()) {
      try {
        await this.touchLock.withExclusive(() =>
          this.runAtomically(step.statements(new Date())),
        );
      } catch (error) {
        // Held again, to be flushed next time; the checkpoint still covers it.
        await this.touchLock.withExclusive(async () => {
          steps.slice(index).forEach(rest => rest.holdAgain());
        });
        throw error;
      }
    }
    await this.touchLock.withExclusive(async () => {
      const pendingSince = this.touches.pendingSince;
      const checkpoint = this.db('ingest_checkpoints').where({
        replica_id: this.replicaId,
      });
      await (pendingSince
        ? checkpoint.update({ pending_since: pendingSince })
        : checkpoint.delete());
    });
    return taken.count;
  }

  /**
   * PostgreSQL's type of each column of the upserts' tables, read once per
   * table: the casts of their array parameters.
   */
  private async loadColumnTypes(
    statements: Statement[],
  ): Promise<Map<string, Map<string, ColumnType>>> {
    for (const statement of statements) {
      if (
        statement instanceof UpsertStatement &&
        !this.columnTypes.has(statement.table)
      ) {
        const rows: Array<{ attname: string; type: string; oid: number }> =
          await this.db('pg_attribute')
            .select(
              'attname',
              this.db.raw('format_type(atttypid, atttypmod) as type'),
              'atttypid as oid',
            )
            .whereRaw('attrelid = to_regclass(?)', [statement.table])
            .andWhere('attnum', '>', 0)
            .andWhere('attisdropped', false);
        this.columnTypes.set(
          statement.table,
          new Map(
            rows.map(row => [row.attname, { name: row.type, oid: row.oid }]),
          ),
        );
      }
    }
    return this.columnTypes;
  }

  /**
   * Runs the statements as one transaction. On PostgreSQL, upserts go with
   * array parameters (see UpsertStatement) and the other statements between
   * them as simple-protocol queries, each with every value inlined: one
   * round trip per commit, and no statement text for the server to parse
   * per row.
   */
  private async runAtomically(statements: Statement[]): Promise<void> {
    if (statements.length === 0) {
      return;
    }
    if (this.isPostgres) {
      const columnTypes = await this.loadColumnTypes(statements);
      const queries: Array<string | PostgresQuery> = [];
      let inline: string[] = ['begin'];
      for (const statement of statements) {
        const arrayQuery =
          statement instanceof UpsertStatement
            ? statement.toPostgresArrayQuery(column =>
                columnTypes.get(statement.table)?.get(column),
              )
            : undefined;
        if (arrayQuery) {
          if (inline.length > 0) {
            queries.push(inline.join(';\n'));
          }
          queries.push(arrayQuery);
          inline = [];
        } else {
          // Sent to the driver as is: knex would read a `?` inside a value
          // as a binding.
          inline.push(
            statement instanceof UpsertStatement
              ? statement.toPostgresSql()
              : inlinePostgresSql(statement),
          );
        }
      }
      inline.push('commit');
      queries.push(inline.join(';\n'));
      const connection: PipelinableConnection =
        await this.db.client.acquireConnection();
      // All of the commit's queries go out at once in node-postgres'
      // pipeline mode (8.23+): one round trip, not one per query, each of
      // which waited for this thread to be free. After a failed query the
      // rest fail, and the transaction is rolled back.
      const pipelined = 'pipeline' in connection;
      const wasPipelined = connection.pipeline;
      try {
        let failure: { reason: unknown } | undefined;
        if (pipelined) {
          connection.pipeline = true;
          const results = await Promise.allSettled(
            queries.map(query => connection.query(query)),
          );
          failure = results.find(
            (result): result is PromiseRejectedResult =>
              result.status === 'rejected',
          );
        } else {
          try {
            for (const query of queries) {
              await connection.query(query);
            }
          } catch (reason) {
            failure = { reason };
          }
        }
        if (failure) {
          // The connection goes back to the pool: not inside a failed transaction.
          await connection.query('rollback').catch(() => undefined);
          throw failure.reason;
        }
      } finally {
        if (pipelined) connection.pipeline = wasPipelined;
        await this.db.client.releaseConnection(connection);
      }
      return;
    }
    await this.db.transaction(async tx => {
      for (const statement of statements) {
        const query =
          statement instanceof UpsertStatement
            ? statement.toKnex(this.db)
            : statement;
        await query.transacting(tx);
      }
    });
  }

  private filterUnchanged(writes: StoreWrites, splitTouches: boolean) {
    const time = (date: Date | undefined) => date?.getTime() ?? 0;
    const filtered = [
      this.unchanged.filter(
        'pipelines',
        writes.pipelines,
        p => {
          const { seenAt, firstSeenAt, ...content } = p;
          return {
            key: p.id,
            content: JSON.stringify(content),
            firstSeen: time(firstSeenAt ?? seenAt),
            lastSeen: time(seenAt),
          };
        },
        splitTouches,
      ),
      this.unchanged.filter(
        'datasets',
        writes.datasets,
        d => {
          const { seenAt, firstSeenAt, writtenAt, writtenByRun, ...content } =
            d;
          return {
            key: d.id,
            content: JSON.stringify(content),
            firstSeen: time(firstSeenAt ?? seenAt),
            lastSeen: time(seenAt),
            written: writtenAt?.getTime(),
          };
        },
        splitTouches,
      ),
      this.unchanged.filter(
        'lineage_edges',
        writes.lineageEdges,
        e => ({
          key: rowKeys.lineageEdge(e),
          content: '',
          firstSeen: time(e.firstSeenAt ?? e.seenAt),
          lastSeen: time(e.seenAt),
        }),
        splitTouches,
      ),
      this.unchanged.filter(
        'pipeline_edges',
        writes.pipelineEdges,
        e => ({
          key: rowKeys.pipelineEdge(e),
          content: '',
          firstSeen: time(e.firstSeenAt ?? e.seenAt),
          lastSeen: time(e.seenAt),
        }),
        splitTouches,
      ),
      this.unchanged.filter(
        'column_lineage',
        writes.columnLineage,
        c => ({
          key: rowKeys.columnLineage(c),
          content: JSON.stringify(c.transformations ?? null),
          firstSeen: time(c.seenAt),
          lastSeen: time(c.seenAt),
        }),
        splitTouches,
      ),
    ] as const;
    const [pipelines, datasets, lineageEdges, pipelineEdges, columnLineage] =
      filtered;
    return {
      toWrite: {
        ...writes,
        pipelines: pipelines.rows,
        datasets: datasets.rows,
        lineageEdges: lineageEdges.rows,
        pipelineEdges: pipelineEdges.rows,
        columnLineage: columnLineage.rows,
      },
      touches: {
        pipelines: pipelines.touches,
        datasets: datasets.touches,
        lineageEdges: lineageEdges.touches,
        pipelineEdges: pipelineEdges.touches,
        columnLineage: columnLineage.touches,
      },
      touchCount: filtered.reduce((sum, f) => sum + f.touches.length, 0),
      committed: () => filtered.forEach(f => f.committed()),
    };
  }

  private async writeAll(unmerged: StoreWrites, deferTouches: boolean) {
    const writes = mergeStoreWrites(unmerged);
    // An id this replica did not know as an alias may hold rows from before.
    const newAliasIds = writes.datasetAliases
      .filter(
        alias =>
          alias.aliasId !== alias.datasetId && !this.aliases.has(alias.aliasId),
      )
      .map(alias => alias.aliasId);
    await this.resolveDatasetAliases(writes);
    const now = new Date();
    const { toWrite, touches, touchCount, committed } = this.filterUnchanged(
      writes,
      deferTouches,
    );
    const latestRunPipelineIds = [
      ...new Set(toWrite.runs.map(run => run.pipelineId)),
    ];
    const deferredCount =
      touchCount + (deferTouches ? latestRunPipelineIds.length : 0);
    // Touches are derived from raw events committed here: the checkpoint says
    // from which on they must be replayed if this replica dies before a flush.
    const receivedSince = writes.rawEvents.reduce<Date>(
      (oldest, e) => (e.receivedAt < oldest ? e.receivedAt : oldest),
      now,
    );
    const pendingSince = this.touches.pendingSince;
    const checkpoint =
      deferredCount > 0 && (!pendingSince || receivedSince < pendingSince)
        ? receivedSince
        : undefined;

    await this.runAtomically([
      ...this.rawEventStatements(toWrite, now),
      ...this.pipelineStatements(toWrite.pipelines, now),
      ...this.aliasStatements(toWrite),
      ...this.runStatements(toWrite, now),
      ...this.datasetStatements(toWrite, now),
      ...this.edgeStatements(toWrite, now),
      ...this.columnLineageStatements(toWrite),
      ...this.qualityResultStatements(toWrite),
      ...this.qualityMetricsStatements(toWrite),
      ...(deferTouches
        ? []
        : this.latestRunStatements(latestRunPipelineIds, now)),
      ...(checkpoint
        ? [
            this.db('ingest_checkpoints')
              .insert({ replica_id: this.replicaId, pending_since: checkpoint })
              .onConflict('replica_id')
              .merge({
                pending_since: this.db.raw(
                  minOf('ingest_checkpoints', 'pending_since'),
                ),
              }),
          ]
        : []),
    ]);
    committed();
    for (const alias of writes.datasetAliases) {
      this.aliases.set(alias.aliasId, alias.datasetId);
    }
    if (newAliasIds.length > 0) {
      // Only these: the periodic merge sees to all of them. Not part of the
      // commit: a failure here leaves the rows for that merge, which logs.
      await this.mergeAliasedDatasets(newAliasIds).catch(() => 0);
    }
    if (deferredCount > 0) {
      this.touches.add(
        touches,
        receivedSince,
        deferTouches ? latestRunPipelineIds : [],
      );
      if (this.touches.size > MAX_DEFERRED_TOUCHES) {
        // Not awaited: the flush takes turns with this commit's caller. A
        // failure leaves the touches held for the next flush, which logs it.
        this.flushDeferredTouches().catch(() => undefined);
      }
    }
  }

  async listStaleTouchCheckpoints(
    pendingBefore: Date,
  ): Promise<TouchCheckpoint[]> {
    const rows: Array<{ replica_id: string; pending_since: DbTime }> =
      await this.db('ingest_checkpoints')
        .where('pending_since', '<', pendingBefore)
        .whereNot('replica_id', this.replicaId)
        .select('replica_id', 'pending_since');
    return rows.map(row => ({
      replicaId: row.replica_id,
      pendingSince: toDate(row.pending_since),
    }));
  }

  async clearTouchCheckpoint(checkpoint: TouchCheckpoint): Promise<boolean> {
    const deleted = await this.db('ingest_checkpoints')
      .where({
        replica_id: checkpoint.replicaId,
        pending_since: checkpoint.pendingSince,
      })
      .delete();
    return deleted > 0;
  }

  async listRawEventsReceivedSince(options: {
    since: Date;
    after?: { receivedAt: Date; id: string };
    limit: number;
  }): Promise<StoredRawEvent[]> {
    const query = this.db('events')
      .select('id', 'received_at', 'payload')
      .orderBy([
        { column: 'received_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(options.limit);
    const { after } = options;
    if (after) {
      query.where(builder =>
        builder
          .where('received_at', '>', after.receivedAt)
          .orWhere(inner =>
            inner
              .where('received_at', '=', after.receivedAt)
              .andWhere('id', '>', after.id),
          ),
      );
    } else {
      query.where('received_at', '>=', options.since);
    }
    const rows: Array<{ id: string; received_at: DbTime; payload: string }> =
      await query;
    return rows.map(row => ({
      id: row.id,
      receivedAt: toDate(row.received_at),
      payload: row.payload,
    }));
  }

  private rawEventStatements(writes: StoreWrites, now: Date): Statement[] {
    return upsertStatements('events', writes.rawEvents, {
      conflict: ['id'],
      toRow: e => ({
        id: e.id,
        event_type: e.eventType ?? null,
        event_time: e.eventTime,
        run_id: e.runId ?? null,
        job: e.job ?? null,
        received_at: e.receivedAt ?? now,
        payload: e.payload,
      }),
      merge: 'ignore',
    });
  }

  private pipelineStatements(
    pipelines: PipelineUpsert[],
    now: Date,
    kind: WriteKind = 'content',
  ): Statement[] {
    const latestWins = `excluded.latest_run_at is not null and (pipelines.latest_run_at is null or excluded.latest_run_at >= pipelines.latest_run_at)`;
    const seenTimes = {
      // A late report never moves first-seen forward or last-seen back.
      first_seen_at: minOf('pipelines', 'first_seen_at'),
      last_seen_at: maxOf('pipelines', 'last_seen_at'),
    };
    return upsertStatements('pipelines', pipelines, {
      conflict: ['id'],
      toRow: p => ({
        id: p.id,
        source: p.source,
        namespace: p.namespace,
        name: p.name,
        title: p.title ?? null,
        description: p.description ?? null,
        owner: p.owner ?? null,
        system: p.system ?? null,
        schedule: p.schedule ?? null,
        freshness_target: p.freshnessTarget ?? null,
        entity_ref: p.entityRef ?? null,
        source_url: p.sourceUrl ?? null,
        first_seen_at: p.firstSeenAt ?? p.seenAt,
        last_seen_at: p.seenAt,
        latest_run_state: p.latestRunState ?? null,
        latest_run_at: p.latestRunAt ?? null,
        parent_pipeline_id: p.parentPipelineId ?? null,
        source_owners: p.sourceOwners ? JSON.stringify(p.sourceOwners) : null,
        job_type: p.jobType ?? null,
        scheduler_url: p.schedulerUrl ?? null,
        updated_at: now,
      }),
      merge:
        kind === 'touch'
          ? seenTimes
          : {
              source: 'excluded.source',
              namespace: 'excluded.namespace',
              name: 'excluded.name',
              ...Object.fromEntries(
                [
                  'title',
                  'description',
                  'owner',
                  'system',
                  'schedule',
                  'freshness_target',
                  'entity_ref',
                  'source_url',
                  'parent_pipeline_id',
                  'source_owners',
                  'job_type',
                  'scheduler_url',
                ].map(column => [column, incomingOr('pipelines', column)]),
              ),
              ...seenTimes,
              latest_run_state: `case when ${latestWins} then excluded.latest_run_state else pipelines.latest_run_state end`,
              latest_run_at: `case when ${latestWins} then excluded.latest_run_at else pipelines.latest_run_at end`,
              updated_at: 'excluded.updated_at',
            },
    });
  }

  private aliasStatements(writes: StoreWrites): Statement[] {
    return chunks(writes.datasetAliases, CHUNK_SIZE).map(
      chunk =>
        new UpsertStatement(
          'dataset_aliases',
          chunk.map(a => ({ alias_id: a.aliasId, dataset_id: a.datasetId })),
          ['alias_id'],
          'ignore',
        ),
    );
  }

  /**
   * Rewrites every dataset id to its canonical one. Aliases are few and change
   * rarely: this replica reads them all at most every ALIAS_REFRESH_MS, and
   * knows its own at once.
   */
  private async resolveDatasetAliases(writes: StoreWrites) {
    if (Date.now() - this.aliasesLoadedAt > ALIAS_REFRESH_MS) {
      const rows: Array<{ alias_id: string; dataset_id: string }> =
        await this.db('dataset_aliases').select('alias_id', 'dataset_id');
      this.aliases = new Map(rows.map(row => [row.alias_id, row.dataset_id]));
      this.aliasesLoadedAt = Date.now();
    }
    for (const alias of writes.datasetAliases) {
      this.aliases.set(alias.aliasId, alias.datasetId);
    }
    if (this.aliases.size === 0) {
      return;
    }
    const resolve = (id: string) => {
      const canonical = this.aliases.get(id);
      return canonical && canonical !== id ? canonical : id;
    };
    const rewritten = mergeStoreWrites({
      ...writes,
      datasets: writes.datasets.map(d => ({ ...d, id: resolve(d.id) })),
      lineageEdges: writes.lineageEdges.map(e => ({
        ...e,
        datasetId: resolve(e.datasetId),
      })),
      columnLineage: writes.columnLineage.map(c => ({
        ...c,
        datasetId: resolve(c.datasetId),
        inputDatasetId: resolve(c.inputDatasetId),
      })),
      qualityResults: writes.qualityResults.map(q => ({
        ...q,
        datasetId: resolve(q.datasetId),
      })),
      qualityMetrics: writes.qualityMetrics.map(m => ({
        ...m,
        datasetId: resolve(m.datasetId),
      })),
    });
    writes.datasets = rewritten.datasets;
    writes.lineageEdges = rewritten.lineageEdges;
    writes.columnLineage = rewritten.columnLineage;
    writes.qualityResults = rewritten.qualityResults;
    writes.qualityMetrics = rewritten.qualityMetrics;
  }

  private runStatements(writes: StoreWrites, now: Date): Statement[] {
    return upsertStatements('runs', writes.runs, {
      conflict: ['id'],
      toRow: r => ({
        id: r.id,
        pipeline_id: r.pipelineId,
        parent_run_id: r.parentRunId ?? null,
        partition_time: r.partitionTime ?? null,
        partition_end_time: r.partitionEndTime ?? null,
        state: r.state,
        source_state: r.sourceState ?? null,
        state_rank: r.stateRank,
        state_time: r.stateTime ?? null,
        attempt: r.attempt ?? null,
        queued_at: r.queuedAt ?? null,
        started_at: r.startedAt ?? null,
        ended_at: r.endedAt ?? null,
        first_event_time: r.firstEventTime,
        sort_time: r.partitionTime ?? r.firstEventTime,
        error_message: r.errorMessage ?? null,
        external_url: r.externalUrl ?? null,
        updated_at: now,
      }),
      merge: {
        parent_run_id: 'coalesce(runs.parent_run_id, excluded.parent_run_id)',
        partition_time: minOf('runs', 'partition_time'),
        partition_end_time: maxOf('runs', 'partition_end_time'),
        state: ifRunStateWins('state'),
        source_state: ifRunStateWins('source_state'),
        state_rank: ifRunStateWins('state_rank'),
        state_time: ifRunStateWins('state_time'),
        ended_at: ifRunStateWins('ended_at'),
        // A run that went on to succeed (a retry) no longer shows the old error.
        error_message: `case when ${RUN_STATE_WINS} then (case when excluded.state in ('succeeded', 'running', 'queued', 'skipped') then excluded.error_message else coalesce(excluded.error_message, runs.error_message) end) else coalesce(runs.error_message, excluded.error_message) end`,
        attempt: maxOf('runs', 'attempt'),
        queued_at: minOf('runs', 'queued_at'),
        started_at: minOf('runs', 'started_at'),
        first_event_time: minOf('runs', 'first_event_time'),
        sort_time: `coalesce(${minOf('runs', 'partition_time')}, ${minOf(
          'runs',
          'first_event_time',
        )})`,
        external_url: incomingOr('runs', 'external_url'),
        updated_at: 'excluded.updated_at',
      },
    });
  }

  private datasetStatements(
    writes: StoreWrites,
    now: Date,
    kind: WriteKind = 'content',
  ): Statement[] {
    return upsertStatements('datasets', writes.datasets, {
      conflict: ['id'],
      toRow: d => ({
        id: d.id,
        namespace: d.namespace,
        name: d.name,
        platform: d.platform ?? null,
        description: d.description ?? null,
        schema: d.schema ? JSON.stringify(d.schema) : null,
        source_owners: d.sourceOwners ? JSON.stringify(d.sourceOwners) : null,
        first_seen_at: d.firstSeenAt ?? d.seenAt,
        last_seen_at: d.seenAt,
        last_written_at: d.writtenAt ?? null,
        last_written_by_run: d.writtenByRun ?? null,
        updated_at: now,
      }),
      merge:
        kind === 'touch'
          ? DATASET_TIMES_MERGE
          : {
              platform: incomingOr('datasets', 'platform'),
              description: incomingOr('datasets', 'description'),
              schema: incomingOr('datasets', 'schema'),
              source_owners: incomingOr('datasets', 'source_owners'),
              ...DATASET_TIMES_MERGE,
              updated_at: 'excluded.updated_at',
            },
    });
  }

  private edgeStatements(writes: StoreWrites, now: Date): Statement[] {
    const lineageEdges = upsertStatements(
      'lineage_edges',
      writes.lineageEdges,
      {
        conflict: ['pipeline_id', 'dataset_id', 'direction'],
        toRow: e => ({
          pipeline_id: e.pipelineId,
          dataset_id: e.datasetId,
          direction: e.direction,
          first_seen_at: e.firstSeenAt ?? e.seenAt,
          last_seen_at: e.seenAt,
          created_at: now,
        }),
        merge: LINEAGE_EDGE_MERGE,
      },
    );
    const pipelineEdges = upsertStatements(
      'pipeline_edges',
      writes.pipelineEdges,
      {
        conflict: ['upstream_id', 'downstream_id'],
        toRow: e => ({
          upstream_id: e.upstreamId,
          downstream_id: e.downstreamId,
          first_seen_at: e.firstSeenAt ?? e.seenAt,
          last_seen_at: e.seenAt,
          created_at: now,
        }),
        merge: {
          first_seen_at: minOf('pipeline_edges', 'first_seen_at'),
          last_seen_at: maxOf('pipeline_edges', 'last_seen_at'),
        },
      },
    );
    return [...lineageEdges, ...pipelineEdges];
  }

  private columnLineageStatements(writes: StoreWrites): Statement[] {
    return upsertStatements('column_lineage', writes.columnLineage, {
      conflict: ['dataset_id', 'field', 'input_dataset_id', 'input_field'],
      toRow: c => ({
        dataset_id: c.datasetId,
        field: c.field,
        input_dataset_id: c.inputDatasetId,
        input_field: c.inputField,
        transformations: c.transformations
          ? JSON.stringify(c.transformations)
          : null,
        last_seen_at: c.seenAt,
      }),
      merge: COLUMN_LINEAGE_MERGE,
    });
  }

  private qualityResultStatements(writes: StoreWrites): Statement[] {
    return upsertStatements('quality_results', writes.qualityResults, {
      conflict: ['run_id', 'dataset_id', 'assertion', 'column_name'],
      toRow: q => ({
        run_id: q.runId,
        dataset_id: q.datasetId,
        assertion: q.assertion,
        column_name: q.column ?? '',
        success: q.success,
        partition_time: q.partitionTime ?? null,
        observed_at: q.observedAt,
      }),
      merge: QUALITY_RESULT_MERGE,
    });
  }

  private qualityMetricsStatements(writes: StoreWrites): Statement[] {
    return upsertStatements('quality_metrics', writes.qualityMetrics, {
      conflict: ['run_id', 'dataset_id'],
      toRow: m => ({
        run_id: m.runId,
        dataset_id: m.datasetId,
        partition_time: m.partitionTime ?? null,
        observed_at: m.observedAt,
        row_count: m.rowCount ?? null,
        bytes: m.bytes ?? null,
        file_count: m.fileCount ?? null,
        column_metrics: m.columns ? JSON.stringify(m.columns) : null,
      }),
      merge: QUALITY_METRICS_MERGE,
    });
  }

  /** Denormalizes each touched pipeline's latest run for fast lists. */
  private latestRunStatements(pipelineIds: string[], now: Date): Statement[] {
    // `updated_at` (indexed) moves only with the latest state, which the
    // lineage summaries read: a later run in the same state, the usual
    // refresh, then rewrites no index and PostgreSQL updates in place (HOT).
    if (this.isPostgres) {
      // One index probe per pipeline for its latest run, joined laterally,
      // rather than three correlated subqueries.
      return chunks(pipelineIds, IN_LIST_SIZE).map(chunk =>
        this.db.raw(
          `update pipelines set latest_run_state = latest.state, latest_run_at = latest.sort_time, updated_at = case when pipelines.latest_run_state is distinct from latest.state then ? else pipelines.updated_at end from (values ${chunk
            .map(() => '(?)')
            .join(
              ', ',
            )}) as ids(id) cross join lateral (select r.state, r.sort_time from runs r where r.pipeline_id = ids.id order by r.sort_time desc, r.id desc limit 1) latest where pipelines.id = ids.id and (pipelines.latest_run_state is distinct from latest.state or pipelines.latest_run_at is distinct from latest.sort_time)`,
          [now, ...chunk],
        ),
      );
    }
    // One row-value subquery per pipeline (SQLite ≥ 3.15).
    return chunks(pipelineIds, IN_LIST_SIZE).map(chunk =>
      this.db.raw(
        `update pipelines set (latest_run_state, latest_run_at) = (${LATEST_RUN}), updated_at = case when pipelines.latest_run_state is not (${LATEST_RUN_STATE}) then ? else pipelines.updated_at end where id in (${chunk
          .map(() => '?')
          .join(
            ', ',
          )}) and not exists (select 1 from (${LATEST_RUN}) latest where latest.state = pipelines.latest_run_state and latest.sort_time = pipelines.latest_run_at)`,
        [now, ...chunk],
      ),
    );
  }

  /**
   * Refreshes the latest run of these pipelines (all when not given) now if
   * a deferred refresh is held for them, so that this replica answers what it
   * acknowledged. They stay held: the next flush finds them current.
   */
  private async refreshHeldLatestRuns(pipelineIds?: string[]): Promise<void> {
    if (!this.touches.holdsLatestRuns) {
      return;
    }
    await this.touchLock.withExclusive(async () => {
      const held = this.touches.pendingLatestRuns(pipelineIds).sort();
      const now = new Date();
      for (const part of chunks(held, FLUSH_PART_ROWS)) {
        await this.runAtomically(this.latestRunStatements(part, now));
      }
    });
  }

  async getPipeline(id: string): Promise<Pipeline | undefined> {
    await this.refreshHeldLatestRuns([id]);
    const row = await selectPipelines(this.db)
      .where('pipelines.id', id)
      .first();
    return row ? rowToPipeline(row) : undefined;
  }

  async listPipelines(options: ListPipelinesOptions): Promise<PipelinesPage> {
    await this.refreshHeldLatestRuns();
    const filter = (query: Knex.QueryBuilder) => {
      if (options.search) {
        const pattern = `%${escapeLike(options.search.toLowerCase())}%`;
        query.where(inner =>
          inner
            .whereRaw(`lower(pipelines.id) like ? escape '\\'`, [pattern])
            .orWhereRaw(`lower(pipelines.name) like ? escape '\\'`, [pattern])
            .orWhereRaw(
              `lower(coalesce(pipelines.title, '')) like ? escape '\\'`,
              [pattern],
            ),
        );
      }
      if (options.owners?.length) {
        query.whereIn('pipelines.owner', options.owners);
      }
      if (options.source) {
        query.where('pipelines.source', options.source);
      }
      if (options.state) {
        query.where('pipelines.latest_run_state', options.state);
      }
      if (options.late) {
        query.whereNotNull('pipelines.late_since');
      }
    };

    const [rows, [{ count }]] = await Promise.all([
      selectPipelines(this.db)
        .modify(filter)
        .orderBy('pipelines.id', 'asc')
        .offset(options.offset)
        .limit(options.limit),
      this.db('pipelines').modify(filter).count({ count: '*' }),
    ]);
    const items = (rows as PipelineRow[]).map(rowToPipeline);
    if (options.recentRuns && items.length > 0) {
      const recent = await this.listRecentRuns(
        items.map(item => item.id),
        options.recentRuns,
      );
      for (const item of items) {
        item.recentRuns = recent.get(item.id) ?? [];
      }
    }
    return { items, totalCount: Number(count) };
  }

  /**
   * The latest attempt of each of the latest `count` partitions of each
   * pipeline, newest first, in one query. A retry is another run of the same
   * partition; a run without a partition stands on its own.
   */
  private async listRecentRuns(
    pipelineIds: string[],
    count: number,
  ): Promise<Map<string, RecentRun[]>> {
    const columns =
      'runs.id, runs.pipeline_id, runs.partition_time, runs.state, runs.attempt, runs.started_at, runs.ended_at, runs.sort_time';
    // A partition's runs share its sort time, so the latest `count`
    // partitions start at or after the `count`-th latest distinct sort time:
    // found from the (pipeline_id, sort_time) index, without reading every
    // run of a pipeline with years of them (with fewer partitions than
    // asked for, from its oldest run). Of a partition's runs, the attempt
    // that ran last, as the pipeline tab's run grid picks it.
    const rows = await rawRows(
      this.db,
      `with bounds as (
         select p.id as pipeline_id,
           coalesce(
             (select r.sort_time from runs r where r.pipeline_id = p.id
               group by r.sort_time order by r.sort_time desc limit 1 offset ?),
             (select min(r.sort_time) from runs r where r.pipeline_id = p.id)
           ) as since
         from pipelines p where ${this.idInList('p.id')}
       ),
       attempts as (
         select ${columns},
           row_number() over (
             partition by runs.pipeline_id, runs.partition_time,
               case when runs.partition_time is null then runs.id end
             order by coalesce(runs.attempt, 0) desc,
               coalesce(runs.started_at, runs.updated_at) desc, runs.id desc
           ) as attempt_rank
         from runs join bounds on bounds.pipeline_id = runs.pipeline_id
         where runs.sort_time >= bounds.since
       ),
       ranked as (
         select attempts.*,
           row_number() over (
             partition by pipeline_id order by sort_time desc, id desc
           ) as position
         from attempts where attempt_rank = 1
       )
       select * from ranked where position <= ? order by pipeline_id, position`,
      [count - 1, this.idListParameter(pipelineIds), count],
    );
    const byPipeline = new Map<string, RecentRun[]>();
    for (const row of rows) {
      const list = byPipeline.get(row.pipeline_id) ?? [];
      list.push({
        id: row.id,
        partition: optionalIso(row.partition_time),
        state: isRunState(row.state) ? row.state : 'unknown',
        attempt: row.attempt ?? undefined,
        startedAt: optionalIso(row.started_at),
        endedAt: optionalIso(row.ended_at),
      });
      byPipeline.set(row.pipeline_id, list);
    }
    return byPipeline;
  }

  async listSources(): Promise<Array<{ source: string; count: number }>> {
    const rows = (await this.db('pipelines')
      .select('source')
      .count({ count: '*' })
      .groupBy('source')
      .orderBy('source')) as Array<{ source: string; count: string | number }>;
    return rows.map(row => ({
      source: String(row.source),
      count: Number(row.count),
    }));
  }

  async listRuns(options: ListRunsOptions): Promise<Page<Run>> {
    const filtered = this.db<RunRow>('runs')
      .where('pipeline_id', options.pipelineId)
      .modify(query => {
        if (options.from) query.where('sort_time', '>=', options.from);
        if (options.to) query.where('sort_time', '<', options.to);
        if (options.state) query.where('state', options.state);
      });
    // Counting a pipeline's whole history costs as much as its size: count up
    // to a cap, and say when there are more.
    const [rows, [{ count }]] = await Promise.all([
      selectRunsWithBackfill(this.db, filtered.clone())
        .orderBy([
          { column: 'sort_time', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .offset(options.offset)
        .limit(options.limit),
      this.db
        .from(
          filtered
            .clone()
            .select(this.db.raw('1 as one'))
            .limit(RUN_COUNT_CAP + 1)
            .as('capped'),
        )
        .count({ count: '*' }),
    ]);
    const total = Number(count);
    return {
      items: (rows as RunRow[]).map(rowToRun),
      totalCount: Math.min(total, RUN_COUNT_CAP),
      ...(total > RUN_COUNT_CAP ? { totalCountCapped: true } : {}),
    };
  }

  async getRun(id: string): Promise<Run | undefined> {
    const row = await selectRunsWithBackfill(
      this.db,
      this.db('runs').where({ id }),
    ).first();
    return row ? rowToRun(row as RunRow) : undefined;
  }

  async listDatasets(options: ListDatasetsOptions): Promise<Page<Dataset>> {
    const filtered = this.db<DatasetRow>('datasets').modify(query => {
      if (options.search) {
        const pattern = `%${escapeLike(options.search.toLowerCase())}%`;
        query.whereRaw(`lower(id) like ? escape '\\'`, [pattern]);
      }
      if (options.platform) {
        query.where('platform', options.platform);
      }
    });
    const [rows, [{ count }]] = await Promise.all([
      filtered
        .clone()
        .orderBy('id', 'asc')
        .offset(options.offset)
        .limit(options.limit),
      filtered.clone().count({ count: '*' }),
    ]);
    return {
      items: (rows as DatasetRow[]).map(rowToDataset),
      totalCount: Number(count),
    };
  }

  async getDataset(id: string): Promise<DatasetDetails | undefined> {
    const alias = await this.db('dataset_aliases')
      .where('alias_id', id)
      .first();
    const datasetId: string = alias?.dataset_id ?? id;
    const row = await this.db<DatasetRow>('datasets')
      .where({ id: datasetId })
      .first();
    if (!row) {
      return undefined;
    }
    const readPipelines = () =>
      this.db('lineage_edges as e')
        .join('pipelines as p', 'p.id', 'e.pipeline_id')
        .where('e.dataset_id', datasetId)
        .select(
          'e.direction',
          ...PIPELINE_SUMMARY_COLUMNS.map(column => `p.${column}`),
        )
        .orderBy('p.id');
    let pipelines = await readPipelines();
    // Read again only if one of its pipelines has a latest run held.
    const named: string[] = pipelines.map(p => p.id);
    if (this.touches.pendingLatestRuns(named).length > 0) {
      await this.refreshHeldLatestRuns(named);
      pipelines = await readPipelines();
    }
    const producers = pipelines
      .filter(p => p.direction === 'output')
      .map(rowToPipelineSummary);
    // Late while a producer is: since the earliest of their deadlines.
    const lateSince = producers
      .map(p => p.lateSince)
      .filter((since): since is string => since !== undefined)
      .sort()[0];
    return {
      ...rowToDataset(row),
      ...(lateSince ? { lateSince } : {}),
      producers,
      consumers: pipelines
        .filter(p => p.direction === 'input')
        .map(rowToPipelineSummary),
    };
  }

  async listColumnLineage(
    datasetId: string,
    field?: string,
  ): Promise<ColumnLineageEntry[]> {
    const rows: Array<{
      dataset_id: string;
      field: string;
      input_dataset_id: string;
      input_field: string;
      transformations: string | null;
    }> = await this.db('column_lineage')
      .where('dataset_id', datasetId)
      .modify(query => {
        if (field) query.where('field', field);
      })
      .orderBy(['field', 'input_dataset_id', 'input_field']);
    return rows.map(row => ({
      datasetId: row.dataset_id,
      field: row.field,
      inputDatasetId: row.input_dataset_id,
      inputField: row.input_field,
      transformations: parseJsonArray<unknown>(row.transformations),
    }));
  }

  /** The dataset an id names, through its aliases. */
  private async canonicalDatasetId(datasetId: string): Promise<string> {
    const alias = await this.db('dataset_aliases')
      .where('alias_id', datasetId)
      .first();
    return alias?.dataset_id ?? datasetId;
  }

  async listQualityResults(
    datasetId: string,
    limit: number,
  ): Promise<QualityResult[]> {
    const rows: Array<{
      run_id: string;
      dataset_id: string;
      assertion: string;
      column_name: string;
      success: boolean | number;
      partition_time: DbTime | null;
      observed_at: DbTime;
    }> = await this.db('quality_results')
      .where('dataset_id', await this.canonicalDatasetId(datasetId))
      .orderBy([
        { column: 'observed_at', order: 'desc' },
        { column: 'assertion', order: 'asc' },
        { column: 'column_name', order: 'asc' },
      ])
      .limit(limit);
    return rows.map(row => ({
      runId: row.run_id,
      datasetId: row.dataset_id,
      assertion: row.assertion,
      column: row.column_name || undefined,
      success: Boolean(row.success),
      partition: optionalIso(row.partition_time),
      observedAt: toIsoTimestamp(row.observed_at),
    }));
  }

  async listQualityMetrics(
    datasetId: string,
    limit: number,
  ): Promise<QualityMetrics[]> {
    const canonicalId = await this.canonicalDatasetId(datasetId);
    const rows: Array<{
      run_id: string;
      dataset_id: string;
      partition_time: DbTime | null;
      observed_at: DbTime;
      row_count: number | string | null;
      bytes: number | string | null;
      file_count: number | string | null;
      column_metrics: string | null;
    }> = await this.db('quality_metrics')
      .where('dataset_id', canonicalId)
      .orderBy([
        { column: 'observed_at', order: 'desc' },
        { column: 'run_id', order: 'asc' },
      ])
      .limit(limit);
    // PostgreSQL answers bigint as a string.
    const count = (value: number | string | null) =>
      value === null ? undefined : Number(value);
    return rows.map(row => ({
      runId: row.run_id,
      datasetId: row.dataset_id,
      partition: optionalIso(row.partition_time),
      observedAt: toIsoTimestamp(row.observed_at),
      rowCount: count(row.row_count),
      bytes: count(row.bytes),
      fileCount: count(row.file_count),
      columns: row.column_metrics ? JSON.parse(row.column_metrics) : undefined,
    }));
  }

  /** Ids that name another dataset, and the dataset they name. */
  private async readAliases(
    aliasIds?: string[],
  ): Promise<Array<{ alias_id: string; dataset_id: string }>> {
    const query = this.db('dataset_aliases')
      .whereRaw('alias_id <> dataset_id')
      .select('alias_id', 'dataset_id');
    if (aliasIds) {
      query.whereIn('alias_id', aliasIds);
    }
    return query;
  }

  async listDatasetAliasIds(): Promise<string[]> {
    return (await this.readAliases()).map(row => row.alias_id);
  }

  async mergeAliasedDatasets(aliasIds?: string[]): Promise<number> {
    const aliases = await this.readAliases(aliasIds);
    if (aliases.length === 0) {
      return 0;
    }
    const canonical = new Map(aliases.map(a => [a.alias_id, a.dataset_id]));
    const resolve = (id: string) => canonical.get(id) ?? id;
    const now = new Date();
    return this.db.transaction(async tx => {
      let moved = 0;
      // Read (locked on PostgreSQL), deleted by key and written again under
      // the dataset they name: exactly the rows read, whatever commits
      // meanwhile (a row a replica writes under the alias before it learns
      // of it moves on the next call).
      const take = async (
        table: string,
        key: string[],
        where: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
      ): Promise<Array<Record<string, any>>> => {
        const query = where(tx(table).select('*'));
        const rows: Array<Record<string, any>> = await (this.isPostgres
          ? query.forUpdate()
          : query);
        for (const part of chunks(rows, IN_LIST_SIZE)) {
          await tx(table)
            .whereIn(
              key,
              part.map(row => key.map(column => row[column])),
            )
            .delete();
        }
        return rows;
      };
      const move = async (
        table: string,
        conflict: string[],
        where: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
        rewrite: (row: Record<string, any>) => Record<string, any>,
        merge: Record<string, string>,
        combine: (
          a: Record<string, any>,
          b: Record<string, any>,
        ) => Record<string, any>,
      ) => {
        const taken = await take(table, conflict, where);
        moved += taken.length;
        // One row per key: two aliases of a dataset may both hold one.
        const byKey = new Map<string, Record<string, any>>();
        for (const row of taken.map(rewrite)) {
          const key = conflict
            .map(column => String(row[column]))
            .join('\u0000');
          const current = byKey.get(key);
          byKey.set(key, current ? combine(current, row) : row);
        }
        const statements = upsertStatements(table, [...byKey.values()], {
          conflict,
          toRow: row => row,
          merge,
        });
        for (const statement of statements) {
          if (statement instanceof UpsertStatement) {
            await statement.toKnex(this.db).transacting(tx);
          }
        }
      };
      const earlier = (a: any, b: any) =>
        b !== null && (a === null || b < a) ? b : a;
      const later = (a: any, b: any) =>
        b !== null && (a === null || b > a) ? b : a;
      const newer = (a: Record<string, any>, b: Record<string, any>) =>
        b.observed_at >= a.observed_at ? b : a;
      for (const ids of chunks([...canonical.keys()], IN_LIST_SIZE)) {
        await move(
          'lineage_edges',
          ['pipeline_id', 'dataset_id', 'direction'],
          q => q.whereIn('dataset_id', ids),
          row => ({
            ...row,
            dataset_id: resolve(row.dataset_id),
            created_at: now,
          }),
          LINEAGE_EDGE_MERGE,
          (a, b) => ({
            ...a,
            first_seen_at: earlier(a.first_seen_at, b.first_seen_at),
            last_seen_at: later(a.last_seen_at, b.last_seen_at),
          }),
        );
        await move(
          'column_lineage',
          ['dataset_id', 'field', 'input_dataset_id', 'input_field'],
          q =>
            q.where(inner =>
              inner
                .whereIn('dataset_id', ids)
                .orWhereIn('input_dataset_id', ids),
            ),
          row => ({
            ...row,
            dataset_id: resolve(row.dataset_id),
            input_dataset_id: resolve(row.input_dataset_id),
          }),
          COLUMN_LINEAGE_MERGE,
          (a, b) => ({
            ...a,
            transformations: b.transformations ?? a.transformations,
            last_seen_at: later(a.last_seen_at, b.last_seen_at),
          }),
        );
        await move(
          'quality_results',
          ['run_id', 'dataset_id', 'assertion', 'column_name'],
          q => q.whereIn('dataset_id', ids),
          row => ({ ...row, dataset_id: resolve(row.dataset_id) }),
          QUALITY_RESULT_MERGE,
          newer,
        );
        await move(
          'quality_metrics',
          ['run_id', 'dataset_id'],
          q => q.whereIn('dataset_id', ids),
          row => ({ ...row, dataset_id: resolve(row.dataset_id) }),
          QUALITY_METRICS_MERGE,
          newer,
        );
        // The alias's own row: its times go to the dataset it names, whose
        // content stays. Only where that row exists: it came with the alias.
        await move(
          'datasets',
          ['id'],
          q =>
            q
              .whereIn('id', ids)
              .whereIn(
                'id',
                tx('dataset_aliases as a')
                  .join('datasets as d', 'd.id', 'a.dataset_id')
                  .select('a.alias_id'),
              ),
          row => ({ ...row, id: resolve(row.id), updated_at: now }),
          // Stamped changed, for the catalog's and the lineage's readers.
          { ...DATASET_TIMES_MERGE, updated_at: 'excluded.updated_at' },
          (a, b) => ({
            ...a,
            first_seen_at: earlier(a.first_seen_at, b.first_seen_at),
            last_seen_at: later(a.last_seen_at, b.last_seen_at),
            ...(later(a.last_written_at, b.last_written_at) ===
            a.last_written_at
              ? {}
              : {
                  last_written_at: b.last_written_at,
                  last_written_by_run: b.last_written_by_run,
                }),
          }),
        );
      }
      return moved;
    });
  }

  async listLineageEdges(createdAfter?: Date): Promise<StoredLineageEdge[]> {
    const ioRows: Array<{
      pipeline_id: string;
      dataset_id: string;
      direction: string;
      created_at: DbTime;
    }> = await this.db('lineage_edges')
      .select('pipeline_id', 'dataset_id', 'direction', 'created_at')
      .modify(query => {
        if (createdAfter) query.where('created_at', '>', createdAfter);
      });
    const dependencyRows: Array<{
      upstream_id: string;
      downstream_id: string;
      created_at: DbTime;
    }> = await this.db('pipeline_edges')
      .select('upstream_id', 'downstream_id', 'created_at')
      .modify(query => {
        if (createdAfter) query.where('created_at', '>', createdAfter);
      });
    return [
      ...ioRows.map(row => {
        const pipeline = lineageKey('pipeline', row.pipeline_id);
        const dataset = lineageKey('dataset', row.dataset_id);
        return row.direction === 'input'
          ? { from: dataset, to: pipeline, createdAt: toDate(row.created_at) }
          : { from: pipeline, to: dataset, createdAt: toDate(row.created_at) };
      }),
      ...dependencyRows.map(row => ({
        from: lineageKey('pipeline', row.upstream_id),
        to: lineageKey('pipeline', row.downstream_id),
        createdAt: toDate(row.created_at),
      })),
    ];
  }

  async getNodeSummaries(
    pipelineIds: string[],
    datasetIds: string[],
  ): Promise<NodeSummaries> {
    await this.refreshHeldLatestRuns(pipelineIds);
    // One statement per table whatever the number of ids: a lineage answer
    // names up to thousands of nodes.
    const [pipelineRows, datasetRows] = await Promise.all([
      pipelineIds.length === 0
        ? []
        : this.db('pipelines')
            .select(PIPELINE_SUMMARY_COLUMNS)
            .whereRaw(this.idInList(), [this.idListParameter(pipelineIds)]),
      datasetIds.length === 0
        ? []
        : this.db('datasets')
            .select('id', 'name', 'owner')
            .whereRaw(this.idInList(), [this.idListParameter(datasetIds)]),
    ]);
    return toNodeSummaries(pipelineRows, datasetRows);
  }

  async listNodeSummaries(changedSince?: Date): Promise<NodeSummaries> {
    const pipelinesQuery = this.db('pipelines').select(
      PIPELINE_SUMMARY_COLUMNS,
    );
    const datasetsQuery = this.db('datasets').select('id', 'name', 'owner');
    if (changedSince) {
      pipelinesQuery.where('updated_at', '>=', changedSince);
      datasetsQuery.where('updated_at', '>=', changedSince);
    }
    const [pipelineRows, datasetRows] = await Promise.all([
      pipelinesQuery,
      datasetsQuery,
    ]);
    return toNodeSummaries(pipelineRows, datasetRows);
  }

  private get isPostgres(): boolean {
    return isPostgres(this.db);
  }

  /** `column` is one of a list of ids given as a single parameter. */
  private idInList(column = 'id'): string {
    return this.isPostgres
      ? `${column} = any(?::text[])`
      : `${column} in (select value from json_each(?))`;
  }

  private idListParameter(ids: string[]): string[] | string {
    return this.isPostgres ? ids : JSON.stringify(ids);
  }

  async listCatalogPipelines(
    options: CatalogExportOptions,
  ): Promise<CatalogExportRows<CatalogPipeline>> {
    const query = this.db('pipelines')
      .select<PipelineRow[]>('*')
      .orderBy('id')
      .limit(options.limit + 1);
    if (options.after !== undefined) {
      query.where('id', '>', options.after);
    }
    const since = options.changedSince;
    if (since) {
      // A new edge changes the pipeline's entity without writing its row.
      query.where(inner =>
        inner
          .where('updated_at', '>=', since)
          .orWhereIn(
            'id',
            this.db('lineage_edges')
              .select('pipeline_id')
              .where('created_at', '>=', since),
          ),
      );
    }
    const rows = await query;
    const page = rows.slice(0, options.limit);
    const edges: Array<{
      pipeline_id: string;
      dataset_id: string;
      direction: string;
    }> =
      page.length === 0
        ? []
        : await this.db('lineage_edges')
            .select('pipeline_id', 'dataset_id', 'direction')
            .whereRaw(this.idInList('pipeline_id'), [
              this.idListParameter(page.map(row => row.id)),
            ])
            .orderBy(['pipeline_id', 'dataset_id']);
    const inputs = new Map<string, string[]>();
    const outputs = new Map<string, string[]>();
    for (const edge of edges) {
      const byPipeline = edge.direction === 'input' ? inputs : outputs;
      const list = byPipeline.get(edge.pipeline_id) ?? [];
      list.push(edge.dataset_id);
      byPipeline.set(edge.pipeline_id, list);
    }
    return {
      hasMore: rows.length > options.limit,
      items: page.map(row => {
        const pipeline = rowToPipeline(row);
        return {
          id: pipeline.id,
          source: pipeline.source,
          namespace: pipeline.namespace,
          name: pipeline.name,
          title: pipeline.title,
          description: pipeline.description,
          owner: pipeline.owner,
          sourceOwners: pipeline.sourceOwners,
          system: pipeline.system,
          sourceUrl: pipeline.sourceUrl,
          schedulerUrl: pipeline.schedulerUrl,
          parentPipelineId: pipeline.parentPipelineId,
          inputs: inputs.get(row.id) ?? [],
          outputs: outputs.get(row.id) ?? [],
        };
      }),
    };
  }

  async listCatalogDatasets(
    options: CatalogExportOptions,
  ): Promise<CatalogExportRows<CatalogDataset>> {
    const query = this.db('datasets')
      .select<DatasetRow[]>(
        'id',
        'namespace',
        'name',
        'platform',
        'description',
        'schema',
        'owner',
        'source_owners',
      )
      .orderBy('id')
      .limit(options.limit + 1);
    if (options.after !== undefined) {
      query.where('id', '>', options.after);
    }
    if (options.changedSince) {
      query.where('updated_at', '>=', options.changedSince);
    }
    const rows = await query;
    return {
      hasMore: rows.length > options.limit,
      items: rows.slice(0, options.limit).map(row => ({
        id: row.id,
        namespace: row.namespace,
        name: row.name,
        platform: row.platform ?? undefined,
        description: row.description ?? undefined,
        schema: parseJsonArray<DatasetField>(row.schema),
        owner: row.owner ?? undefined,
        sourceOwners: parseJsonArray<string>(row.source_owners),
      })),
    };
  }

  async listOwnershipRows(): Promise<OwnershipRows> {
    const [pipelineRows, datasetRows, producerRows] = await Promise.all([
      this.db('pipelines')
        .select<
          Array<{
            id: string;
            source_owners: string | null;
            owner: string | null;
          }>
        >('id', 'source_owners', 'owner')
        .orderBy('id'),
      this.db('datasets')
        .select<
          Array<{
            id: string;
            source_owners: string | null;
            owner: string | null;
          }>
        >('id', 'source_owners', 'owner')
        .orderBy('id'),
      this.db('lineage_edges')
        .select<Array<{ dataset_id: string; producer_id: string }>>(
          'dataset_id',
          this.db.raw('min(pipeline_id) as producer_id'),
        )
        .where('direction', 'output')
        .groupBy('dataset_id'),
    ]);
    const producers = new Map(
      producerRows.map(row => [row.dataset_id, row.producer_id]),
    );
    const toRow = (row: {
      id: string;
      source_owners: string | null;
      owner: string | null;
    }) => ({
      id: row.id,
      sourceOwners: parseJsonArray<string>(row.source_owners),
      owner: row.owner ?? undefined,
    });
    return {
      pipelines: pipelineRows.map(toRow),
      datasets: datasetRows.map(row => ({
        ...toRow(row),
        producerId: producers.get(row.id),
      })),
    };
  }

  async saveOwners(changes: OwnerChanges): Promise<void> {
    const now = new Date();
    await this.db.transaction(async tx => {
      for (const [table, rows] of [
        ['pipelines', changes.pipelines],
        ['datasets', changes.datasets],
      ] as const) {
        // Owners are few: one statement per owner and chunk of ids.
        const idsByOwner = new Map<string | null, string[]>();
        for (const row of rows) {
          const ids = idsByOwner.get(row.owner) ?? [];
          ids.push(row.id);
          idsByOwner.set(row.owner, ids);
        }
        for (const [owner, ids] of idsByOwner) {
          for (const chunk of chunks(ids, IN_LIST_SIZE)) {
            await tx(table)
              .whereRaw(this.idInList(), [this.idListParameter(chunk)])
              .update({ owner, updated_at: now });
          }
        }
      }
    });
  }

  async getProviderState(providerId: string): Promise<ProviderState> {
    const row = await this.db('provider_state')
      .where('provider_id', providerId)
      .first();
    return {
      providerId,
      cursor: row?.cursor ?? undefined,
      lastSuccessAt: row?.last_success_at
        ? new Date(toIsoTimestamp(row.last_success_at))
        : undefined,
      lastFailureAt: row?.last_failure_at
        ? new Date(toIsoTimestamp(row.last_failure_at))
        : undefined,
      lastError: row?.last_error ?? undefined,
      consecutiveFailures: Number(row?.consecutive_failures ?? 0),
    };
  }

  async saveProviderState(state: ProviderState): Promise<void> {
    await this.db('provider_state')
      .insert({
        provider_id: state.providerId,
        cursor: state.cursor ?? null,
        last_success_at: state.lastSuccessAt ?? null,
        last_failure_at: state.lastFailureAt ?? null,
        last_error: state.lastError ?? null,
        consecutive_failures: state.consecutiveFailures,
      })
      .onConflict('provider_id')
      .merge();
  }

  async pruneRawEvents(receivedBefore: Date): Promise<number> {
    return this.db('events').where('received_at', '<', receivedBefore).delete();
  }

  async countRawEvents(): Promise<number> {
    const [{ count }] = await this.db('events').count({ count: '*' });
    return Number(count);
  }
}
