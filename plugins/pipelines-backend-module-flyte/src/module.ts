import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { schedulerProvidersExtensionPoint } from '@tributary/plugin-pipelines-node';
import { FlyteProvider } from './FlyteProvider';

/**
 * Registers one {@link FlyteProvider} per instance under
 * `pipelines.providers.flyte`.
 *
 * @public
 */
export const flyteModule = createBackendModule({
  pluginId: 'pipelines',
  moduleId: 'flyte-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: schedulerProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        providers.addProvider(...FlyteProvider.fromConfig(config, { logger }));
      },
    });
  },
});
