import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { EntityDefaults } from './entities';
import { HttpPipelinesCatalogSource } from './PipelinesCatalogClient';
import { PipelinesEntityProvider } from './PipelinesEntityProvider';

const CONFIG_KEY = 'catalog.providers.tributaryPipelines';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { minutes: 10 },
};

export function readEntityDefaults(config?: Config): EntityDefaults {
  return {
    owner:
      config?.getOptionalString('defaults.owner') ?? 'group:default/unowned',
    lifecycle: config?.getOptionalString('defaults.lifecycle') ?? 'production',
    system: config?.getOptionalString('defaults.system'),
  };
}

/**
 * Adds the entity provider for Tributary pipelines and datasets to the
 * catalog, refreshed on the schedule in `catalog.providers.tributaryPipelines`.
 *
 * @public
 */
export const catalogModulePipelines = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'tributary-pipelines',
  register(reg) {
    reg.registerInit({
      deps: {
        catalogProcessing: catalogProcessingExtensionPoint,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
      },
      async init({
        catalogProcessing,
        catalog,
        config,
        discovery,
        auth,
        scheduler,
        logger,
      }) {
        const providerConfig = config.getOptionalConfig(CONFIG_KEY);
        const scheduleConfig = providerConfig?.getOptionalConfig('schedule');
        const schedule = scheduleConfig
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
          : DEFAULT_SCHEDULE;
        catalogProcessing.addEntityProvider(
          PipelinesEntityProvider.create({
            source: HttpPipelinesCatalogSource.create({ discovery, auth }),
            catalog,
            auth,
            logger,
            defaults: readEntityDefaults(providerConfig),
            // One replica at a time: the catalog needs each change only once.
            taskRunner: scheduler.createScheduledTaskRunner({
              ...schedule,
              scope: 'global',
            }),
          }),
        );
      },
    });
  },
});
