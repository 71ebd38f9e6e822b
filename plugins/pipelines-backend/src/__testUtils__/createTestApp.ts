import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuditorService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SchedulerProvider } from '@tributary/plugin-pipelines-node';
import express from 'express';
import { BackfillService } from '../backfills/BackfillService';
import { Knex } from 'knex';
import { OpenLineageValidator } from '../ingest/OpenLineageValidator';
import {
  OwnershipService,
  readOwnerMapping,
} from '../ownership/OwnershipService';
import { createIngestPath } from '../service/createIngestPath';
import { createRouter } from '../service/router';
import { DatabaseBackfillStore } from '../store/DatabaseBackfillStore';
import { DatabaseMonitoringStore } from '../store/DatabaseMonitoringStore';
import { DatabasePipelinesStore } from '../store/DatabasePipelinesStore';
import { databaseServiceFor } from './testDatabases';

let sharedValidator: OpenLineageValidator | undefined;

/** The plugin's router over a real store, as plugin.ts wires it. */
export async function createTestApp(
  knex: Knex,
  configData: Record<string, any> = {},
  catalogEntities: Entity[] = [],
  backfillOptions: {
    providers?: SchedulerProvider[];
    permissions?: PermissionsService;
    auditor?: AuditorService;
    notifications?: NotificationService;
    clock?: () => Date;
    onPipelinesChanged?: (pipelineIds: string[]) => void;
  } = {},
) {
  const logger = mockServices.logger.mock();
  const store = await DatabasePipelinesStore.create({
    database: databaseServiceFor(knex),
  });
  sharedValidator ??= OpenLineageValidator.create();
  const config = mockServices.rootConfig({ data: configData });
  const { lineage, ingestor } = createIngestPath({
    store,
    config,
    logger,
    validator: sharedValidator,
  });
  const catalog = catalogServiceMock({ entities: catalogEntities });
  const ownership = new OwnershipService({
    store,
    catalog,
    auth: mockServices.auth(),
    logger,
    mapping: readOwnerMapping(config),
  });
  const backfills = new BackfillService({
    store,
    backfills: await DatabaseBackfillStore.create({
      database: databaseServiceFor(knex),
    }),
    providers: backfillOptions.providers ?? [],
    permissions: backfillOptions.permissions ?? mockServices.permissions(),
    catalog,
    auth: mockServices.auth(),
    auditor: backfillOptions.auditor ?? mockServices.auditor.mock(),
    notifications: backfillOptions.notifications,
    logger,
    clock: backfillOptions.clock,
    onPipelinesChanged: backfillOptions.onPipelinesChanged,
  });
  const monitoring = await DatabaseMonitoringStore.create({
    database: databaseServiceFor(knex),
  });
  const router = await createRouter({
    store,
    ingestor,
    lineage,
    ownership,
    backfills,
    monitoring,
    httpAuth: mockServices.httpAuth(),
    config,
    logger,
  });
  return {
    app: express().use(router),
    store,
    lineage,
    ingestor,
    ownership,
    backfills,
    monitoring,
    catalog,
    knex,
  };
}

const DATA_TABLES = [
  'pipelines',
  'runs',
  'datasets',
  'dataset_aliases',
  'lineage_edges',
  'pipeline_edges',
  'column_lineage',
  'quality_results',
  'quality_metrics',
  'events',
  'backfills',
  'backfill_partitions',
];

/** Row counts of every table the ingest writes. */
export async function countRows(knex: Knex): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of DATA_TABLES) {
    const [{ count }] = await knex(table).count({ count: '*' });
    counts[table] = Number(count);
  }
  return counts;
}

/** Every row of every data table, for "nothing changed" assertions. */
export async function snapshotRows(knex: Knex) {
  const snapshot: Record<string, unknown[]> = {};
  for (const table of DATA_TABLES) {
    snapshot[table] = (await knex(table).select()).map(row => {
      const { updated_at: _ignored, ...rest } = row;
      return rest;
    });
    snapshot[table].sort((a, b) =>
      JSON.stringify(a) < JSON.stringify(b) ? -1 : 1,
    );
  }
  return snapshot;
}
