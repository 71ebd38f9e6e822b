import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { schedulerProvidersExtensionPoint } from '@tributary/plugin-pipelines-node';
import { AirflowProvider } from './AirflowProvider';

/**
 * Registers one scheduler provider per `pipelines.providers.airflow` entry.
 *
 * @public
 */
export const airflowModule = createBackendModule({
  pluginId: 'pipelines',
  moduleId: 'airflow-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: schedulerProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        providers.addProvider(
          ...AirflowProvider.fromConfig(config, { logger }),
        );
      },
    });
  },
});
