/**
 * The run states every source is normalized onto. The source's own state is kept
 * beside the normalized one.
 *
 * @public
 */
export const RUN_STATES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'aborted',
  'skipped',
  'unknown',
] as const;

/** @public */
export type RunState = (typeof RUN_STATES)[number];

/** @public */
export function isRunState(value: unknown): value is RunState {
  return (
    typeof value === 'string' &&
    (RUN_STATES as readonly string[]).includes(value)
  );
}
