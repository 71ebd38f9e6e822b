/*
 * The pipelines table: one row per pipeline from any source, with the latest run
 * state denormalized so that lists never join runs.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('pipelines', table => {
    table.comment('Pipelines from schedulers and OpenLineage, one row each');
    table
      .string('id', 512)
      .primary()
      .notNullable()
      .comment('<source>:<name>, stable across polls and events');
    table.string('source', 255).notNullable();
    table.string('namespace', 255).notNullable();
    table.string('name', 255).notNullable();
    table.string('title', 512).nullable();
    table.text('description').nullable();
    table.string('owner', 255).nullable().comment('Catalog entity ref');
    table.string('system', 255).nullable();
    table.string('schedule', 255).nullable();
    table.string('freshness_target', 255).nullable();
    table.string('entity_ref', 512).nullable();
    table.text('source_url').nullable();
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table.string('latest_run_state', 32).nullable();
    table.timestamp('latest_run_at', { useTz: true }).nullable();
    table.index(['source'], 'pipelines_source_idx');
    table.index(['owner'], 'pipelines_owner_idx');
    table.index(['latest_run_state'], 'pipelines_latest_run_state_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('pipelines');
};
