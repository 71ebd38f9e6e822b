import { DatabaseService } from '@backstage/backend-plugin-api';
import { OwnerHealth } from '@tributary/plugin-pipelines-common';
import { Knex } from 'knex';
import { optionalDate, toDate } from './dbTime';
import { isPostgres, rawRows } from './rawQuery';

/** What monitoring keeps about a pipeline between evaluations. */
export interface PipelineHealth {
  monitoredTarget?: string;
  lateSince?: Date;
  latePartitions?: number;
  lateOldestPartition?: Date;
  failureStreak?: number;
}

export interface MonitoredPipeline {
  id: string;
  name: string;
  title?: string;
  owner?: string;
  schedule?: string;
  /** The target the source reported, if any. */
  sourceTarget?: string;
  firstSeenAt: Date;
  health: PipelineHealth;
}

/** What monitoring needs of a pipeline's recent runs. */
export interface RunSummary {
  /** Its oldest partition in the window, epoch millis. */
  firstPartition?: number;
  /** Partitions that succeeded, epoch millis. */
  succeeded: Set<number>;
  /** Failed partitions after its latest success. */
  failureStreak: number;
}

export type AlertKind = 'late' | 'failing';

export interface StoredAlert {
  id: string;
  pipelineId: string;
  kind: AlertKind;
  incidentKey: string;
  details: Record<string, unknown>;
  openedAt: Date;
  resolvedAt?: Date;
  openNotifiedAt?: Date;
  resolvedNotifiedAt?: Date;
}

const IN_LIST_SIZE = 500;
/** 6 parameters a row: well within SQLite's 32,766 and PostgreSQL's 65,535. */
const HEALTH_ROWS_PER_STATEMENT = 1000;

function sameTime(a?: Date, b?: Date): boolean {
  return a?.getTime() === b?.getTime();
}

export function sameHealth(a: PipelineHealth, b: PipelineHealth): boolean {
  return (
    a.monitoredTarget === b.monitoredTarget &&
    sameTime(a.lateSince, b.lateSince) &&
    a.latePartitions === b.latePartitions &&
    sameTime(a.lateOldestPartition, b.lateOldestPartition) &&
    (a.failureStreak ?? 0) === (b.failureStreak ?? 0)
  );
}

function rowToAlert(row: any): StoredAlert {
  return {
    id: row.id,
    pipelineId: row.pipeline_id,
    kind: row.kind,
    incidentKey: row.incident_key,
    details: JSON.parse(row.details),
    openedAt: toDate(row.opened_at),
    resolvedAt: optionalDate(row.resolved_at),
    openNotifiedAt: optionalDate(row.open_notified_at),
    resolvedNotifiedAt: optionalDate(row.resolved_notified_at),
  };
}

/** Monitoring's reads and writes; shares the pipelines plugin's database. */
export class DatabaseMonitoringStore {
  /** Migrations are the pipelines store's; create that one first. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseMonitoringStore> {
    return new DatabaseMonitoringStore(await options.database.getClient());
  }

  constructor(private readonly db: Knex) {}

  async listMonitoredPipelines(): Promise<MonitoredPipeline[]> {
    const rows = await this.db('pipelines').select(
      'id',
      'name',
      'title',
      'owner',
      'schedule',
      'freshness_target',
      'first_seen_at',
      'monitored_target',
      'late_since',
      'late_partitions',
      'late_oldest_partition',
      'failure_streak',
    );
    return rows.map(row => ({
      id: row.id,
      name: row.name,
      title: row.title ?? undefined,
      owner: row.owner ?? undefined,
      schedule: row.schedule ?? undefined,
      sourceTarget: row.freshness_target ?? undefined,
      firstSeenAt: toDate(row.first_seen_at),
      health: {
        monitoredTarget: row.monitored_target ?? undefined,
        lateSince: optionalDate(row.late_since),
        latePartitions: row.late_partitions ?? undefined,
        lateOldestPartition: optionalDate(row.late_oldest_partition),
        failureStreak: row.failure_streak ?? undefined,
      },
    }));
  }

  /**
   * Per pipeline, over the runs ordered at or after `since`: its oldest
   * partition, the partitions that succeeded, and its failure streak (failed
   * partitions after its latest success). One row per pipeline: a million
   * runs are aggregated by the database instead of read one by one.
   */
  async listRunSummaries(since: Date): Promise<Map<string, RunSummary>> {
    const pg = isPostgres(this.db);
    const epochMillis = (column: string) =>
      pg ? `(floor(extract(epoch from ${column}) * 1000))::bigint` : column;
    const succeededList = pg
      ? `string_agg(distinct (case when w.state = 'succeeded' then ${epochMillis(
          'w.partition_time',
        )} end)::text, ',')`
      : `group_concat(distinct (case when w.state = 'succeeded' then w.partition_time end))`;
    const rows = await rawRows(
      this.db,
      `with w as (
         select pipeline_id, partition_time, sort_time, state from runs where sort_time >= ?
       ),
       ok as (
         select pipeline_id, max(sort_time) as last_ok from w where state = 'succeeded' group by pipeline_id
       )
       select w.pipeline_id as pipeline_id,
         ${
           pg
             ? `min(${epochMillis('w.partition_time')})`
             : 'min(w.partition_time)'
         } as first_partition,
         ${succeededList} as succeeded,
         count(distinct case when w.state in ('failed', 'aborted') and (ok.last_ok is null or w.sort_time > ok.last_ok) then w.sort_time end) as streak
       from w left join ok on ok.pipeline_id = w.pipeline_id
       group by w.pipeline_id`,
      [since],
    );
    const summaries = new Map<string, RunSummary>();
    for (const row of rows) {
      summaries.set(row.pipeline_id, {
        firstPartition:
          row.first_partition === null
            ? undefined
            : Number(row.first_partition),
        succeeded: new Set(
          row.succeeded ? String(row.succeeded).split(',').map(Number) : [],
        ),
        failureStreak: Number(row.streak),
      });
    }
    return summaries;
  }

