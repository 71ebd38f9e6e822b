/*
 * Monitoring: each pipeline's freshness and failure state as the last
 * evaluation found it, and the alert incidents it opened and resolved (one
 * notification per incident and recovery, not per evaluation).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('pipelines', table => {
    table
      .text('monitored_target')
      .nullable()
      .comment('The freshness target in force: annotation, config or source');
    table
      .timestamp('late_since', { useTz: true })
      .nullable()
      .comment('Deadline of the oldest partition late now');
    table.integer('late_partitions').nullable();
    table.timestamp('late_oldest_partition', { useTz: true }).nullable();
    table
      .integer('failure_streak')
      .nullable()
      .comment('Failed partitions in a row, from the latest back');
  });

  await knex.schema.createTable('pipeline_alerts', table => {
    table.comment('Alert incidents: opened once, resolved once');
    table.string('id', 64).primary().notNullable();
    table.string('pipeline_id', 512).notNullable();
    table.string('kind', 32).notNullable().comment('late or failing');
    table
      .string('incident_key', 255)
      .notNullable()
      .comment('What started it: the first late partition or failed run');
    table.text('details').notNullable().comment('JSON: impact and counts');
    table.timestamp('opened_at', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.timestamp('open_notified_at', { useTz: true }).nullable();
    table.timestamp('resolved_notified_at', { useTz: true }).nullable();
    table.unique(['pipeline_id', 'kind', 'incident_key'], {
      indexName: 'pipeline_alerts_incident_idx',
    });
    table.index(['resolved_at'], 'pipeline_alerts_resolved_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('pipeline_alerts');
  await knex.schema.alterTable('pipelines', table => {
    table.dropColumn('monitored_target');
    table.dropColumn('late_since');
    table.dropColumn('late_partitions');
    table.dropColumn('late_oldest_partition');
    table.dropColumn('failure_streak');
  });
};
