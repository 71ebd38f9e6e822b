/**
 * The Tributary pipelines backend plugin: the pipelines store and its HTTP API.
 *
 * @packageDocumentation
 */

export { pipelinesPlugin as default } from './plugin';
