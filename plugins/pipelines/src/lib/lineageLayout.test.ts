import {
  DEFAULT_LAYOUT_OPTIONS,
  edgeKey,
  Layout,
  LayoutGraph,
  layoutLineage,
  placeInOrder,
  routePath,
} from './lineageLayout';
import { randomDag } from './randomDag';

const { nodeWidth, nodeHeight } = DEFAULT_LAYOUT_OPTIONS;

function overlaps(layout: Layout): Array<[string, string]> {
  const boxes = Object.entries(layout.positions);
  const found: Array<[string, string]> = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, p] = boxes[i];
      const [b, q] = boxes[j];
      if (Math.abs(p.x - q.x) < nodeWidth && Math.abs(p.y - q.y) < nodeHeight) {
        found.push([a, b]);
      }
    }
  }
  return found;
}

/** Edges drawn right to left that the layout did not declare reversed. */
function backwardEdges(graph: LayoutGraph, layout: Layout): string[] {
  const reversed = new Set(layout.reversed);
  return graph.edges
    .map(edge => ({ ...edge, key: edgeKey(edge.from, edge.to) }))
    .filter(edge => !reversed.has(edge.key))
    .filter(
      edge => layout.positions[edge.from].x >= layout.positions[edge.to].x,
    )
    .map(edge => edge.key);
}

/** Pairs of edges between the same two columns that cross. */
function crossings(graph: LayoutGraph, layout: Layout): number {
  const { positions } = layout;
  let count = 0;
  graph.edges.forEach((e, i) =>
    graph.edges.slice(i + 1).forEach(f => {
      const sameColumns =
        positions[e.from].x === positions[f.from].x &&
        positions[e.to].x === positions[f.to].x;
      const fromOrder = positions[e.from].y - positions[f.from].y;
      const toOrder = positions[e.to].y - positions[f.to].y;
      if (sameColumns && fromOrder * toOrder < 0) {
        count++;
      }
    }),
  );
  return count;
}

