import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  BackfillMode,
  BackfillOrder,
  BackfillPartitionAction,
  BackfillState,
  isRunState,
} from '@tributary/plugin-pipelines-common';
import { Knex } from 'knex';
import { DbTime, optionalDate, toDate } from './dbTime';
import {
  BackfillPatch,
  BackfillStore,
  BackfillWithCounts,
  PartitionCounts,
  PartitionPatch,
  PartitionRun,
  StoredBackfill,
  StoredBackfillPartition,
  StoredPartitionState,
} from './BackfillStore';

interface BackfillRow {
  id: string;
  pipeline_id: string;
  entity_ref: string | null;
  requested_by: string;
  idempotency_key: string;
  request_hash: string;
  state: string;
  mode: string;
  start_time: DbTime;
  end_time: DbTime;
  concurrency: number;
  run_order: string;
  only_failed_or_missing: boolean | number;
  external_id: string | null;
  external_url: string | null;
  error: string | null;
  created_at: DbTime;
  updated_at: DbTime;
  ended_at: DbTime | null;
  provider_ended_at: DbTime | null;
  notified_at: DbTime | null;
}

interface PartitionRow {
  backfill_id: string;
  partition_time: DbTime;
  partition_end_time: DbTime;
  position: number;
  action: string;
  reason: string | null;
  current_state: string | null;
  state: string;
  run_id: string | null;
  triggered_at: DbTime | null;
  error: string | null;
  updated_at: DbTime;
}

const PARTITION_STATES: StoredPartitionState[] = [
  'queued',
  'triggering',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
];

function emptyCounts(): PartitionCounts {
  return Object.fromEntries(PARTITION_STATES.map(s => [s, 0])) as Record<
    StoredPartitionState,
    number
  >;
}

function rowToBackfill(row: BackfillRow): StoredBackfill {
  return {
    id: row.id,
    pipelineId: row.pipeline_id,
    entityRef: row.entity_ref ?? undefined,
    requestedBy: row.requested_by,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    state: row.state as BackfillState,
    mode: row.mode as BackfillMode,
    start: toDate(row.start_time),
    end: toDate(row.end_time),
    concurrency: row.concurrency,
    order: row.run_order as BackfillOrder,
    onlyFailedOrMissing: Boolean(row.only_failed_or_missing),
    externalId: row.external_id ?? undefined,
    externalUrl: row.external_url ?? undefined,
    error: row.error ?? undefined,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    endedAt: optionalDate(row.ended_at),
    providerEndedAt: optionalDate(row.provider_ended_at),
    notifiedAt: optionalDate(row.notified_at),
  };
}

function rowToPartition(row: PartitionRow): StoredBackfillPartition {
  return {
    partition: toDate(row.partition_time),
    partitionEnd: toDate(row.partition_end_time),
    position: row.position,
    action: row.action as BackfillPartitionAction,
    reason: row.reason ?? undefined,
    currentState: isRunState(row.current_state) ? row.current_state : undefined,
    state: row.state as StoredPartitionState,
    runId: row.run_id ?? undefined,
    triggeredAt: optionalDate(row.triggered_at),
    error: row.error ?? undefined,
  };
}

/** Rows per insert: well under both databases' parameter limits. */
const CHUNK_SIZE = 200;

