import {
  LineageDirection,
  LineageEdge,
  LineageNode,
  LineageResponse,
} from '@tributary/plugin-pipelines-common';
import { edgeKey } from './lineageLayout';

/** One way along lineage edges. */
export type LineageSide = 'upstream' | 'downstream';

/**
 * A stand-in for neighbours that are not drawn: those the server left out
 * past its per-node limit (`omitted`) and those the view cap hid (`hidden`).
 */
export interface MoreNode {
  key: string;
  kind: 'more';
  /** The drawn node whose neighbours these are. */
  anchor: string;
  direction: LineageSide;
  /** `omitted` plus the hidden nodes. */
  count: number;
  omitted: number;
  hidden: string[];
}

export type ViewNode = LineageNode | MoreNode;

/** What to draw: capped lineage plus "+N more" nodes. */
export interface LineageView {
  nodes: ViewNode[];
  edges: LineageEdge[];
  /** Nodes of the graph left out of the view by the cap. */
  hiddenCount: number;
}

/** The key of the "+N more" node for `anchor`'s neighbours on one side. */
export function moreKey(anchor: string, direction: LineageSide): string {
  return `more:${direction}:${anchor}`;
}

/**
 * Adds a freshly fetched neighbourhood (`next`, walked from `next.root` in
 * `direction`) to the graph shown. New nodes' depths count from the current
 * root, through the node that was expanded. The expanded node's omitted
 * counts are replaced for the sides that were walked.
 */
export function mergeLineage(
  current: LineageResponse,
  next: LineageResponse,
  direction: LineageDirection,
): LineageResponse {
  const nodes = new Map(current.nodes.map(node => [node.key, node]));
  const base = nodes.get(next.root)?.depth ?? 0;
  for (const node of next.nodes) {
    const known = nodes.get(node.key);
    const depth = Math.min(known?.depth ?? Infinity, base + node.depth);
    nodes.set(node.key, { ...known, ...node, depth });
  }

  const edges = [...current.edges];
  const keys = new Set(edges.map(edge => edgeKey(edge.from, edge.to)));
  for (const edge of next.edges) {
    const key = edgeKey(edge.from, edge.to);
    if (!keys.has(key)) {
      keys.add(key);
      edges.push(edge);
    }
  }

  const omitted = { ...current.omitted };
  for (const [key, counts] of Object.entries(next.omitted)) {
    omitted[key] = { ...omitted[key], ...counts };
  }
  const walked: LineageSide[] =
    direction === 'both' ? ['upstream', 'downstream'] : [direction];
  const rootCounts = { ...omitted[next.root] };
  for (const side of walked) {
    if (next.omitted[next.root]?.[side] === undefined) {
      delete rootCounts[side];
    }
  }
  if (Object.keys(rootCounts).length > 0) {
    omitted[next.root] = rootCounts;
  } else {
    delete omitted[next.root];
  }

  return {
    root: current.root,
    nodes: [...nodes.values()],
    edges,
    omitted,
    truncated: current.truncated || next.truncated,
  };
}

/**
 * What to draw of a graph: at most `maxNodes` nodes (the root, then those
 * `revealed` on demand, then the nearest by depth); every hidden node is
 * counted in a "+N more" node of the drawn node it hangs off, together with
 * what the server omitted there.
 */
