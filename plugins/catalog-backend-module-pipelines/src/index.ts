/**
 * Catalog backend module that emits Tributary pipelines as `data-pipeline`
 * Components and their datasets as `dataset` APIs.
 *
 * @packageDocumentation
 */

export { catalogModulePipelines as default } from './module';
export { PipelinesEntityProvider } from './PipelinesEntityProvider';
export type { PipelinesEntityProviderOptions } from './PipelinesEntityProvider';
export { HttpPipelinesCatalogSource } from './PipelinesCatalogClient';
export type {
  CatalogExportQuery,
  PipelinesCatalogSource,
} from './PipelinesCatalogClient';
export { datasetEntityRef } from './entities';
export type { EntityDefaults } from './entities';
