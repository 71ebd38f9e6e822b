/**
 * Tributary's frontend plugin. The main entry serves apps on the legacy frontend
 * system; `@tributary/plugin-pipelines/alpha` serves the new one.
 *
 * @packageDocumentation
 */

export {
  pipelinesPlugin,
  PipelinesPage,
  EntityPipelineContent,
  EntityDatasetContent,
  EntityDatasetsCard,
  EntityPipelinesOwnershipCard,
} from './plugin';
export { isPipelineEntity } from './components/PipelineTab/isPipelineEntity';
export { isDatasetEntity } from './components/DatasetTab/isDatasetEntity';
export { LineageGraph } from './components/LineageGraph';
export type { LineageGraphProps } from './components/LineageGraph';
export { pipelinesApiRef, PipelinesClient } from './api';
export type { LineageQuery, ListRunsQuery, PipelinesApi } from './api';
export { rootRouteRef } from './routes';
