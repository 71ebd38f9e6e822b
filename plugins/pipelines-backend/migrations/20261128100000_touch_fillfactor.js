/*
 * Rows that events touch again and again (when they were last seen or
 * written) are updated in place only if their page has room for the new
 * version (a HOT update, which writes no index). PostgreSQL fills pages to
 * 100% by default; these tables keep a fifth of each page free. Pages written
 * before this migration keep their fill until rewritten. SQLite has no such
 * setting.
 */

const TABLES = [
  'pipelines',
  'datasets',
  'lineage_edges',
  'pipeline_edges',
  'column_lineage',
];

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return ['pg', 'postgres', 'postgresql'].includes(knex.client.config.client);
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (!isPostgres(knex)) {
    return;
  }
  for (const table of TABLES) {
    await knex.raw('alter table ?? set (fillfactor = 80)', [table]);
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (!isPostgres(knex)) {
    return;
  }
  for (const table of TABLES) {
    await knex.raw('alter table ?? reset (fillfactor)', [table]);
  }
};
