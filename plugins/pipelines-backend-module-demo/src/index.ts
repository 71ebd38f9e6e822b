/**
 * The embedded default's demo for Tributary: a generated data platform fed
 * through the OpenLineage ingest, and a simulated scheduler.
 *
 * @packageDocumentation
 */

export { pipelinesModuleDemo as default } from './module';
export { createDemoPlatform } from './platform/demoPlatform';
export type {
  DemoDataset,
  DemoPipeline,
  DemoPlatform,
  DemoService,
} from './platform/demoPlatform';
