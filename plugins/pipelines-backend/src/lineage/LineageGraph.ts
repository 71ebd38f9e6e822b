import { InputError } from '@backstage/errors';

/**
 * Which way to walk lineage from the root: `downstream` follows data flow
 * (edges forward), `upstream` goes against it (edges backward), and `both` is
 * the union of an upstream walk and a downstream walk from the root. `both` is
 * not an undirected walk: siblings (reached by going up, then down) are not
 * part of it.
 */
export type LineageDirection = 'upstream' | 'downstream' | 'both';

/** A directed lineage edge, in data-flow direction. */
export interface LineageEdge {
  from: string;
  to: string;
}

export interface LineageTraverseOptions {
  /** Node key to start from, `pipeline:<id>` or `dataset:<id>`. */
  root: string;
  direction: LineageDirection;
  /** Maximum number of hops from the root; a non-negative integer (or Infinity). */
  depth: number;
  /**
   * Maximum number of neighbours expanded per node and direction; a
   * non-negative integer (or Infinity). Neighbours are taken in the order
   * their edges were first added, so the choice is deterministic.
   */
  limit: number;
  /**
   * Maximum number of nodes in the answer, root included; the walk stops there
   * and the answer is marked `truncated`. Defaults to
   * {@link DEFAULT_LINEAGE_MAX_NODES}.
   */
  maxNodes?: number;
}

export interface LineageTraversal {
  root: string;
  /**
   * Nodes in breadth-first order. `depth` is the number of hops from the root
   * (positive both upstream and downstream, the smaller one when a node is
   * both); the root has depth 0 and comes first.
   */
  nodes: Array<{ key: string; depth: number }>;
  /** All edges between returned nodes, in data-flow direction. */
  edges: LineageEdge[];
  /**
   * Per node key, and only for nodes whose fan-out in a direction passed
   * `limit`: how many of its neighbours in that direction are left out of the
   * answer (neighbours beyond the first `limit` that the walk did not reach by
   * another path either).
   */
  omitted: Record<string, { upstream?: number; downstream?: number }>;
  /** True when `maxNodes` stopped the walk before it was complete. */
  truncated: boolean;
}

/** The default {@link LineageTraverseOptions.maxNodes}. */
export const DEFAULT_LINEAGE_MAX_NODES = 2000;

const NONE = -1;
const INITIAL_NODE_CAPACITY = 1024;
const INITIAL_EDGE_CAPACITY = 1024;

/** Copies `array` into a larger one; new slots hold `fill`. */
function growInt32(array: Int32Array, capacity: number, fill: number) {
  const grown = new Int32Array(capacity);
  grown.set(array);
  if (fill !== 0) {
    grown.fill(fill, array.length);
  }
  return grown;
}

