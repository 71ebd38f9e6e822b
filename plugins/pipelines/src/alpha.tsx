import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import AccountTreeIcon from '@mui/icons-material/AccountTree';
import { pipelinesApiRef, PipelinesClient } from './api';
import { rootRouteRef } from './routes';

const pipelinesRouteRef = convertLegacyRouteRef(rootRouteRef);

/** @alpha */
export const pipelinesApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: pipelinesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PipelinesClient({ discoveryApi, fetchApi }),
    }),
});

/** @alpha */
export const pipelinesPage = PageBlueprint.make({
  params: {
    path: '/pipelines',
    title: 'Pipelines',
    icon: <AccountTreeIcon fontSize="inherit" />,
    routeRef: pipelinesRouteRef,
    loader: () =>
      import('./components/PipelinesPage').then(m => <m.PipelinesContent />),
  },
});

/**
 * The pipelines plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'pipelines',
  title: 'Pipelines',
  icon: <AccountTreeIcon fontSize="inherit" />,
  routes: {
    root: pipelinesRouteRef,
  },
  extensions: [pipelinesApi, pipelinesPage],
});
