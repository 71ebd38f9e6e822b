import {
  Background,
  Controls,
  Edge,
  FitViewOptions,
  MiniMap,
  Node,
  ReactFlow,
  useReactFlow,
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

/** `item` hidden, the same object every time for the same `item`. */
function hiddenCopy<T extends object>(cache: WeakMap<T, T>, item: T): T {
  let copy = cache.get(item);
  if (!copy) {
    copy = { ...item, hidden: true };
    cache.set(item, copy);
  }
  return copy;
}

/**
 * Fits the view again when `token` changes (a new root, direction or depth),
 * but not when nodes are expanded: that keeps the user's viewport.
 */
function FitViewOnChange(props: { token: unknown; options: FitViewOptions }) {
  const { fitView } = useReactFlow();
  const previous = useRef<unknown>(undefined);
  const { token, options } = props;
  useEffect(() => {
    const first = previous.current === undefined;
    previous.current = token;
    if (!first && token !== undefined) {
      // The `fitView` prop fits the first drawing.
      fitView(options);
    }
  }, [token, fitView, options]);
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
  fitViewOptions: FitViewOptions;
  colorMode: 'light' | 'dark';
  onActivate(key: string): void;
  onKeyDown(event: KeyboardEvent<HTMLDivElement>): void;
  miniMapColour(node: Node): string;
}

/**
 * React Flow with the graph's nodes drawn over a few frames: every node is
 * there from the start (so the view fits them all, and nothing moves as they
 * appear) but hidden until its batch is drawn; an edge is drawn with its
 * second end.
 */
export function LineageCanvas(props: LineageCanvasProps) {
  const { nodes, edges, order, onActivate } = props;
  const drawn = useProgressiveDrawing(order);
  const hiddenNodes = useRef(new WeakMap<LineageFlowNode, LineageFlowNode>());
  const shown = useMemo(() => {
    if (drawn.size >= nodes.length) {
      return { nodes, edges };
    }
    return {
      nodes: nodes.map(node =>
        drawn.has(node.id) ? node : hiddenCopy(hiddenNodes.current, node),
      ),
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
      fitView
      fitViewOptions={props.fitViewOptions}
      minZoom={0.05}
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable={false}
      edgesFocusable={false}
      zoomOnDoubleClick={false}
      // Past a screenful, skip what is off screen when zoomed in.
      onlyRenderVisibleElements={nodes.length > 100}
    >
      <FitViewOnChange token={props.fitToken} options={props.fitViewOptions} />
      <ViewportPortal>
        <EdgeLayer
          edges={shown.edges}
          colour={props.edgeColour}
          highlightColour={props.highlightColour}
        />
      </ViewportPortal>
      <Background />
      <Controls showInteractive={false} />
      <MiniMap
        pannable
        zoomable
        ariaLabel="Overview of the lineage graph"
        nodeColor={props.miniMapColour}
      />
    </ReactFlow>
  );
}
