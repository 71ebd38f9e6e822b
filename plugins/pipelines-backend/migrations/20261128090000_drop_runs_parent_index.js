/*
 * No query looks runs up by parent run, and every run insert and every
 * non-HOT run update paid for the index: it goes until one does.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('runs', table => {
    table.dropIndex(['parent_run_id'], 'runs_parent_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('runs', table => {
    table.index(['parent_run_id'], 'runs_parent_idx');
  });
};
