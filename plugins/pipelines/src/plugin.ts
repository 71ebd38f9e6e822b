import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { pipelinesApiRef, PipelinesClient } from './api';
import { rootRouteRef } from './routes';

/**
 * The pipelines plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const pipelinesPlugin = createPlugin({
  id: 'pipelines',
  apis: [
    createApiFactory({
      api: pipelinesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PipelinesClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The `/pipelines` page for apps on the legacy frontend system.
 *
 * @public
 */
export const PipelinesPage = pipelinesPlugin.provide(
  createRoutableExtension({
    name: 'PipelinesPage',
    component: () =>
      import('./components/PipelinesPage').then(m => m.PipelinesPage),
    mountPoint: rootRouteRef,
  }),
);