/** Mixes a (from, to) pair of node ids into a 32-bit hash. */
function hashPair(from: number, to: number): number {
  let h = Math.imul(from, 0x9e3779b1) ^ to;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function checkCount(name: string, value: number, min: number): number {
  if (
    typeof value !== 'number' ||
    !(value >= min) ||
    (value !== Infinity && !Number.isInteger(value))
  ) {
    throw new InputError(
      `Invalid lineage ${name} ${value}, must be an integer >= ${min}`,
    );
  }
  return value;
}

/** Adjacency of one direction, as seen from the walk. */
interface Adjacency {
  heads: Int32Array;
  nexts: Int32Array;
  /** The node at the far end of an edge. */
  ends: Int32Array;
  degrees: Int32Array;
  seen: Uint32Array;
  /** 0 for upstream, 1 for downstream. */
  direction: 0 | 1;
}

/**
 * The lineage graph, held in memory in a compact form and walked
 * breadth-first.
 *
 * Node keys (`pipeline:<id>`, `dataset:<id>`; any string works) map to dense
 * integer ids. Edges are stored once in typed arrays as two intrusive linked
 * lists (out-edges and in-edges of every node, in insertion order), so adding
 * an edge is O(1) and the graph can grow while it is being queried. A small
 * open-addressing hash table of edge ids makes adding a known edge a no-op.
 * That is roughly 16 bytes per edge, 8-16 bytes per edge of hash table, 36
 * bytes per node of arrays, plus the key strings and the key map.
 *
 * Concurrency: all methods are synchronous, so within one Node process no
 * query ever sees a half-applied edge and no locking is needed. The graph is
 * not shared between processes: every backend replica loads its own copy from
 * the store on startup and keeps it fresh by adding edges from the store as
 * they arrive; replicas may briefly differ from one another. Edges are never
 * removed; to drop edges, build a fresh graph and swap it in.
 */
export class LineageGraph {
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];

  // Per node, indexed by node id.
  private outHead = new Int32Array(INITIAL_NODE_CAPACITY).fill(NONE);
  private outTail = new Int32Array(INITIAL_NODE_CAPACITY).fill(NONE);
  private inHead = new Int32Array(INITIAL_NODE_CAPACITY).fill(NONE);
  private inTail = new Int32Array(INITIAL_NODE_CAPACITY).fill(NONE);
  private outDegree = new Int32Array(INITIAL_NODE_CAPACITY);
  private inDegree = new Int32Array(INITIAL_NODE_CAPACITY);

  // Per edge, indexed by edge id.
  private edgeFrom = new Int32Array(INITIAL_EDGE_CAPACITY);
  private edgeTo = new Int32Array(INITIAL_EDGE_CAPACITY);
  private nextOut = new Int32Array(INITIAL_EDGE_CAPACITY);
  private nextIn = new Int32Array(INITIAL_EDGE_CAPACITY);
  private numEdges = 0;

  // Dedupe: open addressing with linear probing; slot holds edge id + 1.
  private slots = new Int32Array(INITIAL_EDGE_CAPACITY * 2);

  // Scratch space for walks: a node is marked when it holds the current stamp.
  private seenUp = new Uint32Array(0);
  private seenDown = new Uint32Array(0);
  private inResult = new Uint32Array(0);
  private stamp = 0;

  /** Creates a graph holding the given edges. */
  static fromEdges(edges: Iterable<LineageEdge>): LineageGraph {
    const graph = new LineageGraph();
    graph.addEdges(edges);
    return graph;
  }

  /** Number of distinct nodes (endpoints of at least one edge). */
  get nodeCount(): number {
    return this.keys.length;
  }

  /** Number of distinct edges. */
  get edgeCount(): number {
    return this.numEdges;
  }

  hasNode(key: string): boolean {
    return this.ids.has(key);
  }

  hasEdge(from: string, to: string): boolean {
    const a = this.ids.get(from);
    const b = this.ids.get(to);
    return a !== undefined && b !== undefined && this.findSlot(a, b) < 0;
  }

  /**
   * Adds edges; edges already known (same from and to) are ignored. Can be
   * called at any time, e.g. for every batch of new edges from the store.
   */
  addEdges(edges: Iterable<LineageEdge>): void {
    for (const edge of edges) {
      this.addEdge(this.intern(edge.from), this.intern(edge.to));
    }
  }

  /**
   * Walks lineage from a root, breadth-first; see
   * {@link LineageTraverseOptions}. The walk itself costs at most `limit`
   * neighbours per returned node and direction; collecting the edges between
   * returned nodes and the omitted counts then scans the adjacency of the
   * returned nodes once, so the cost is bounded by the returned nodes and
   * their degrees, never by the whole graph (unless the answer is the whole
   * graph). Cycles are safe: each node is expanded at most once per direction.
   */
  traverse(options: LineageTraverseOptions): LineageTraversal {
    const { root, direction } = options;
    if (
      direction !== 'upstream' &&
      direction !== 'downstream' &&
      direction !== 'both'
    ) {
      throw new InputError(`Invalid lineage direction ${direction}`);
    }
    const depth = checkCount('depth', options.depth, 0);
    const limit = checkCount('limit', options.limit, 0);
    const maxNodes = checkCount(
      'maxNodes',
      options.maxNodes ?? DEFAULT_LINEAGE_MAX_NODES,
      1,
    );

    const rootId = this.ids.get(root);
    if (rootId === undefined) {
      return {
        root,
        nodes: [{ key: root, depth: 0 }],
        edges: [],
        omitted: {},
        truncated: false,
      };
    }

    const stamp = this.nextStamp();
    const inResult = this.inResult;
    const resultIds = [rootId];
    const resultDepths = [0];
    inResult[rootId] = stamp;

    const up: Adjacency = {
      heads: this.inHead,
      nexts: this.nextIn,
      ends: this.edgeFrom,
      degrees: this.inDegree,
      seen: this.seenUp,
      direction: 0,
    };
    const down: Adjacency = {
      heads: this.outHead,
      nexts: this.nextOut,
      ends: this.edgeTo,
      degrees: this.outDegree,
      seen: this.seenDown,
      direction: 1,
    };
    let upFrontier: number[] = [];
    let downFrontier: number[] = [];
    if (direction !== 'downstream') {
      upFrontier.push(rootId);
      up.seen[rootId] = stamp;
    }
    if (direction !== 'upstream') {
      downFrontier.push(rootId);
      down.seen[rootId] = stamp;
    }

    // Flattened (node id, direction) pairs of nodes whose fan-out passed limit.
    const limited: number[] = [];
    let truncated = false;

    // Expands one frontier by one hop; returns the next frontier, or
    // undefined when maxNodes stopped the walk.
    const expand = (
      adjacency: Adjacency,
      frontier: number[],
      level: number,
    ): number[] | undefined => {
      const { heads, nexts, ends, degrees, seen } = adjacency;
      const next: number[] = [];
      for (let i = 0; i < frontier.length; i++) {
        const node = frontier[i];
        let taken = 0;
        for (let e = heads[node]; e !== NONE && taken < limit; e = nexts[e]) {
          taken++;
          const neighbour = ends[e];
          if (seen[neighbour] === stamp) {
            continue;
          }
          if (inResult[neighbour] !== stamp) {
            if (resultIds.length >= maxNodes) {
              return undefined;
            }
            inResult[neighbour] = stamp;
            resultIds.push(neighbour);
            resultDepths.push(level);
          }
          seen[neighbour] = stamp;
          next.push(neighbour);
        }
        if (degrees[node] > limit) {
          limited.push(node, adjacency.direction);
        }
      }
      return next;
    };

    for (
      let level = 1;
      level <= depth && (upFrontier.length > 0 || downFrontier.length > 0);
      level++
    ) {
      const nextUp = expand(up, upFrontier, level);
      const nextDown = nextUp && expand(down, downFrontier, level);
      if (!nextUp || !nextDown) {
        truncated = true;
        break;
      }
      upFrontier = nextUp;
      downFrontier = nextDown;
    }

    const keys = this.keys;
    const nodes = new Array<{ key: string; depth: number }>(resultIds.length);
    for (let i = 0; i < resultIds.length; i++) {
      nodes[i] = { key: keys[resultIds[i]], depth: resultDepths[i] };
    }

    // Every edge between returned nodes, found once via its source node.
    const edges: LineageEdge[] = [];
    const outHead = this.outHead;
    const nextOut = this.nextOut;
    const edgeTo = this.edgeTo;
    for (let i = 0; i < resultIds.length; i++) {
      const from = resultIds[i];
      for (let e = outHead[from]; e !== NONE; e = nextOut[e]) {
        const to = edgeTo[e];
        if (inResult[to] === stamp) {
          edges.push({ from: keys[from], to: keys[to] });
        }
      }
    }

    // Neighbours past the limit that are not in the answer by another path.
    const omitted: LineageTraversal['omitted'] = Object.create(null);
    for (let i = 0; i < limited.length; i += 2) {
      const node = limited[i];
      const { heads, nexts, ends } = limited[i + 1] === 0 ? up : down;
      let e = heads[node];
      for (let skip = 0; skip < limit; skip++) {
        e = nexts[e];
      }
      let count = 0;
      for (; e !== NONE; e = nexts[e]) {
        if (inResult[ends[e]] !== stamp) {
          count++;
        }
      }
      if (count > 0) {
        const entry = (omitted[keys[node]] ??= {});
        entry[limited[i + 1] === 0 ? 'upstream' : 'downstream'] = count;
      }
    }

    return { root, nodes, edges, omitted, truncated };
  }

  private intern(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      if (id === this.outHead.length) {
        const capacity = id * 2;
        this.outHead = growInt32(this.outHead, capacity, NONE);
        this.outTail = growInt32(this.outTail, capacity, NONE);
        this.inHead = growInt32(this.inHead, capacity, NONE);
        this.inTail = growInt32(this.inTail, capacity, NONE);
        this.outDegree = growInt32(this.outDegree, capacity, 0);
        this.inDegree = growInt32(this.inDegree, capacity, 0);
      }
      this.ids.set(key, id);
      this.keys.push(key);
    }
    return id;
  }

  /**
   * Finds the hash slot of edge (from, to): returns -(slot + 1) if the edge
   * is present, or the free slot where it would go.
   */
  private findSlot(from: number, to: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = hashPair(from, to) & mask; ; i = (i + 1) & mask) {
      const slot = slots[i];
      if (slot === 0) {
        return i;
      }
      if (this.edgeFrom[slot - 1] === from && this.edgeTo[slot - 1] === to) {
        return -(i + 1);
      }
    }
  }

  private addEdge(from: number, to: number): void {
    const slot = this.findSlot(from, to);
    if (slot < 0) {
      return;
    }

    const e = this.numEdges;
    if (e === this.edgeFrom.length) {
      const capacity = e * 2;
      this.edgeFrom = growInt32(this.edgeFrom, capacity, 0);
      this.edgeTo = growInt32(this.edgeTo, capacity, 0);
      this.nextOut = growInt32(this.nextOut, capacity, 0);
      this.nextIn = growInt32(this.nextIn, capacity, 0);
    }
    this.edgeFrom[e] = from;
    this.edgeTo[e] = to;
    this.nextOut[e] = NONE;
    this.nextIn[e] = NONE;

    if (this.outTail[from] === NONE) {
      this.outHead[from] = e;
    } else {
      this.nextOut[this.outTail[from]] = e;
    }
    this.outTail[from] = e;
    this.outDegree[from]++;

    if (this.inTail[to] === NONE) {
      this.inHead[to] = e;
    } else {
      this.nextIn[this.inTail[to]] = e;
    }
    this.inTail[to] = e;
    this.inDegree[to]++;

    this.slots[slot] = e + 1;
    this.numEdges = e + 1;
    // Keep the load factor at or below 1/2.
    if (this.numEdges * 2 > this.slots.length) {
      this.rehash(this.slots.length * 2);
    }
  }

  private rehash(capacity: number): void {
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let e = 0; e < this.numEdges; e++) {
      let i = hashPair(this.edgeFrom[e], this.edgeTo[e]) & mask;
      while (slots[i] !== 0) {
        i = (i + 1) & mask;
      }
      slots[i] = e + 1;
    }
    this.slots = slots;
  }

  /** Sizes the walk scratch space to the graph and returns a fresh stamp. */
  private nextStamp(): number {
    const capacity = this.outHead.length;
    if (this.inResult.length !== capacity) {
      this.seenUp = new Uint32Array(capacity);
      this.seenDown = new Uint32Array(capacity);
      this.inResult = new Uint32Array(capacity);
      this.stamp = 0;
    }
    if (this.stamp === 0xffffffff) {
      this.seenUp.fill(0);
      this.seenDown.fill(0);
      this.inResult.fill(0);
      this.stamp = 0;
    }
    this.stamp++;
    return this.stamp;
  }
}
