import { DependencyList, useDeferredValue } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';

/**
 * `useAsyncRetry` whose answers render at low priority: React renders what
 * an answer changes in slices, between which the browser paints and handles
 * input, instead of in one long task. A page of sections that load at once
 * (the pipeline tab: runs, charts, lineage) so never blocks for long.
 *
 * `loading` stays true until the answer is drawn.
 */
export function useDeferredAsyncRetry<T>(
  fn: () => Promise<T>,
  deps: DependencyList,
) {
  const state = useAsyncRetry(fn, deps);
  const value = useDeferredValue(state.value);
  return {
    ...state,
    value,
    loading: state.loading || value !== state.value,
  };
}
