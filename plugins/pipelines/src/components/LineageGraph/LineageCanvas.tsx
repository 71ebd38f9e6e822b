import {
  Background,
  Controls,
  Edge,
  getViewportForBounds,
  Node,
  ReactFlow,
  Rect,
  useReactFlow,
  useStore,
  ViewportPortal,
} from '@xyflow/react';
import {
  KeyboardEvent,
  startTransition,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import {
  EdgeLayer,
  EntityFlowNode,
  LineageEdge,
  MoreFlowNode,
  nodeTypes,
} from './LineageNodes';
import { LineageOverview } from './LineageOverview';

/**
 * Nodes drawn at once, then per frame. Drawing a node costs React Flow and
 * the browser a fraction of a millisecond in script, style, layout and paint;
 * a frame of this many stays well under the 50 ms that make a page feel
 * stuck, even on a slow or busy machine (20 a frame came close there).
 */
export const DRAW_BATCH = 10;

const NOTHING: ReadonlySet<string> = new Set();
const NO_FLOW_EDGES: Edge[] = [];

interface Progress {
  /** The order the keys are drawn in; a new one starts the next round. */
  order?: readonly string[];
  drawn: ReadonlySet<string>;
}

function nextBatch(order: readonly string[], drawn: ReadonlySet<string>) {
  const next = new Set(drawn);
  for (const key of order) {
    if (next.size >= drawn.size + DRAW_BATCH) {
      break;
    }
    next.add(key);
  }
  return next;
}

/**
 * The keys of `order` to draw: at first a batch, then a batch more every
 * frame until all are. What is drawn stays drawn when the order changes (an
 * expanded node), so only new nodes appear over the next frames.
 */
export function useProgressiveDrawing(
  order: readonly string[],
): ReadonlySet<string> {
  const [progress, setProgress] = useState<Progress>({ drawn: NOTHING });
  let current = progress;
  if (progress.order !== order) {
    const kept = new Set(order.filter(key => progress.drawn.has(key)));
    current = { order, drawn: nextBatch(order, kept) };
    setProgress(current); // Derived from the props: React renders again now.
  }
  const done = current.drawn.size >= order.length;
  useEffect(() => {
    if (done) {
      return undefined;
    }
    // A transition: what else waits to draw (the tab's other sections, at
    // low priority too) gets its turn between batches, not after them all.
    const frame = requestAnimationFrame(() =>
      startTransition(() =>
        setProgress(previous =>
          previous.order === order
            ? { order, drawn: nextBatch(order, previous.drawn) }
            : previous,
        ),
      ),
    );
    return () => cancelAnimationFrame(frame);
  }, [current, order, done]);
  return current.drawn;
}

/** How the view fits the drawing: space around it, and the largest zoom. */
export interface FitOptions {
  padding: number;
  maxZoom: number;
}

/** The box around every node, drawn or not yet. */
function boundsOf(nodes: readonly LineageFlowNode[]): Rect | undefined {
  if (nodes.length === 0) {
    return undefined;
  }
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const { position, width = 0, height = 0 } of nodes) {
    left = Math.min(left, position.x);
    top = Math.min(top, position.y);
    right = Math.max(right, position.x + width);
    bottom = Math.max(bottom, position.y + height);
  }
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * Fits the view to the whole drawing once per `token` (a new root, direction
 * or depth), but not when nodes are expanded: that keeps the user's
 * viewport. From the layout's bounds, not React Flow's `fitView`, which
 * knows only the nodes handed to it so far.
 */
function FitViewOnChange(props: {
  token: unknown;
  bounds: Rect | undefined;
  options: FitOptions;
}) {
  const { setViewport } = useReactFlow();
  const width = useStore(state => state.width);
  const height = useStore(state => state.height);
  const minZoom = useStore(state => state.minZoom);
  const fitted = useRef<unknown>(undefined);
  const { token, bounds, options } = props;
  useEffect(() => {
    if (!bounds || !width || !height || fitted.current === token) {
      return;
    }
    fitted.current = token;
    setViewport(
      getViewportForBounds(
        bounds,
        width,
        height,
        minZoom,
        options.maxZoom,
        options.padding,
      ),
    );
  }, [token, bounds, width, height, minZoom, options, setViewport]);
  return null;
}

export type LineageFlowNode = EntityFlowNode | MoreFlowNode;

export interface LineageCanvasProps {
  nodes: LineageFlowNode[];
  edges: LineageEdge[];
  edgeColour: string;
  highlightColour: string;
  /** Node keys in the order to draw them: nearest the root first. */
  order: readonly string[];
  /** Changes when the view should fit the drawing again. */
  fitToken: unknown;
  fitViewOptions: FitOptions;
  colorMode: 'light' | 'dark';
  onActivate(key: string): void;
  onKeyDown(event: KeyboardEvent<HTMLDivElement>): void;
  overviewColour(node: Node): string;
}

/**
 * React Flow with the graph's nodes drawn over a few frames: React Flow gets
 * the nodes drawn so far, not hidden ones (every node it holds costs it work
 * in every update, a frame's batch or not); the view fits them all from the
 * start, so nothing moves as they appear. An edge is drawn with its second
 * end.
 */
export function LineageCanvas(props: LineageCanvasProps) {
  const { nodes, edges, order, onActivate } = props;
  const drawn = useProgressiveDrawing(order);
  const bounds = useMemo(() => boundsOf(nodes), [nodes]);
  const shown = useMemo(() => {
    if (drawn.size >= nodes.length) {
      return { nodes, edges };
    }
    return {
      nodes: nodes.filter(node => drawn.has(node.id)),
      edges: edges.filter(
        edge => drawn.has(edge.source) && drawn.has(edge.target),
      ),
    };
  }, [nodes, edges, drawn]);
  const onNodeClick = useMemo(
    () => (_event: unknown, node: Node) => onActivate(node.id),
    [onActivate],
  );

  return (
    <ReactFlow
      nodes={shown.nodes}
      // Drawn by the `EdgeLayer` below.
      edges={NO_FLOW_EDGES}
      nodeTypes={nodeTypes}
      onNodeClick={onNodeClick}
      onKeyDown={props.onKeyDown}
      colorMode={props.colorMode}
      minZoom={0.05}
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable={false}
      edgesFocusable={false}
      zoomOnDoubleClick={false}
      // Past a screenful, skip what is off screen when zoomed in.
      onlyRenderVisibleElements={nodes.length > 100}
    >
      <FitViewOnChange
        token={props.fitToken}
        bounds={bounds}
        options={props.fitViewOptions}
      />
      <ViewportPortal>
        <EdgeLayer
          edges={shown.edges}
          colour={props.edgeColour}
          highlightColour={props.highlightColour}
        />
      </ViewportPortal>
      <Background />
      <Controls showInteractive={false} />
      {bounds && (
        // Every node from the start: the overview costs the same for all.
        <LineageOverview
          nodes={nodes}
          bounds={bounds}
          colour={props.overviewColour}
          ariaLabel="Overview of the lineage graph"
        />
      )}
    </ReactFlow>
  );
}
