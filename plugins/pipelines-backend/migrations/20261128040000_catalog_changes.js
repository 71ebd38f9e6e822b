/*
 * The catalog module reads what changed since its last read: every write to a
 * pipeline or dataset row stamps it with the store's clock (event times can
 * be hours old, so last_seen_at cannot serve).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const now = new Date();
  for (const table of ['pipelines', 'datasets']) {
    await knex.schema.alterTable(table, t => {
      t.timestamp('updated_at', { useTz: true })
        .nullable()
        .comment('Store time of the last write to the row');
    });
    await knex(table).update({ updated_at: now });
    await knex.schema.alterTable(table, t => {
      t.index(['updated_at'], `${table}_updated_at_idx`);
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const table of ['pipelines', 'datasets']) {
    await knex.schema.alterTable(table, t => {
      t.dropIndex([], `${table}_updated_at_idx`);
      t.dropColumn('updated_at');
    });
  }
};
