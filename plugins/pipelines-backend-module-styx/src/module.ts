import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { schedulerProvidersExtensionPoint } from '@tributary/plugin-pipelines-node';
import { StyxProvider } from './StyxProvider';

/**
 * Registers one Styx provider per entry of `pipelines.providers.styx`.
 *
 * @public
 */
export const styxModule = createBackendModule({
  pluginId: 'pipelines',
  moduleId: 'styx-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: schedulerProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        providers.addProvider(...StyxProvider.fromConfig(config, { logger }));
      },
    });
  },
});
