import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { schedulerProvidersExtensionPoint } from '@tributary/plugin-pipelines-node';
import { DemoFeed } from './DemoFeed';
import { createDemoPlatform, DEMO_DEFAULT_SEED } from './platform/demoPlatform';
import { simulatedPipelineSpecs } from './platform/simulatedPipelines';
import { SimulatedScheduler } from './simulated/SimulatedScheduler';

const DEFAULT_HISTORY_DAYS = 30;
/** Demo backfills of minutes-long pipelines end within a minute or so. */
const DEFAULT_ACTION_SPEEDUP = 30;

/**
 * The embedded default's demo data platform and simulated scheduler. Off
 * unless `pipelines.demo.enabled` is set.
 *
 * @public
 */
export const pipelinesModuleDemo = createBackendModule({
  pluginId: 'pipelines',
  moduleId: 'demo',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        scheduler: coreServices.scheduler,
        events: eventsServiceRef,
        providers: schedulerProvidersExtensionPoint,
      },
      async init({ config, logger, lifecycle, scheduler, events, providers }) {
        if (!config.getOptionalBoolean('pipelines.demo.enabled')) {
          return;
        }
        const seed =
          config.getOptionalNumber('pipelines.demo.seed') ?? DEMO_DEFAULT_SEED;
        const historyDays =
          config.getOptionalNumber('pipelines.demo.historyDays') ??
          DEFAULT_HISTORY_DAYS;
        logger.warn(
          'Demo data is on (pipelines.demo.enabled): generated pipelines, runs and a simulated scheduler. Not for production.',
        );

        const platform = createDemoPlatform(seed);
        providers.addProvider(
          SimulatedScheduler.create({
            pipelines: simulatedPipelineSpecs(platform),
            seed,
            historyDays,
            actionSpeedup:
              config.getOptionalNumber('pipelines.demo.actionSpeedup') ??
              DEFAULT_ACTION_SPEEDUP,
          }),
        );

        const feed = new DemoFeed({
          platform,
          events,
          logger,
          seed,
          historyDays,
        });
        // After start-up, so the ingest's subscription exists; the portal is
        // usable while the history streams in.
        lifecycle.addStartupHook(async () => {
          const started = Date.now();
          const sent = await feed.publishDue();
          logger.info(
            `Demo data: ${platform.pipelines.length} pipelines, ${
              platform.datasets.length
            } datasets, ${sent} OpenLineage events ingested in ${
              (Date.now() - started) / 1000
            } s`,
          );
          await scheduler.scheduleTask({
            id: 'pipelines-demo-feed',
            scope: 'local',
            frequency: { minutes: 1 },
            timeout: { minutes: 5 },
            initialDelay: { minutes: 1 },
            fn: async () => {
              await feed.publishDue();
            },
          });
        });
      },
    });
  },
});
