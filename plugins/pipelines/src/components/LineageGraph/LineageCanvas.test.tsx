import { act, renderHook } from '@testing-library/react';
import { DRAW_BATCH, useProgressiveDrawing } from './LineageCanvas';

const keys = (count: number, prefix = 'n') =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('useProgressiveDrawing', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const nextFrame = () => act(() => jest.advanceTimersByTime(20));

  it('draws a batch at once, then a batch more every frame', () => {
    const order = keys(DRAW_BATCH * 2 + 5);
    const { result } = renderHook(() => useProgressiveDrawing(order));

    expect([...result.current]).toEqual(order.slice(0, DRAW_BATCH));
    nextFrame();
    expect([...result.current]).toEqual(order.slice(0, DRAW_BATCH * 2));
    nextFrame();
    expect([...result.current]).toEqual(order);
    nextFrame();
    expect(result.current.size).toBe(order.length);
  });

  it('draws a small graph at once', () => {
    const order = keys(3);
    const { result } = renderHook(() => useProgressiveDrawing(order));
    expect([...result.current]).toEqual(order);
  });

  it('keeps what is drawn when the order changes, and draws the new', () => {
    const first = keys(DRAW_BATCH);
    const { result, rerender } = renderHook(
      ({ order }) => useProgressiveDrawing(order),
      { initialProps: { order: first } },
    );
    expect(result.current.size).toBe(DRAW_BATCH);

    // An expanded node: the new nodes come first in the new order.
    const added = keys(DRAW_BATCH + 1, 'new');
    const second = [...added, ...first.slice(1)];
    rerender({ order: second });

    const drawn = [...result.current];
    expect(drawn).toHaveLength(DRAW_BATCH - 1 + DRAW_BATCH);
    expect(drawn).toEqual(expect.arrayContaining(first.slice(1)));
    expect(drawn).not.toContain('n0');
    expect(drawn).not.toContain(`new${DRAW_BATCH}`);
    nextFrame();
    expect(new Set(result.current)).toEqual(new Set(second));
  });
});
