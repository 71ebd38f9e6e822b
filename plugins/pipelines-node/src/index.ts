/**
 * Extension points and the SchedulerProvider interface for Tributary backend
 * modules.
 *
 * @packageDocumentation
 */

export * from './SchedulerProvider';
export * from './extensions';
export * from './fetchJson';
