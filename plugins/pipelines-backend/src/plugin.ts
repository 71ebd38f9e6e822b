import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createRouter } from './service/router';
import { DatabasePipelinesStore } from './store/DatabasePipelinesStore';

/**
 * The Tributary pipelines backend plugin.
 *
 * @public
 */
export const pipelinesPlugin = createBackendPlugin({
  pluginId: 'pipelines',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ config, database, httpRouter, logger }) {
        const store = await DatabasePipelinesStore.create({ database });
        httpRouter.use(await createRouter({ store, config, logger }));
      },
    });
  },
});
