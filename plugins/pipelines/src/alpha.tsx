import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  ApiHolder,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import AccountTreeIcon from '@mui/icons-material/AccountTree';
import { pipelinesApiRef, PipelinesClient } from './api';
import { isDatasetEntity } from './components/DatasetTab/isDatasetEntity';
import { prefetchFirstPage } from './components/PipelinesPage/firstPage';
import { isPipelineEntity } from './components/PipelineTab/isPipelineEntity';
import { rootRouteRef } from './routes';

const pipelinesRouteRef = convertLegacyRouteRef(rootRouteRef);

/** The page's code, and the first page of pipelines while the code loads. */
function loadPipelinesPage(apis: ApiHolder) {
  const api = apis.get(pipelinesApiRef);
  if (api) {
    prefetchFirstPage(api, window.location.search);
  }
  return import('./components/PipelinesPage');
}

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
export const pipelinesPage = PageBlueprint.makeWithOverrides({
  factory(originalFactory, { apis, config }) {
    const path = config.path ?? '/pipelines';
    // A full page load of this page: both start now, with the app, while it
    // signs in and draws its frame, not once it draws the page. (The request
    // waits for the sign-in for its token.)
    let early = window.location.pathname.replace(/\/+$/, '').endsWith(path)
      ? loadPipelinesPage(apis)
      : undefined;
    return originalFactory({
      path,
      title: 'Pipelines',
      icon: <AccountTreeIcon fontSize="inherit" />,
      routeRef: pipelinesRouteRef,
      loader: () => {
        const page = early ?? loadPipelinesPage(apis);
        early = undefined;
        return page.then(m => <m.PipelinesContent />);
      },
    });
  },
});

/** Runs, run history, durations and lineage on `data-pipeline` Components. @alpha */
export const pipelineEntityContent = EntityContentBlueprint.make({
  name: 'pipeline',
  params: {
    path: '/pipeline',
    title: 'Pipeline',
    filter: isPipelineEntity,
    loader: () =>
      import('./components/PipelineTab').then(m => <m.PipelineContent />),
  },
});

/** Lineage, producers, consumers, schema and quality on `dataset` APIs. @alpha */
export const datasetEntityContent = EntityContentBlueprint.make({
  name: 'dataset',
  params: {
    path: '/dataset',
    title: 'Dataset',
    filter: isDatasetEntity,
    loader: () =>
      import('./components/DatasetTab').then(m => <m.DatasetContent />),
  },
});

/** The datasets a Component reads and writes. @alpha */
export const datasetsEntityCard = EntityCardBlueprint.make({
  name: 'datasets',
  params: {
    filter: 'kind:component',
    loader: () =>
      import('./components/DatasetsCard').then(m => <m.EntityDatasetsCard />),
  },
});

/** A Group's pipelines, failing first. @alpha */
export const pipelinesOwnershipEntityCard = EntityCardBlueprint.make({
  name: 'pipelines-ownership',
  params: {
    filter: 'kind:group',
    loader: () =>
      import('./components/OwnershipCard').then(m => (
        <m.EntityPipelinesOwnershipCard />
      )),
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
  extensions: [
    pipelinesApi,
    pipelinesPage,
    pipelineEntityContent,
    datasetEntityContent,
    datasetsEntityCard,
    pipelinesOwnershipEntityCard,
  ],
});
