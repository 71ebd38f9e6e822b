/*
 * Backfills: one row per backfill, one per partition it covers. Orchestrated
 * backfills keep their progress here so a restarted backend resumes them.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('backfills', table => {
    table.comment('A backfill asked for from the UI or API');
    table.string('id', 64).primary().notNullable();
    table.string('pipeline_id', 512).notNullable();
    table.string('entity_ref', 512).nullable();
    table.string('requested_by', 512).notNullable();
    table
      .string('idempotency_key', 128)
      .notNullable()
      .comment('Chosen by the client; the same key again is the same backfill');
    table
      .string('request_hash', 64)
      .notNullable()
      .comment('The same key with another request is refused');
    table.string('state', 32).notNullable();
    table.string('mode', 32).notNullable();
    table.timestamp('start_time', { useTz: true }).notNullable();
    table.timestamp('end_time', { useTz: true }).notNullable();
    table.integer('concurrency').notNullable();
    table.string('run_order', 16).notNullable();
    table.boolean('only_failed_or_missing').notNullable();
    table.string('external_id', 255).nullable();
    table.text('external_url').nullable();
    table.text('error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table
      .timestamp('provider_ended_at', { useTz: true })
      .nullable()
      .comment('When the scheduler first reported a native backfill over');
    table.timestamp('notified_at', { useTz: true }).nullable();
    table.unique(['pipeline_id', 'requested_by', 'idempotency_key'], {
      indexName: 'backfills_idempotency_key_idx',
    });
    table.index(['pipeline_id', 'created_at'], 'backfills_pipeline_idx');
    table.index(['state'], 'backfills_state_idx');
  });

  await knex.schema.createTable('backfill_partitions', table => {
    table.comment('The partitions of a backfill and their progress');
    table
      .string('backfill_id', 64)
      .notNullable()
      .references('id')
      .inTable('backfills')
      .onDelete('CASCADE');
    table.timestamp('partition_time', { useTz: true }).notNullable();
    table.timestamp('partition_end_time', { useTz: true }).notNullable();
    table
      .integer('position')
      .notNullable()
      .comment('Place in the order the backfill runs its partitions');
    table.string('action', 16).notNullable();
    table.text('reason').nullable();
    table.string('current_state', 32).nullable();
    table
      .string('state', 32)
      .notNullable()
      .comment(
        'queued, triggering, running, succeeded, failed, skipped, cancelled',
      );
    table.string('run_id', 255).nullable();
    table.timestamp('triggered_at', { useTz: true }).nullable();
    table.text('error').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['backfill_id', 'partition_time']);
    table.index(['run_id'], 'backfill_partitions_run_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('backfill_partitions');
  await knex.schema.dropTable('backfills');
};
