import {
  Node,
  Panel,
  Rect,
  useReactFlow,
  useStore,
  type ReactFlowState,
} from '@xyflow/react';
import { PointerEvent, useMemo, useRef, WheelEvent } from 'react';

const WIDTH = 200;
const HEIGHT = 150;
/** Space around the drawing, in overview pixels. */
const MARGIN = 5;

export interface LineageOverviewProps {
  /** Every node of the drawing, drawn yet or not, with its size. */
  nodes: readonly Node[];
  /** The layout's box around them. */
  bounds: Rect;
  colour(node: Node): string;
  ariaLabel: string;
}

/** One path of rectangles per colour: a few elements for any number of nodes. */
function overviewPaths(
  nodes: readonly Node[],
  colour: (node: Node) => string,
): Array<{ fill: string; d: string }> {
  const byColour = new Map<string, string[]>();
  for (const node of nodes) {
    const fill = colour(node);
    const { x, y } = node.position;
    const rect = `M${x},${y}h${node.width ?? 0}v${node.height ?? 0}h${-(
      node.width ?? 0
    )}z`;
    const parts = byColour.get(fill);
    if (parts) {
      parts.push(rect);
    } else {
      byColour.set(fill, [rect]);
    }
  }
  return [...byColour].map(([fill, parts]) => ({ fill, d: parts.join('') }));
}

/** The part in view, in graph units; a string, so an unchanged view is equal. */
const viewSelector = (state: ReactFlowState) => {
  const [x, y, zoom] = state.transform;
  return `${-x / zoom},${-y / zoom},${state.width / zoom},${
    state.height / zoom
  }`;
};

/**
 * The whole drawing in small, with the part in view marked; a click or drag
 * moves the view there and the wheel zooms. It draws a path per colour, where
 * React Flow's MiniMap draws (and styles, and updates) an element per node:
 * on a large graph that was the longest frame of the page.
 */
export function LineageOverview(props: LineageOverviewProps) {
  const { nodes, bounds, colour, ariaLabel } = props;
  const { setCenter, getZoom, zoomIn, zoomOut } = useReactFlow();
  const [viewX, viewY, viewWidth, viewHeight] = useStore(viewSelector)
    .split(',')
    .map(Number);
  const svg = useRef<SVGSVGElement>(null);
  const paths = useMemo(() => overviewPaths(nodes, colour), [nodes, colour]);

  const left = Math.min(bounds.x, viewX);
  const top = Math.min(bounds.y, viewY);
  const right = Math.max(bounds.x + bounds.width, viewX + viewWidth);
  const bottom = Math.max(bounds.y + bounds.height, viewY + viewHeight);
  // Overview units per pixel: the drawing and the view fit inside the margin.
  const scale =
    Math.max(
      (right - left) / (WIDTH - 2 * MARGIN),
      (bottom - top) / (HEIGHT - 2 * MARGIN),
    ) || 1;
  const box = {
    x: (left + right) / 2 - (WIDTH * scale) / 2,
    y: (top + bottom) / 2 - (HEIGHT * scale) / 2,
    width: WIDTH * scale,
    height: HEIGHT * scale,
  };

  const moveViewTo = (event: PointerEvent<SVGSVGElement>) => {
    const area = svg.current?.getBoundingClientRect();
    const x = box.x + (event.clientX - (area?.left ?? 0)) * scale;
    const y = box.y + (event.clientY - (area?.top ?? 0)) * scale;
    setCenter(x, y, { zoom: getZoom() });
  };
  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    event.currentTarget.setPointerCapture?.(event.pointerId);
    moveViewTo(event);
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    if (event.currentTarget.hasPointerCapture?.(event.pointerId)) {
      moveViewTo(event);
    }
  };
  const onWheel = (event: WheelEvent<SVGSVGElement>) => {
    if (event.deltaY < 0) {
      zoomIn();
    } else if (event.deltaY > 0) {
      zoomOut();
    }
  };

  return (
    <Panel position="bottom-right" className="react-flow__minimap">
      <svg
        ref={svg}
        width={WIDTH}
        height={HEIGHT}
        viewBox={`${box.x} ${box.y} ${box.width} ${box.height}`}
        className="react-flow__minimap-svg"
        role="img"
        aria-label={ariaLabel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onWheel={onWheel}
      >
        {paths.map(({ fill, d }) => (
          <path key={fill} d={d} fill={fill} data-testid="overview-nodes" />
        ))}
        <path
          className="react-flow__minimap-mask"
          d={`M${box.x},${box.y}h${box.width}v${
            box.height
          }h${-box.width}z M${viewX},${viewY}h${viewWidth}v${viewHeight}h${-viewWidth}z`}
          fillRule="evenodd"
          pointerEvents="none"
        />
      </svg>
    </Panel>
  );
}
