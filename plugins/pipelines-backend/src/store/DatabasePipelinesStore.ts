import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { isRunState, Pipeline } from '@tributary/plugin-pipelines-common';
import { Knex } from 'knex';
import {
  ListPipelinesOptions,
  PipelinesPage,
  PipelinesStore,
  PipelineUpsert,
} from './PipelinesStore';

const migrationsDir = resolvePackagePath(
  '@tributary/plugin-pipelines-backend',
  'migrations',
);

/** Rows per statement: stays under SQLite's bound-parameter limit. */
const UPSERT_CHUNK_SIZE = 200;

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
  first_seen_at: Date | string | number;
  last_seen_at: Date | string | number;
  latest_run_state: string | null;
  latest_run_at: Date | string | number | null;
}

/** Knex stores timestamps as Date (PostgreSQL) or epoch millis (SQLite). */
export function toIsoTimestamp(value: Date | string | number): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new Error(`Stored timestamp '${value}' is not a valid date`);
  }
  return date.toISOString();
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
    freshnessTarget: row.freshness_target ?? undefined,
    entityRef: row.entity_ref ?? undefined,
    sourceUrl: row.source_url ?? undefined,
    firstSeenAt: toIsoTimestamp(row.first_seen_at),
    lastSeenAt: toIsoTimestamp(row.last_seen_at),
    latestRunState: isRunState(row.latest_run_state)
      ? row.latest_run_state
      : undefined,
    latestRunAt: row.latest_run_at
      ? toIsoTimestamp(row.latest_run_at)
      : undefined,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, match => `\\${match}`);
}

export class DatabasePipelinesStore implements PipelinesStore {
  static async create(options: {
    database: DatabaseService;
    /** Tests run migrations themselves; the plugin always does. */
    skipMigrations?: boolean;
  }): Promise<DatabasePipelinesStore> {
    const client = await options.database.getClient();
    if (!options.skipMigrations && !options.database.migrations?.skip) {
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

  private constructor(private readonly db: Knex) {}

  async upsertPipelines(pipelines: PipelineUpsert[]): Promise<void> {
    if (pipelines.length === 0) {
      return;
    }
    await this.db.transaction(async tx => {
      for (let i = 0; i < pipelines.length; i += UPSERT_CHUNK_SIZE) {
        const rows = pipelines.slice(i, i + UPSERT_CHUNK_SIZE).map(p => ({
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
          first_seen_at: p.seenAt,
          last_seen_at: p.seenAt,
          latest_run_state: p.latestRunState ?? null,
          latest_run_at: p.latestRunAt ?? null,
        }));
        await tx('pipelines')
          .insert(rows)
          .onConflict('id')
          .merge({
            source: tx.raw('excluded.source'),
            namespace: tx.raw('excluded.namespace'),
            name: tx.raw('excluded.name'),
            title: tx.raw('coalesce(excluded.title, pipelines.title)'),
            description: tx.raw(
              'coalesce(excluded.description, pipelines.description)',
            ),
            owner: tx.raw('coalesce(excluded.owner, pipelines.owner)'),
            system: tx.raw('coalesce(excluded.system, pipelines.system)'),
            schedule: tx.raw('coalesce(excluded.schedule, pipelines.schedule)'),
            freshness_target: tx.raw(
              'coalesce(excluded.freshness_target, pipelines.freshness_target)',
            ),
            entity_ref: tx.raw(
              'coalesce(excluded.entity_ref, pipelines.entity_ref)',
            ),
            source_url: tx.raw(
              'coalesce(excluded.source_url, pipelines.source_url)',
            ),
            // A late report never moves first-seen forward or last-seen back.
            first_seen_at: tx.raw(
              'case when excluded.first_seen_at < pipelines.first_seen_at then excluded.first_seen_at else pipelines.first_seen_at end',
            ),
            last_seen_at: tx.raw(
              'case when excluded.last_seen_at > pipelines.last_seen_at then excluded.last_seen_at else pipelines.last_seen_at end',
            ),
            // The latest run is the one with the latest time, whoever reports it.
            latest_run_state: tx.raw(
              'case when excluded.latest_run_at is not null and (pipelines.latest_run_at is null or excluded.latest_run_at >= pipelines.latest_run_at) then excluded.latest_run_state else pipelines.latest_run_state end',
            ),
            latest_run_at: tx.raw(
              'case when excluded.latest_run_at is not null and (pipelines.latest_run_at is null or excluded.latest_run_at >= pipelines.latest_run_at) then excluded.latest_run_at else pipelines.latest_run_at end',
            ),
          });
      }
    });
  }

  async getPipeline(id: string): Promise<Pipeline | undefined> {
    const row = await this.db<PipelineRow>('pipelines').where({ id }).first();
    return row ? rowToPipeline(row) : undefined;
  }

  async listPipelines(options: ListPipelinesOptions): Promise<PipelinesPage> {
    const filtered = this.db<PipelineRow>('pipelines').modify(query => {
      if (options.search) {
        const pattern = `%${escapeLike(options.search.toLowerCase())}%`;
        query.where(inner =>
          inner
            .whereRaw(`lower(id) like ? escape '\\'`, [pattern])
            .orWhereRaw(`lower(name) like ? escape '\\'`, [pattern])
            .orWhereRaw(`lower(coalesce(title, '')) like ? escape '\\'`, [
              pattern,
            ]),
        );
      }
      if (options.owner) {
        query.where('owner', options.owner);
      }
      if (options.source) {
        query.where('source', options.source);
      }
      if (options.state) {
        query.where('latest_run_state', options.state);
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
      items: (rows as PipelineRow[]).map(rowToPipeline),
      totalCount: Number(count),
    };
  }
}
