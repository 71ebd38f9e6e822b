/**
 * Tributary scheduler provider for Luigi: reports the task families, task
 * instances and family dependencies of Luigi central schedulers (`luigid`) to
 * the pipelines backend.
 *
 * @packageDocumentation
 */

export { luigiModule as default } from './module';
export { LuigiProvider } from './LuigiProvider';
export type { LuigiProviderOptions } from './LuigiProvider';
