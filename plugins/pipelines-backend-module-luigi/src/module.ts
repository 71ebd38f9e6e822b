import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { schedulerProvidersExtensionPoint } from '@tributary/plugin-pipelines-node';
import { LuigiProvider } from './LuigiProvider';

/**
 * Registers one scheduler provider per entry of `pipelines.providers.luigi`.
 *
 * @public
 */
export const luigiModule = createBackendModule({
  pluginId: 'pipelines',
  moduleId: 'luigi-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: schedulerProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        providers.addProvider(...LuigiProvider.fromConfig(config, { logger }));
      },
    });
  },
});
