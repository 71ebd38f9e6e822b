/**
 * Tributary scheduler provider for Flyte: reports FlyteAdmin launch plans as
 * pipelines and workflow executions as runs, and starts executions for
 * partitions.
 *
 * @packageDocumentation
 */

export { flyteModule as default } from './module';
export { FlyteProvider } from './FlyteProvider';
export type { FlyteProviderOptions, FlyteProjectDomain } from './config';
export type { FlyteClientCredentials } from './FlyteAuth';
export type { PartitionFormat } from './mapping';
