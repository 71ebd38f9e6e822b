import { SignalApi } from '@backstage/plugin-signals-react';
import { act } from '@testing-library/react';

type Listener = (message: any) => void;

/**
 * A signals API whose messages the test sends with `emit`, as the backend's
 * would arrive: each a new object, parsed from JSON.
 */
export function fakeSignalApi(): SignalApi & {
  emit(channel: string, message: object): void;
  /** Channels with a subscriber now. */
  channels(): string[];
} {
  const listeners = new Map<string, Set<Listener>>();
  return {
    subscribe(channel, onMessage) {
      const set = listeners.get(channel) ?? new Set<Listener>();
      listeners.set(channel, set);
      set.add(onMessage);
      return {
        unsubscribe: () => {
          set.delete(onMessage);
        },
      };
    },
    emit(channel, message) {
      act(() => {
        for (const listener of listeners.get(channel) ?? []) {
          listener(JSON.parse(JSON.stringify(message)));
        }
      });
    },
    channels() {
      return [...listeners].filter(([, set]) => set.size > 0).map(([c]) => c);
    },
  };
}
