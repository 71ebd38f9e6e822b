import {
  createApiFactory,
  createComponentExtension,
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

/**
 * The pipeline tab for `data-pipeline` Components: put it in an
 * `EntityLayout.Route` behind `isPipelineEntity`.
 *
 * @public
 */
export const EntityPipelineContent = pipelinesPlugin.provide(
  createComponentExtension({
    name: 'EntityPipelineContent',
    component: {
      lazy: () =>
        import('./components/PipelineTab').then(m => m.PipelineContent),
    },
  }),
);

/**
 * The dataset tab for `dataset` APIs: put it behind `isDatasetEntity`.
 *
 * @public
 */
export const EntityDatasetContent = pipelinesPlugin.provide(
  createComponentExtension({
    name: 'EntityDatasetContent',
    component: {
      lazy: () => import('./components/DatasetTab').then(m => m.DatasetContent),
    },
  }),
);

/**
 * The datasets a Component reads and writes, for its overview.
 *
 * @public
 */
export const EntityDatasetsCard = pipelinesPlugin.provide(
  createComponentExtension({
    name: 'EntityDatasetsCard',
    component: {
      lazy: () =>
        import('./components/DatasetsCard').then(m => m.EntityDatasetsCard),
    },
  }),
);

/**
 * A Group's pipelines, failing first, for its overview.
 *
 * @public
 */
export const EntityPipelinesOwnershipCard = pipelinesPlugin.provide(
  createComponentExtension({
    name: 'EntityPipelinesOwnershipCard',
    component: {
      lazy: () =>
        import('./components/OwnershipCard').then(
          m => m.EntityPipelinesOwnershipCard,
        ),
    },
  }),
);
