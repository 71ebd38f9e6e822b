import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { act, renderHook } from '@testing-library/react';
import { ReactNode } from 'react';
import { fakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import { namesAny, useSignalRefresh } from './useSignalRefresh';

const CHANNEL = 'tributary-pipelines';

function withSignals(signals: ReturnType<typeof fakeSignalApi>) {
  return ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[signalApiRef, signals]]}>
      {children}
    </TestApiProvider>
  );
}

describe('useSignalRefresh', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('counts signals at once, then at most once per interval', () => {
    jest.useFakeTimers();
    const signals = fakeSignalApi();
    const { result } = renderHook(() => useSignalRefresh(CHANNEL), {
      wrapper: withSignals(signals),
    });
    expect(result.current).toBe(0);

    signals.emit(CHANNEL, { pipelineIds: ['a'] });
    expect(result.current).toBe(1);

    // Within the interval: held back, then counted once at its end.
    signals.emit(CHANNEL, { pipelineIds: ['a'] });
    signals.emit(CHANNEL, { pipelineIds: ['a'] });
    expect(result.current).toBe(1);
    act(() => {
      jest.advanceTimersByTime(1999);
    });
    expect(result.current).toBe(1);
    act(() => {
      jest.advanceTimersByTime(1);
    });
    expect(result.current).toBe(2);

    // Long after: at once again.
    act(() => {
      jest.advanceTimersByTime(5000);
    });
    signals.emit(CHANNEL, { pipelineIds: ['a'] });
    expect(result.current).toBe(3);
  });

  it('counts only the signals that concern the caller', () => {
    const signals = fakeSignalApi();
    const shown = new Set(['airflow:daily']);
    const { result } = renderHook(
      () => useSignalRefresh(CHANNEL, message => namesAny(message, shown)),
      { wrapper: withSignals(signals) },
    );

    signals.emit(CHANNEL, { pipelineIds: ['luigi:other'] });
    expect(result.current).toBe(0);
    signals.emit(CHANNEL, { pipelineIds: ['luigi:other', 'airflow:daily'] });
    expect(result.current).toBe(1);
  });

  it('unsubscribes when unmounted and stays 0 without a signals API', () => {
    const signals = fakeSignalApi();
    const { unmount } = renderHook(() => useSignalRefresh(CHANNEL), {
      wrapper: withSignals(signals),
    });
    expect(signals.channels()).toEqual([CHANNEL]);
    unmount();
    expect(signals.channels()).toEqual([]);

    const { result } = renderHook(() => useSignalRefresh(CHANNEL), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <TestApiProvider apis={[]}>{children}</TestApiProvider>
      ),
    });
    expect(result.current).toBe(0);
  });
});
