/*
 * Quality metrics: what a run measured of a dataset (OpenLineage
 * `dataQualityMetrics`), one row per run and dataset.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('quality_metrics', table => {
    table.comment('OpenLineage dataQualityMetrics, per run and dataset');
    table.string('run_id', 255).notNullable();
    table.string('dataset_id', 1024).notNullable();
    table.timestamp('partition_time', { useTz: true }).nullable();
    table
      .timestamp('observed_at', { useTz: true })
      .notNullable()
      .comment('Event time: a later event of the run replaces the metrics');
    table.bigInteger('row_count').nullable();
    table.bigInteger('bytes').nullable();
    table.integer('file_count').nullable();
    table
      .text('column_metrics')
      .nullable()
      .comment('JSON: column name → its metrics');
    table.primary(['run_id', 'dataset_id']);
    table.index(['dataset_id', 'observed_at'], 'quality_metrics_dataset_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('quality_metrics');
};