describe('layoutLineage', () => {
  it('puts each step of a flow in the next column', () => {
    const graph = {
      nodes: ['dataset:raw', 'pipeline:clean', 'dataset:clean'],
      edges: [
        { from: 'dataset:raw', to: 'pipeline:clean' },
        { from: 'pipeline:clean', to: 'dataset:clean' },
      ],
    };
    const layout = layoutLineage(graph, { nodeWidth: 100, layerGap: 50 });
    expect(layout.positions['dataset:raw'].x).toBe(0);
    expect(layout.positions['pipeline:clean'].x).toBe(150);
    expect(layout.positions['dataset:clean'].x).toBe(300);
    // A straight flow is drawn level.
    expect(new Set(Object.values(layout.positions).map(p => p.y)).size).toBe(1);
    expect(layout.width).toBe(400);
    expect(layout.reversed).toEqual([]);
  });

  it('uncrosses edges that a depth-first order would cross', () => {
    // Depth-first from s1 orders x above y, so s1 -> y crosses s2 -> x.
    const graph = {
      nodes: ['s1', 's2', 'x', 'y'],
      edges: [
        { from: 's1', to: 'x' },
        { from: 's1', to: 'y' },
        { from: 's2', to: 'x' },
      ],
    };
    expect(crossings(graph, layoutLineage(graph))).toBe(0);
  });

  it('places a source next to its first consumer, not in the first column', () => {
    const graph = {
      nodes: ['a', 'b', 'c', 'late'],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'late', to: 'c' },
      ],
    };
    const layout = layoutLineage(graph);
    expect(layout.positions.late.x).toBe(layout.positions.b.x);
  });

  it('breaks a cycle by reversing one edge, deterministically', () => {
    const graph = {
      nodes: ['a', 'b', 'c'],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'a' },
      ],
    };
    const layout = layoutLineage(graph);
    expect(layout.reversed).toEqual([edgeKey('c', 'a')]);
    expect(backwardEdges(graph, layout)).toEqual([]);
    expect(layoutLineage(graph)).toEqual(layout);
  });

  it('ignores self-loops, duplicate edges and edges to unknown nodes', () => {
    const layout = layoutLineage({
      nodes: ['a', 'b'],
      edges: [
        { from: 'a', to: 'a' },
        { from: 'a', to: 'b' },
        { from: 'a', to: 'b' },
        { from: 'b', to: 'elsewhere' },
      ],
    });
    expect(Object.keys(layout.positions)).toEqual(['a', 'b']);
    expect(layout.positions.a.x).toBeLessThan(layout.positions.b.x);
  });

  it('routes an edge that skips columns between the nodes it passes', () => {
    const graph = {
      nodes: ['a', 'b', 'c', 'd'],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'd' },
        { from: 'a', to: 'd' },
      ],
    };
    const layout = layoutLineage(graph);
    const route = layout.routes[edgeKey('a', 'd')];
    // Through the columns of b and c, left to right, clear of their nodes.
    expect(route.map(p => p.x)).toEqual([
      layout.positions.b.x,
      layout.positions.b.x + nodeWidth,
      layout.positions.c.x,
      layout.positions.c.x + nodeWidth,
    ]);
    for (const [point, node] of [
      [route[0], 'b'],
      [route[2], 'c'],
    ] as const) {
      const top = layout.positions[node].y;
      expect(point.y < top || point.y > top + nodeHeight).toBe(true);
    }
    expect(layout.routes[edgeKey('a', 'b')]).toBeUndefined();
  });

  it('lays out nothing', () => {
    expect(layoutLineage({ nodes: [], edges: [] })).toEqual({
      positions: {},
      routes: {},
      reversed: [],
      width: 0,
      height: 0,
    });
  });

  it.each([1, 2, 3])(
    'lays out a random 1,000-node DAG correctly (seed %i)',
    seed => {
      const graph = randomDag(1000, seed);
      const layout = layoutLineage(graph);

      expect(Object.keys(layout.positions)).toHaveLength(1000);
      expect(layout.reversed).toEqual([]);
      expect(backwardEdges(graph, layout)).toEqual([]);
      expect(overlaps(layout)).toEqual([]);
      // Nodes and edge routes fill the box from (0, 0) to (width, height).
      const boxes = Object.values(layout.positions).map(p => ({
        ...p,
        right: p.x + nodeWidth,
        bottom: p.y + nodeHeight,
      }));
      const points = Object.values(layout.routes).flat();
      const tops = [...boxes, ...points].map(p => p.y);
      const bottoms = [...boxes.map(b => b.bottom), ...points.map(p => p.y)];
      expect(Math.min(...boxes.map(b => b.x))).toBe(0);
      expect(Math.max(...boxes.map(b => b.right))).toBe(layout.width);
      expect(Math.min(...tops)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...bottoms)).toBeLessThanOrEqual(layout.height + 1e-6);
    },
  );

  it('keeps edges left to right in a random graph with cycles, but for those it reverses', () => {
    const dag = randomDag(300, 7);
    // Some edges against the flow close cycles.
    const graph = {
      nodes: dag.nodes,
      edges: [
        ...dag.edges,
        ...dag.edges
          .filter((_, i) => i % 25 === 0)
          .map(e => ({
            from: e.to,
            to: e.from,
          })),
      ],
    };
    const layout = layoutLineage(graph);
    expect(layout.reversed.length).toBeGreaterThan(0);
    expect(backwardEdges(graph, layout)).toEqual([]);
    expect(overlaps(layout)).toEqual([]);
  });
});

describe('placeInOrder', () => {
  it('keeps the order and the spacing, as close to the wishes as it can', () => {
    expect(placeInOrder([0, 10, 100], [20, 20])).toEqual([-5, 15, 100]);
    expect(placeInOrder([50, 0], [10])).toEqual([20, 30]);
    expect(placeInOrder([], [])).toEqual([]);
  });
});

describe('routePath', () => {
  it('draws level tangents at every point', () => {
    expect(
      routePath([
        { x: 0, y: 0 },
        { x: 100, y: 50 },
      ]),
    ).toBe('M 0 0 C 50 0, 50 50, 100 50');
  });
});
