/**
 * Styx provider for the Tributary pipelines backend: Styx workflows as
 * pipelines, workflow instances as runs, and ad-hoc triggers and native
 * backfills through Styx's v3 API.
 *
 * @packageDocumentation
 */

export { styxModule as default } from './module';
export { StyxProvider } from './StyxProvider';
export type { StyxProviderOptions } from './StyxProvider';
