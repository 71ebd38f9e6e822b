/*
 * Runs, datasets, lineage, column lineage, quality results and raw events.
 * Timestamps are stored with time zone on PostgreSQL and as epoch millis on SQLite.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('pipelines', table => {
    table
      .string('parent_pipeline_id', 512)
      .nullable()
      .comment('OpenLineage parent job, e.g. the DAG of a task');
    table
      .text('source_owners')
      .nullable()
      .comment('JSON array of owners as the source names them, before mapping');
    table.string('job_type', 255).nullable();
  });

  await knex.schema.createTable('runs', table => {
    table.comment('One row per run; its state merged from every event seen');
    table.string('id', 255).primary().notNullable();
    table.string('pipeline_id', 512).notNullable();
    table.string('parent_run_id', 255).nullable();
    table.timestamp('partition_time', { useTz: true }).nullable();
    table.timestamp('partition_end_time', { useTz: true }).nullable();
    table.string('state', 32).notNullable();
    table.string('source_state', 64).nullable();
    table
      .integer('state_rank')
      .notNullable()
      .comment('-1 no state yet, 0 non-terminal, 1 terminal: higher wins');
    table
      .timestamp('state_time', { useTz: true })
      .nullable()
      .comment('Event time of the state that won; later wins within a rank');
    table.integer('attempt').nullable();
    table.timestamp('queued_at', { useTz: true }).nullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.timestamp('first_event_time', { useTz: true }).notNullable();
    table
      .timestamp('sort_time', { useTz: true })
      .notNullable()
      .comment('Partition time, else the first event time: orders runs');
    table.text('error_message').nullable();
    table.text('external_url').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['pipeline_id', 'sort_time'], 'runs_pipeline_sort_idx');
    table.index(['parent_run_id'], 'runs_parent_idx');
  });

  await knex.schema.createTable('datasets', table => {
    table.comment('Datasets named per OpenLineage naming: <namespace>/<name>');
    table.string('id', 1024).primary().notNullable();
    table.string('namespace', 512).notNullable();
    table.string('name', 1024).notNullable();
    table.string('platform', 64).nullable();
    table.text('description').nullable();
    table.text('schema').nullable().comment('JSON array of schema fields');
    table.text('source_owners').nullable();
    table.string('owner', 255).nullable();
    table.string('entity_ref', 512).nullable();
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table.timestamp('last_written_at', { useTz: true }).nullable();
    table.string('last_written_by_run', 255).nullable();
  });

  await knex.schema.createTable('dataset_aliases', table => {
    table.comment(
      'Symlinked identifiers of a dataset, from the symlinks facet',
    );
    table.string('alias_id', 1024).primary().notNullable();
    table.string('dataset_id', 1024).notNullable();
    table.index(['dataset_id'], 'dataset_aliases_dataset_idx');
  });

  await knex.schema.createTable('lineage_edges', table => {
    table.comment('A pipeline reads (input) or writes (output) a dataset');
    table.string('pipeline_id', 512).notNullable();
    table.string('dataset_id', 1024).notNullable();
    table.string('direction', 8).notNullable();
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .comment('When this store first wrote it: replicas load new edges by it');
    table.primary(['pipeline_id', 'dataset_id', 'direction']);
    table.index(['dataset_id'], 'lineage_edges_dataset_idx');
    table.index(['created_at'], 'lineage_edges_created_idx');
  });

  await knex.schema.createTable('pipeline_edges', table => {
    table.comment('Task dependencies: upstream pipeline feeds downstream one');
    table.string('upstream_id', 512).notNullable();
    table.string('downstream_id', 512).notNullable();
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['upstream_id', 'downstream_id']);
    table.index(['downstream_id'], 'pipeline_edges_downstream_idx');
    table.index(['created_at'], 'pipeline_edges_created_idx');
  });

  await knex.schema.createTable('column_lineage', table => {
    table.string('dataset_id', 1024).notNullable();
    table.string('field', 255).notNullable();
    table.string('input_dataset_id', 1024).notNullable();
    table.string('input_field', 255).notNullable();
    table.text('transformations').nullable().comment('JSON array');
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table.primary(['dataset_id', 'field', 'input_dataset_id', 'input_field']);
  });

  await knex.schema.createTable('quality_results', table => {
    table.string('run_id', 255).notNullable();
    table.string('dataset_id', 1024).notNullable();
    table.string('assertion', 255).notNullable();
    table
      .string('column_name', 255)
      .notNullable()
      .comment("'' for dataset-level assertions");
    table.boolean('success').notNullable();
    table.timestamp('partition_time', { useTz: true }).nullable();
    table.timestamp('observed_at', { useTz: true }).notNullable();
    table.primary(['run_id', 'dataset_id', 'assertion', 'column_name']);
    table.index(['dataset_id', 'observed_at'], 'quality_results_dataset_idx');
  });

  await knex.schema.createTable('events', table => {
    table.comment('Raw OpenLineage events, pruned after the retention period');
    table
      .string('id', 64)
      .primary()
      .notNullable()
      .comment('sha256 of the canonical JSON: the same event is stored once');
    table.string('event_type', 16).nullable();
    table.timestamp('event_time', { useTz: true }).notNullable();
    table.string('run_id', 255).nullable();
    table.string('job', 1024).nullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.text('payload').notNullable();
    table.index(['received_at'], 'events_received_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const name of [
    'events',
    'quality_results',
    'column_lineage',
    'pipeline_edges',
    'lineage_edges',
    'dataset_aliases',
    'datasets',
    'runs',
  ]) {
    await knex.schema.dropTable(name);
  }
  await knex.schema.alterTable('pipelines', table => {
    table.dropColumn('parent_pipeline_id');
    table.dropColumn('source_owners');
    table.dropColumn('job_type');
  });
};
