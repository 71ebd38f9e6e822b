/**
 * A fake Luigi central scheduler and a synthetic scheduler state, for tests and
 * benchmarks of code that polls Luigi.
 *
 * @packageDocumentation
 */

export { FakeLuigiServer } from './FakeLuigiServer';
export { syntheticScheduler } from './syntheticScheduler';
