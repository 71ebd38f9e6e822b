/**
 * Types, run states and API shapes shared by the Tributary pipelines plugins.
 *
 * @packageDocumentation
 */

export * from './runStates';
export * from './api';
export * from './backfills';
export * from './permissions';
