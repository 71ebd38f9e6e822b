import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { pipelinesPermissions } from '@tributary/plugin-pipelines-common';
import {
  SchedulerProvider,
  schedulerProvidersExtensionPoint,
} from '@tributary/plugin-pipelines-node';
import { BackfillService } from './backfills/BackfillService';
import {
  OwnershipService,
  readOwnerMapping,
} from './ownership/OwnershipService';
import { ProviderPoller } from './providers/ProviderPoller';
import {
  DEFAULT_RAW_EVENT_RETENTION,
  RawEventRetention,
} from './service/RawEventRetention';
import { createIngestPath } from './service/createIngestPath';
import { createRouter } from './service/router';
import { DatabaseBackfillStore } from './store/DatabaseBackfillStore';
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
        logger: coreServices.logger,
        notifications: notificationService,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
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
        logger,
        notifications,
        permissions,
        permissionsRegistry,
        scheduler,
        events,
      }) {
        const store = await DatabasePipelinesStore.create({ database });
        permissionsRegistry.addPermissions(pipelinesPermissions);
        const { lineage, batcher, ingestor } = createIngestPath({
          store,
          config,
          logger,
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
          retention: config.has('pipelines.events.retention')
            ? readDurationFromConfig(config, {
                key: 'pipelines.events.retention',
              })
            : DEFAULT_RAW_EVENT_RETENTION,
        });
        await scheduler.scheduleTask({
          id: 'pipelines-refresh-lineage-graph',
          // Each replica keeps its own graph, so each refreshes it.
          scope: 'local',
          frequency: { seconds: 30 },
          timeout: { minutes: 5 },
          fn: () => lineage.refresh(),
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
        });
        await scheduler.scheduleTask({
          id: BACKFILLS_TASK_ID,
          // Global: one replica at a time moves backfills along, so the
          // concurrency of an orchestrated backfill holds across replicas.
          frequency: { seconds: 10 },
          timeout: { minutes: 5 },
          fn: () => backfills.advance(),
        });

        httpRouter.use(
          await createRouter({
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
