import { act, render, renderHook, screen } from '@testing-library/react';
import { getViewportForBounds } from '@xyflow/react';
import {
  DRAW_BATCH,
  LineageCanvas,
  LineageFlowNode,
  useProgressiveDrawing,
} from './LineageCanvas';
import { installReactFlowInJsdom } from '../../__testUtils__/reactFlowInJsdom';

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

describe('LineageCanvas', () => {
  const PANE = { width: 1000, height: 500 };
  installReactFlowInJsdom({ pane: PANE });
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  // A row of "+N more" nodes, left to right, drawn in that order.
  const nodes: LineageFlowNode[] = keys(DRAW_BATCH * 3).map((key, i) => ({
    id: key,
    type: 'more',
    position: { x: i * 300, y: (i % 3) * 80 },
    width: 220,
    height: 60,
    measured: { width: 220, height: 60 },
    data: {
      more: {
        key,
        kind: 'more',
        anchor: 'root',
        direction: 'downstream',
        count: i + 1,
        omitted: 0,
        hidden: [],
      },
      busy: false,
      dimmed: false,
    },
  }));
  const order = nodes.map(node => node.id);
  const fit = { padding: 0.1, maxZoom: 1 };

  function renderCanvas(
    overviewColour: (node: { id: string }) => string = () => 'grey',
  ) {
    return render(
      <div style={{ width: PANE.width, height: PANE.height }}>
        <LineageCanvas
          nodes={nodes}
          edges={[]}
          order={order}
          fitToken="first"
          fitViewOptions={fit}
          edgeColour="grey"
          highlightColour="red"
          colorMode="light"
          onActivate={() => {}}
          onKeyDown={() => {}}
          overviewColour={overviewColour}
        />
      </div>,
    );
  }
  const nextFrame = () => act(() => jest.advanceTimersByTime(20));

  it('fits the view to every node from the first batch on', () => {
    const { container } = renderCanvas();
    nextFrame();
    expect(container.querySelectorAll('.react-flow__node').length).toBeLessThan(
      nodes.length,
    );

    const all = getViewportForBounds(
      { x: 0, y: 0, width: (nodes.length - 1) * 300 + 220, height: 220 },
      PANE.width,
      PANE.height,
      0.05,
      fit.maxZoom,
      fit.padding,
    );
    const viewport = container.querySelector<HTMLElement>(
      '.react-flow__viewport',
    )!;
    expect(viewport.style.transform).toBe(
      `translate(${all.x}px,${all.y}px) scale(${all.zoom})`,
    );
  });

  it('shows every node in the overview from the first frame, a path per colour', () => {
    renderCanvas(node => (Number(node.id.slice(1)) % 2 ? 'red' : 'blue'));
    expect(
      screen.getByRole('img', { name: 'Overview of the lineage graph' }),
    ).toBeInTheDocument();
    const paths = screen.getAllByTestId('overview-nodes');
    expect(paths.map(path => path.getAttribute('fill'))).toEqual([
      'blue',
      'red',
    ]);
    // One rectangle per node, the undrawn ones too.
    const rectangles = paths.flatMap(
      path => path.getAttribute('d')!.match(/M/g) ?? [],
    );
    expect(rectangles).toHaveLength(nodes.length);
    expect(paths[0].getAttribute('d')).toContain('M0,0h220v60h-220z');
  });

  it('moves the view to where the overview is clicked', () => {
    const { container } = renderCanvas();
    const viewport = container.querySelector<HTMLElement>(
      '.react-flow__viewport',
    )!;
    const fitted = viewport.style.transform;
    const overview = screen.getByRole('img', {
      name: 'Overview of the lineage graph',
    });
    const [boxX, boxY, boxWidth, boxHeight] = overview
      .getAttribute('viewBox')!
      .split(' ')
      .map(Number);

    // The overview's top left corner: the view centres there, zoom kept.
    act(() => {
      overview.dispatchEvent(
        new MouseEvent('pointerdown', {
          bubbles: true,
          clientX: 0,
          clientY: 0,
        }),
      );
    });
    const zoom = Number(/scale\(([^)]+)\)/.exec(fitted)![1]);
    expect(viewport.style.transform).toBe(
      `translate(${PANE.width / 2 - boxX * zoom}px,${
        PANE.height / 2 - boxY * zoom
      }px) scale(${zoom})`,
    );
    expect(boxWidth / boxHeight).toBeCloseTo(200 / 150);
  });
});