export class DatabaseBackfillStore implements BackfillStore {
  /** Migrations are the pipelines store's; create that one first. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseBackfillStore> {
    return new DatabaseBackfillStore(await options.database.getClient());
  }

  constructor(private readonly db: Knex) {}

  async insertBackfill(
    backfill: StoredBackfill,
    partitions: StoredBackfillPartition[],
  ): Promise<{ backfill: StoredBackfill; created: boolean }> {
    const existing = await this.findByKey(backfill);
    if (existing) return { backfill: existing, created: false };
    try {
      await this.db.transaction(async tx => {
        await tx('backfills').insert({
          id: backfill.id,
          pipeline_id: backfill.pipelineId,
          entity_ref: backfill.entityRef ?? null,
          requested_by: backfill.requestedBy,
          idempotency_key: backfill.idempotencyKey,
          request_hash: backfill.requestHash,
          state: backfill.state,
          mode: backfill.mode,
          start_time: backfill.start,
          end_time: backfill.end,
          concurrency: backfill.concurrency,
          run_order: backfill.order,
          only_failed_or_missing: backfill.onlyFailedOrMissing,
          external_id: backfill.externalId ?? null,
          external_url: backfill.externalUrl ?? null,
          error: backfill.error ?? null,
          created_at: backfill.createdAt,
          updated_at: backfill.updatedAt,
          ended_at: backfill.endedAt ?? null,
        });
        const rows = partitions.map(p => ({
          backfill_id: backfill.id,
          partition_time: p.partition,
          partition_end_time: p.partitionEnd,
          position: p.position,
          action: p.action,
          reason: p.reason ?? null,
          current_state: p.currentState ?? null,
          state: p.state,
          run_id: p.runId ?? null,
          triggered_at: p.triggeredAt ?? null,
          error: p.error ?? null,
          updated_at: backfill.createdAt,
        }));
        for (let i = 0; i < rows.length; i += CHUNK_SIZE) {
          await tx('backfill_partitions').insert(rows.slice(i, i + CHUNK_SIZE));
        }
      });
      return { backfill, created: true };
    } catch (error) {
      // Two requests with one key raced: the other one's insert won.
      const winner = await this.findByKey(backfill);
      if (winner) return { backfill: winner, created: false };
      throw error;
    }
  }

  private async findByKey(
    backfill: Pick<
      StoredBackfill,
      'pipelineId' | 'requestedBy' | 'idempotencyKey'
    >,
  ): Promise<StoredBackfill | undefined> {
    const row = await this.db<BackfillRow>('backfills')
      .where({
        pipeline_id: backfill.pipelineId,
        requested_by: backfill.requestedBy,
        idempotency_key: backfill.idempotencyKey,
      })
      .first();
    return row ? rowToBackfill(row) : undefined;
  }

  async getBackfill(id: string): Promise<BackfillWithCounts | undefined> {
    const row = await this.db<BackfillRow>('backfills').where({ id }).first();
    if (!row) return undefined;
    const counts = await this.countPartitions([id]);
    return { backfill: rowToBackfill(row), counts: counts.get(id)! };
  }

  async listPartitions(backfillId: string): Promise<StoredBackfillPartition[]> {
    const rows = await this.db<PartitionRow>('backfill_partitions')
      .where({ backfill_id: backfillId })
      .orderBy('position');
    return rows.map(rowToPartition);
  }

  async listBackfills(
    pipelineId: string,
    limit: number,
  ): Promise<BackfillWithCounts[]> {
    const rows = await this.db<BackfillRow>('backfills')
      .where({ pipeline_id: pipelineId })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    const counts = await this.countPartitions(rows.map(r => r.id));
    return rows.map(row => ({
      backfill: rowToBackfill(row),
      counts: counts.get(row.id)!,
    }));
  }

  private async countPartitions(
    backfillIds: string[],
  ): Promise<Map<string, PartitionCounts>> {
    const counts = new Map(backfillIds.map(id => [id, emptyCounts()]));
    if (backfillIds.length === 0) return counts;
    const rows: Array<{
      backfill_id: string;
      state: string;
      count: string | number;
    }> = await this.db('backfill_partitions')
      .whereIn('backfill_id', backfillIds)
      .groupBy('backfill_id', 'state')
      .select('backfill_id', 'state', this.db.raw('count(*) as count'));
    for (const row of rows) {
      const state = row.state as StoredPartitionState;
      const forBackfill = counts.get(row.backfill_id);
      if (forBackfill && state in forBackfill) {
        forBackfill[state] = Number(row.count);
      }
    }
    return counts;
  }

  async listUnsettledBackfills(): Promise<StoredBackfill[]> {
    const rows = await this.db<BackfillRow>('backfills')
      .whereIn('state', ['queued', 'running'])
      .orWhereNull('notified_at')
      .orderBy('created_at');
    return rows.map(rowToBackfill);
  }

  async updateBackfill(id: string, patch: BackfillPatch): Promise<void> {
    const columns: Record<string, unknown> = { updated_at: new Date() };
    if (patch.state !== undefined) columns.state = patch.state;
    if (patch.externalId !== undefined) columns.external_id = patch.externalId;
    if (patch.externalUrl !== undefined) {
      columns.external_url = patch.externalUrl;
    }
    if (patch.error !== undefined) columns.error = patch.error;
    if (patch.endedAt !== undefined) columns.ended_at = patch.endedAt;
    if (patch.providerEndedAt !== undefined) {
      columns.provider_ended_at = patch.providerEndedAt;
    }
    if (patch.notifiedAt !== undefined) columns.notified_at = patch.notifiedAt;
    await this.db('backfills').where({ id }).update(columns);
  }

  async updatePartitions(
    backfillId: string,
    patches: PartitionPatch[],
  ): Promise<void> {
    if (patches.length === 0) return;
    const now = new Date();
    await this.db.transaction(async tx => {
      for (const patch of patches) {
        await tx('backfill_partitions')
          .where({ backfill_id: backfillId, partition_time: patch.partition })
          .update({
            state: patch.state,
            ...(patch.runId !== undefined ? { run_id: patch.runId } : {}),
            ...(patch.error !== undefined ? { error: patch.error } : {}),
            updated_at: now,
          });
      }
    });
  }

  async claimPartitions(
    backfillId: string,
    partitions: Date[],
    now: Date,
  ): Promise<Date[]> {
    const claimed: Date[] = [];
    for (const partition of partitions) {
      const updated = await this.db('backfill_partitions')
        .where({
          backfill_id: backfillId,
          partition_time: partition,
          state: 'queued',
        })
        .update({ state: 'triggering', triggered_at: now, updated_at: now });
      if (updated > 0) claimed.push(partition);
    }
    return claimed;
  }

  async listPartitionRuns(
    pipelineId: string,
    start: Date,
    end: Date,
  ): Promise<PartitionRun[]> {
    const rows = await this.db('runs')
      .where('pipeline_id', pipelineId)
      .where('partition_time', '>=', start)
      .where('partition_time', '<', end)
      .select(
        'id',
        'partition_time',
        'state',
        'queued_at',
        'started_at',
        'first_event_time',
      );
    return rows.map(row => ({
      id: row.id,
      partition: toDate(row.partition_time),
      state: isRunState(row.state) ? row.state : 'unknown',
      firstSeenAt: toDate(
        row.queued_at ?? row.started_at ?? row.first_event_time,
      ),
    }));
  }
}
