/*
 * Checkpoints of deferred touches: a replica holds the seen and written times
 * of rows it already wrote in memory for a few seconds, and records here since
 * when, so that another replica replays those raw events if it dies first.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ingest_checkpoints', table => {
    table.comment('Per replica: since when it holds unflushed touches');
    table.string('replica_id', 64).primary().notNullable();
    table
      .timestamp('pending_since', { useTz: true })
      .notNullable()
      .comment('Receipt time of the oldest raw event whose touches are held');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ingest_checkpoints');
};
