/*
 * Scheduler providers: one row per provider with its poll cursor and health,
 * so that several replicas share them; and the scheduler UI link of pipelines.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('provider_state', table => {
    table.comment('Poll cursor and health of each scheduler provider');
    table.string('provider_id', 255).primary().notNullable();
    table.text('cursor').nullable();
    table.timestamp('last_success_at', { useTz: true }).nullable();
    table.timestamp('last_failure_at', { useTz: true }).nullable();
    table.text('last_error').nullable();
    table
      .integer('consecutive_failures')
      .notNullable()
      .defaultTo(0)
      .comment('Above zero, the provider is failing and its data is stale');
  });
  await knex.schema.alterTable('pipelines', table => {
    table.text('scheduler_url').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('pipelines', table => {
    table.dropColumn('scheduler_url');
  });
  await knex.schema.dropTable('provider_state');
};