export function lineageView(
  graph: LineageResponse,
  options: { maxNodes: number; revealed?: ReadonlySet<string> },
): LineageView {
  const byKey = new Map(graph.nodes.map(node => [node.key, node]));
  const kept = new Set<string>();
  const keep = (key: string) => {
    if (byKey.has(key)) {
      kept.add(key);
    }
  };
  keep(graph.root);
  options.revealed?.forEach(keep);
  const byDepth = [...graph.nodes].sort((a, b) => a.depth - b.depth);
  for (const node of byDepth) {
    if (kept.size >= options.maxNodes) {
      break;
    }
    keep(node.key);
  }

  // Hidden nodes go to the drawn node they are reached from, breadth-first.
  const neighbours = new Map<string, Array<[string, LineageSide]>>();
  const addNeighbour = (key: string, other: string, side: LineageSide) => {
    const list = neighbours.get(key) ?? [];
    list.push([other, side]);
    neighbours.set(key, list);
  };
  for (const edge of graph.edges) {
    addNeighbour(edge.from, edge.to, 'downstream');
    addNeighbour(edge.to, edge.from, 'upstream');
  }
  const owner = new Map<string, { anchor: string; side: LineageSide }>();
  const queue = [...kept];
  for (let head = 0; head < queue.length; head++) {
    const key = queue[head];
    for (const [other, side] of neighbours.get(key) ?? []) {
      if (!kept.has(other) && !owner.has(other) && byKey.has(other)) {
        owner.set(other, owner.get(key) ?? { anchor: key, side });
        queue.push(other);
      }
    }
  }

  const groups = new Map<string, MoreNode>();
  const group = (anchor: string, direction: LineageSide) => {
    const key = moreKey(anchor, direction);
    let more = groups.get(key);
    if (!more) {
      more = {
        key,
        kind: 'more',
        anchor,
        direction,
        count: 0,
        omitted: 0,
        hidden: [],
      };
      groups.set(key, more);
    }
    return more;
  };
  for (const key of kept) {
    for (const side of ['upstream', 'downstream'] as const) {
      const count = graph.omitted[key]?.[side] ?? 0;
      if (count > 0) {
        const more = group(key, side);
        more.omitted += count;
        more.count += count;
      }
    }
  }
  for (const [key, { anchor, side }] of owner) {
    const more = group(anchor, side);
    more.hidden.push(key);
    more.count++;
  }

  const more = [...groups.values()];
  const drawnEdges = new Map<string, LineageEdge>();
  for (const edge of graph.edges) {
    if (kept.has(edge.from) && kept.has(edge.to)) {
      // Keyed, so a repeated edge is drawn once.
      drawnEdges.set(edgeKey(edge.from, edge.to), edge);
    }
  }
  return {
    nodes: [...[...kept].map(key => byKey.get(key)!), ...more],
    edges: [
      ...drawnEdges.values(),
      ...more.map(m =>
        m.direction === 'downstream'
          ? { from: m.anchor, to: m.key }
          : { from: m.key, to: m.anchor },
      ),
    ],
    hiddenCount: graph.nodes.length - kept.size,
  };
}

/**
 * The shortest path between two nodes, ignoring edge direction (lineage can
 * connect two nodes through a shared input): its nodes from `from` to `to`
 * and the keys of its edges, or undefined when they are not connected.
 */
export function shortestPath(
  edges: LineageEdge[],
  from: string,
  to: string,
): { nodes: string[]; edges: string[] } | undefined {
  const neighbours = new Map<string, Array<{ node: string; edge: string }>>();
  const add = (a: string, b: string, edge: string) => {
    const list = neighbours.get(a) ?? [];
    list.push({ node: b, edge });
    neighbours.set(a, list);
  };
  for (const edge of edges) {
    const key = edgeKey(edge.from, edge.to);
    add(edge.from, edge.to, key);
    add(edge.to, edge.from, key);
  }
  const previous = new Map<string, { node: string; edge: string }>();
  const visited = new Set([from]);
  const queue = [from];
  for (let head = 0; head < queue.length && !visited.has(to); head++) {
    const node = queue[head];
    for (const step of neighbours.get(node) ?? []) {
      if (!visited.has(step.node)) {
        visited.add(step.node);
        previous.set(step.node, { node, edge: step.edge });
        queue.push(step.node);
      }
    }
  }
  if (!visited.has(to)) {
    return undefined;
  }
  const path = { nodes: [to], edges: [] as string[] };
  for (let step = previous.get(to); step; step = previous.get(step.node)) {
    path.nodes.unshift(step.node);
    path.edges.unshift(step.edge);
  }
  return path;
}
