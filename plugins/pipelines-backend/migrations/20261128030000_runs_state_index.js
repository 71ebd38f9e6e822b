/*
 * Filtering a pipeline's runs by state ("its failed runs") without scanning
 * every run of the pipeline.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('runs', table => {
    table.index(
      ['pipeline_id', 'state', 'sort_time'],
      'runs_pipeline_state_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('runs', table => {
    table.dropIndex([], 'runs_pipeline_state_idx');
  });
};