  /**
   * Writes changed health, stamping rows as changed for their readers. The
   * first evaluation after an upgrade changes every pipeline: one statement
   * per HEALTH_ROWS_PER_STATEMENT rows, not a round trip per row.
   */
  async saveHealth(
    changes: Array<{ pipelineId: string; health: PipelineHealth }>,
  ): Promise<void> {
    if (changes.length === 0) return;
    const now = new Date();
    const pg = isPostgres(this.db);
    // PostgreSQL types a VALUES column from its values: cast the parameters.
    const valuesRow = pg
      ? '(?::text, ?::text, ?::timestamptz, ?::integer, ?::timestamptz, ?::integer)'
      : '(?, ?, ?, ?, ?, ?)';
    await this.db.transaction(async tx => {
      for (let i = 0; i < changes.length; i += HEALTH_ROWS_PER_STATEMENT) {
        const chunk = changes.slice(i, i + HEALTH_ROWS_PER_STATEMENT);
        const values = chunk.map(() => valuesRow).join(', ');
        const bindings = chunk.flatMap(({ pipelineId, health }) => [
          pipelineId,
          health.monitoredTarget ?? null,
          health.lateSince ?? null,
          health.latePartitions ?? null,
          health.lateOldestPartition ?? null,
          health.failureStreak || null,
        ]);
        await tx.raw(
          pg
            ? `update pipelines as p set monitored_target = v.monitored_target,
                 late_since = v.late_since, late_partitions = v.late_partitions,
                 late_oldest_partition = v.late_oldest_partition,
                 failure_streak = v.failure_streak, updated_at = ?
               from (values ${values}) as v(id, monitored_target, late_since,
                 late_partitions, late_oldest_partition, failure_streak)
               where p.id = v.id`
            : // SQLite names the columns of VALUES column1, column2, ...
              `update pipelines set monitored_target = v.column2,
                 late_since = v.column3, late_partitions = v.column4,
                 late_oldest_partition = v.column5, failure_streak = v.column6,
                 updated_at = ?
               from (values ${values}) as v
               where pipelines.id = v.column1`,
          [now, ...bindings],
        );
      }
    });
  }

  /** Alerts still open, and resolved ones whose recovery is not notified. */
  async listUnsettledAlerts(): Promise<StoredAlert[]> {
    const rows = await this.db('pipeline_alerts')
      .whereNull('resolved_at')
      .orWhereNull('resolved_notified_at')
      .orWhereNull('open_notified_at')
      .orderBy('opened_at');
    return rows.map(rowToAlert);
  }

  async insertAlert(alert: StoredAlert): Promise<void> {
    await this.db('pipeline_alerts')
      .insert({
        id: alert.id,
        pipeline_id: alert.pipelineId,
        kind: alert.kind,
        incident_key: alert.incidentKey,
        details: JSON.stringify(alert.details),
        opened_at: alert.openedAt,
      })
      .onConflict(['pipeline_id', 'kind', 'incident_key'])
      .ignore();
  }

  async resolveAlert(id: string, at: Date): Promise<void> {
    await this.db('pipeline_alerts').where({ id }).update({ resolved_at: at });
  }

  async markAlertNotified(
    id: string,
    what: 'open' | 'resolved',
    at: Date,
  ): Promise<void> {
    await this.db('pipeline_alerts')
      .where({ id })
      .update(
        what === 'open'
          ? { open_notified_at: at }
          : { resolved_notified_at: at },
      );
  }

  async ownerHealth(owners: string[]): Promise<OwnerHealth> {
    const rows = await this.db('pipelines')
      .leftJoin(
        'provider_state',
        'provider_state.provider_id',
        'pipelines.source',
      )
      .whereIn('pipelines.owner', owners)
      .select(
        'pipelines.latest_run_state as state',
        'pipelines.late_since as late_since',
        'provider_state.consecutive_failures as provider_failures',
      );
    const health: OwnerHealth = {
      owners,
      total: rows.length,
      failing: 0,
      late: 0,
      stale: 0,
      healthy: 0,
      failedQualityDatasets: 0,
    };
    for (const row of rows) {
      if (row.state === 'failed' || row.state === 'aborted') health.failing++;
      else if (row.late_since) health.late++;
      else if (row.provider_failures) health.stale++;
      else health.healthy++;
    }
    health.failedQualityDatasets = await this.countFailedQualityDatasets(
      owners,
    );
    return health;
  }

  /** Datasets of the owners with a failed assertion in their latest checked run. */
  private async countFailedQualityDatasets(owners: string[]): Promise<number> {
    let count = 0;
    for (let i = 0; i < owners.length; i += IN_LIST_SIZE) {
      const [row] = await this.db('quality_results as q')
        .join('datasets as d', 'd.id', 'q.dataset_id')
        .whereIn('d.owner', owners.slice(i, i + IN_LIST_SIZE))
        .where('q.success', false)
        .whereRaw(
          `q.run_id = (select q2.run_id from quality_results q2 where q2.dataset_id = q.dataset_id order by q2.observed_at desc, q2.run_id desc limit 1)`,
        )
        .countDistinct({ count: 'q.dataset_id' });
      count += Number(row.count);
    }
    return count;
  }
}
