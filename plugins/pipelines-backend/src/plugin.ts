import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { pipelinesPermissions } from '@tributary/plugin-pipelines-common';
import {
  SchedulerProvider,
  schedulerProvidersExtensionPoint,
} from '@tributary/plugin-pipelines-node';
import { BackfillService } from './backfills/BackfillService';
import {
  MonitoringService,
  readMonitoringOptions,
} from './monitoring/MonitoringService';
import { PipelineSignals } from './monitoring/PipelineSignals';
import {
  OwnershipService,
  readOwnerMapping,
} from './ownership/OwnershipService';
import { ProviderPoller } from './providers/ProviderPoller';
import {
  RawEventRetention,
  readRawEventRetention,
} from './service/RawEventRetention';
import { DeferredTouchRecovery } from './ingest/DeferredTouchRecovery';
import { createIngestPath } from './service/createIngestPath';
import { createRouter } from './service/router';
import { DatabaseBackfillStore } from './store/DatabaseBackfillStore';
import { DatabaseMonitoringStore } from './store/DatabaseMonitoringStore';
import { DatabasePipelinesStore } from './store/DatabasePipelinesStore';

const BACKFILLS_TASK_ID = 'pipelines-advance-backfills';

/** Topic of Backstage's events service that carries OpenLineage events. */
export const OPENLINEAGE_EVENTS_TOPIC = 'openlineage';

/**
 * The Tributary pipelines backend plugin.
 *
 * @public
 */
export const pipelinesPlugin = createBackendPlugin({
  pluginId: 'pipelines',
  register(env) {
    const providers: SchedulerProvider[] = [];
    env.registerExtensionPoint(schedulerProvidersExtensionPoint, {
      addProvider(...added) {
        providers.push(...added);
      },
    });

    env.registerInit({
      deps: {
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        notifications: notificationService,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        signals: signalsServiceRef,
        events: eventsServiceRef,
      },
      async init({
        auditor,
        auth,
        catalog,
        config,
        database,
        httpAuth,
        httpRouter,
        lifecycle,
        logger,
        notifications,
        permissions,
        permissionsRegistry,
        scheduler,
        signals,
        events,
      }) {
        // Read first: a bad freshness target in config stops start-up here.
        const monitoringOptions = readMonitoringOptions(config);
        const store = await DatabasePipelinesStore.create({ database });
        permissionsRegistry.addPermissions(pipelinesPermissions);
        const pipelineSignals = new PipelineSignals(signals, logger);
        const { lineage, batcher, ingestor } = createIngestPath({
          store,
          config,
          logger,
          onCommitted: writes =>
            pipelineSignals.notify(writes.runs.map(run => run.pipelineId)),
        });

        lifecycle.addShutdownHook(() => batcher.stop());
        const touchRecovery = new DeferredTouchRecovery(store, logger);
        await scheduler.scheduleTask({
          id: 'pipelines-replay-unflushed-touches',
          // Global: one replica replays what a dead one left unflushed.
          frequency: { minutes: 1 },
          timeout: { minutes: 10 },
          fn: async () => {
            await touchRecovery.run();
          },
        });

        await events.subscribe({
          id: 'pipelines-openlineage',
          topics: [OPENLINEAGE_EVENTS_TOPIC],
          async onEvent({ eventPayload }) {
            const [result] = await ingestor.ingest([eventPayload], {
              checkSizes: true,
            });
            if (result.status === 'rejected') {
              logger.warn(
                `Rejected OpenLineage event from topic '${OPENLINEAGE_EVENTS_TOPIC}': ${JSON.stringify(
                  result.problems,
                )}`,
              );
            }
          },
        });

        await RawEventRetention.start({
          store,
          scheduler,
          logger,
          retention: readRawEventRetention(config),
        });
        await scheduler.scheduleTask({
          id: 'pipelines-refresh-lineage-graph',
          // Each replica keeps its own graph, so each refreshes it.
          scope: 'local',
          frequency: { seconds: 30 },
          timeout: { minutes: 5 },
          fn: () => lineage.refresh(),
        });
        // Rows a replica wrote under a dataset id before it learnt that the
        // id is an alias (each replica re-reads aliases every 30 s).
        await scheduler.scheduleTask({
          id: 'pipelines-merge-dataset-aliases',
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          fn: async () => {
            try {
              const moved = await store.mergeAliasedDatasets();
              if (moved > 0) {
                logger.info(
                  `Moved ${moved} rows of dataset aliases to their datasets`,
                );
                await lineage.reload();
              }
            } catch (error) {
              logger.warn(`Merging dataset aliases failed: ${error}`);
            }
          },
        });

        const ownership = new OwnershipService({
          store,
          catalog,
          auth,
          logger,
          mapping: readOwnerMapping(config),
        });
        await scheduler.scheduleTask({
          id: 'pipelines-resolve-owners',
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          // The catalog answers only once every plugin has started.
          initialDelay: { seconds: 5 },
          fn: async () => {
            await ownership.sync();
          },
        });

        await ProviderPoller.create({
          providers,
          store,
          batcher,
          scheduler,
          logger,
        }).start();

        const backfills = new BackfillService({
          store,
          backfills: await DatabaseBackfillStore.create({ database }),
          providers,
          permissions,
          catalog,
          auth,
          auditor,
          notifications,
          logger,
          onPipelinesChanged: ids => pipelineSignals.notify(ids),
        });
        await scheduler.scheduleTask({
          id: BACKFILLS_TASK_ID,
          // Global: one replica at a time moves backfills along, so the
          // concurrency of an orchestrated backfill holds across replicas.
          frequency: { seconds: 10 },
          timeout: { minutes: 5 },
          fn: () => backfills.advance(),
        });

        const monitoringStore = await DatabaseMonitoringStore.create({
          database,
        });
        const monitoring = new MonitoringService({
          store,
          monitoring: monitoringStore,
          lineage,
          catalog,
          auth,
          notifications,
          logger,
          options: monitoringOptions,
          onChanged: ids => pipelineSignals.notify(ids),
        });
        await scheduler.scheduleTask({
          id: 'pipelines-evaluate-monitoring',
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          // After the catalog answers and the first polls have landed.
          initialDelay: { seconds: 45 },
          fn: async () => {
            const result = await monitoring.evaluate();
            logger.debug(
              `Monitoring: ${result.evaluated} pipelines, ${result.withTarget} with a freshness target, ${result.late} late, ${result.failing} failing; ${result.opened} alerts opened, ${result.resolved} resolved`,
            );
          },
        });

        httpRouter.use(
          await createRouter({
            monitoring: monitoringStore,
            store,
            ingestor,
            lineage,
            ownership,
            backfills,
            httpAuth,
            config,
            logger,
          }),
        );
      },
    });
  },
});
