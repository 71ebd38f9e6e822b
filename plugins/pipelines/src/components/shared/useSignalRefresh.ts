import { useSignal } from '@backstage/plugin-signals-react';
import { PipelinesChangedSignal } from '@tributary/plugin-pipelines-common';
import { useCallback, useEffect, useRef, useState } from 'react';

/** Loads started by signals are at least this far apart. */
export const SIGNAL_REFRESH_INTERVAL_MS = 2000;

/**
 * A counter that goes up at most once per `intervalMs`: the first bump at
 * once, bumps within the interval after it as one at its end.
 */
export function useThrottledCounter(intervalMs: number): [number, () => void] {
  const [count, setCount] = useState(0);
  const lastAt = useRef<number>();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);

  const bump = useCallback(() => {
    if (timer.current !== undefined) {
      // A bump is due at the end of the interval already.
      return;
    }
    const fire = () => {
      timer.current = undefined;
      lastAt.current = Date.now();
      setCount(current => current + 1);
    };
    const wait =
      lastAt.current === undefined
        ? 0
        : lastAt.current + intervalMs - Date.now();
    if (wait <= 0) {
      fire();
    } else {
      timer.current = setTimeout(fire, wait);
    }
  }, [intervalMs]);

  return [count, bump];
}

/**
 * A number that changes when the backend signals a change on `channel` that
 * `concerns` the caller (every message, without it), at most once per
 * `intervalMs`: put it in the dependencies of a load to load again. Stays 0
 * when the app has no signals API.
 */
export function useSignalRefresh(
  channel: string,
  concerns?: (message: PipelinesChangedSignal) => boolean,
  intervalMs: number = SIGNAL_REFRESH_INTERVAL_MS,
): number {
  const { lastSignal } = useSignal<PipelinesChangedSignal>(channel);
  const [version, bump] = useThrottledCounter(intervalMs);
  // The latest filter, without subscribing again when it changes.
  const concernsRef = useRef(concerns);
  concernsRef.current = concerns;

  useEffect(() => {
    if (lastSignal && (concernsRef.current?.(lastSignal) ?? true)) {
      bump();
    }
  }, [lastSignal, bump]);

  return version;
}

/** Whether a signal names any of `ids`. */
export function namesAny(
  message: PipelinesChangedSignal,
  ids: ReadonlySet<string>,
): boolean {
  return (message.pipelineIds ?? []).some(id => ids.has(id));
}
