import { InputError } from '@backstage/errors';
import {
  DEFAULT_LINEAGE_MAX_NODES,
  LineageEdge,
  LineageGraph,
  LineageTraversal,
} from './LineageGraph';

function graphOf(...pairs: Array<[string, string]>): LineageGraph {
  return LineageGraph.fromEdges(pairs.map(([from, to]) => ({ from, to })));
}

function edgeSet(edges: LineageEdge[]): string[] {
  return edges.map(e => `${e.from} -> ${e.to}`).sort();
}

function depths(traversal: LineageTraversal): Record<string, number> {
  return Object.fromEntries(traversal.nodes.map(n => [n.key, n.depth]));
}

/**
 * raw -> ingest -> staged -> transform -> mart -> report -> dashboard
 * plus a sibling reading `staged` and a co-writer of `mart`.
 */
function warehouse() {
  return graphOf(
    ['dataset:raw', 'pipeline:ingest'],
    ['pipeline:ingest', 'dataset:staged'],
    ['dataset:staged', 'pipeline:transform'],
    ['pipeline:transform', 'dataset:mart'],
    ['dataset:mart', 'pipeline:report'],
    ['pipeline:report', 'dataset:dashboard'],
    ['dataset:staged', 'pipeline:sibling'],
    ['pipeline:sibling', 'dataset:sibling-out'],
    ['dataset:other-in', 'pipeline:co-writer'],
    ['pipeline:co-writer', 'dataset:mart'],
  );
}

describe('LineageGraph', () => {
  it('counts nodes and edges', () => {
    const graph = warehouse();
    expect(graph.nodeCount).toBe(11);
    expect(graph.edgeCount).toBe(10);
    expect(graph.hasNode('pipeline:transform')).toBe(true);
    expect(graph.hasNode('pipeline:nope')).toBe(false);
    expect(graph.hasEdge('dataset:staged', 'pipeline:transform')).toBe(true);
    expect(graph.hasEdge('pipeline:transform', 'dataset:staged')).toBe(false);

    const empty = new LineageGraph();
    expect(empty.nodeCount).toBe(0);
    expect(empty.edgeCount).toBe(0);
  });

  it('answers just the root for an unknown root', () => {
    const graph = warehouse();
    for (const g of [graph, new LineageGraph()]) {
      expect(
        g.traverse({
          root: 'dataset:nope',
          direction: 'both',
          depth: 5,
          limit: 10,
        }),
      ).toEqual({
        root: 'dataset:nope',
        nodes: [{ key: 'dataset:nope', depth: 0 }],
        edges: [],
        omitted: {},
        truncated: false,
      });
    }
  });

  describe('depth', () => {
    it('stops at the requested number of hops', () => {
      const graph = warehouse();
      const result = graph.traverse({
        root: 'dataset:raw',
        direction: 'downstream',
        depth: 2,
        limit: 10,
      });
      expect(result.nodes).toEqual([
        { key: 'dataset:raw', depth: 0 },
        { key: 'pipeline:ingest', depth: 1 },
        { key: 'dataset:staged', depth: 2 },
      ]);
      expect(edgeSet(result.edges)).toEqual([
        'dataset:raw -> pipeline:ingest',
        'pipeline:ingest -> dataset:staged',
      ]);
      expect(result.truncated).toBe(false);
    });

    it('answers only the root at depth 0', () => {
      const result = warehouse().traverse({
        root: 'dataset:staged',
        direction: 'both',
        depth: 0,
        limit: 10,
      });
      expect(result.nodes).toEqual([{ key: 'dataset:staged', depth: 0 }]);
      expect(result.edges).toEqual([]);
      expect(result.omitted).toEqual({});
    });

    it('gives every node its shortest distance from the root', () => {
      // a -> b -> c -> d, and a shortcut a -> d
      const graph = graphOf(
        ['pipeline:a', 'pipeline:b'],
        ['pipeline:b', 'pipeline:c'],
        ['pipeline:c', 'pipeline:d'],
        ['pipeline:a', 'pipeline:d'],
      );
      const result = graph.traverse({
        root: 'pipeline:a',
        direction: 'downstream',
        depth: 10,
        limit: 10,
      });
      expect(depths(result)).toEqual({
        'pipeline:a': 0,
        'pipeline:b': 1,
        'pipeline:d': 1,
        'pipeline:c': 2,
      });
      expect(result.nodes.map(n => n.depth)).toEqual([0, 1, 1, 2]);
    });

    it('walks long chains without recursion limits', () => {
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < 20_000; i++) {
        pairs.push([`pipeline:p${i}`, `pipeline:p${i + 1}`]);
      }
      const graph = graphOf(...pairs);
      const result = graph.traverse({
        root: 'pipeline:p0',
        direction: 'downstream',
        depth: Infinity,
        limit: 1,
        maxNodes: Infinity,
      });
      expect(result.nodes).toHaveLength(20_001);
      expect(result.nodes[20_000]).toEqual({
        key: 'pipeline:p20000',
        depth: 20_000,
      });
      expect(result.edges).toHaveLength(20_000);
      expect(result.truncated).toBe(false);
    });
  });

  describe('direction', () => {
    it('follows data flow downstream', () => {
      const result = warehouse().traverse({
        root: 'dataset:staged',
        direction: 'downstream',
        depth: 10,
        limit: 10,
      });
      expect(depths(result)).toEqual({
        'dataset:staged': 0,
        'pipeline:transform': 1,
        'pipeline:sibling': 1,
        'dataset:mart': 2,
        'dataset:sibling-out': 2,
        'pipeline:report': 3,
        'dataset:dashboard': 4,
      });
      expect(edgeSet(result.edges)).toEqual([
        'dataset:mart -> pipeline:report',
        'dataset:staged -> pipeline:sibling',
        'dataset:staged -> pipeline:transform',
        'pipeline:report -> dataset:dashboard',
        'pipeline:sibling -> dataset:sibling-out',
        'pipeline:transform -> dataset:mart',
      ]);
    });

    it('goes against data flow upstream, keeping edges in data-flow direction', () => {
      const result = warehouse().traverse({
        root: 'dataset:mart',
        direction: 'upstream',
        depth: 10,
        limit: 10,
      });
      expect(depths(result)).toEqual({
        'dataset:mart': 0,
        'pipeline:transform': 1,
        'pipeline:co-writer': 1,
        'dataset:staged': 2,
        'dataset:other-in': 2,
        'pipeline:ingest': 3,
        'dataset:raw': 4,
      });
      expect(edgeSet(result.edges)).toEqual([
        'dataset:other-in -> pipeline:co-writer',
        'dataset:raw -> pipeline:ingest',
        'dataset:staged -> pipeline:transform',
        'pipeline:co-writer -> dataset:mart',
        'pipeline:ingest -> dataset:staged',
        'pipeline:transform -> dataset:mart',
      ]);
    });

    it('walks both ways without picking up siblings', () => {
      const result = warehouse().traverse({
        root: 'pipeline:transform',
        direction: 'both',
        depth: 10,
        limit: 10,
      });
      expect(depths(result)).toEqual({
        'pipeline:transform': 0,
        'dataset:staged': 1,
        'dataset:mart': 1,
        'pipeline:ingest': 2,
        'pipeline:report': 2,
        'dataset:raw': 3,
        'dataset:dashboard': 3,
      });
      // Not pipeline:sibling (up, then down from dataset:staged) nor
      // pipeline:co-writer (down, then up from dataset:mart).
      expect(result.nodes.map(n => n.key)).not.toContain('pipeline:sibling');
      expect(result.nodes.map(n => n.key)).not.toContain('pipeline:co-writer');
      expect(edgeSet(result.edges)).toEqual([
        'dataset:mart -> pipeline:report',
        'dataset:raw -> pipeline:ingest',
        'dataset:staged -> pipeline:transform',
        'pipeline:ingest -> dataset:staged',
        'pipeline:report -> dataset:dashboard',
        'pipeline:transform -> dataset:mart',
      ]);
    });

    it('is the union of the upstream and the downstream walks', () => {
      const graph = warehouse();
      for (const root of [
        'dataset:staged',
        'dataset:mart',
        'pipeline:ingest',
      ]) {
        const keysOf = (direction: 'upstream' | 'downstream' | 'both') =>
          graph
            .traverse({ root, direction, depth: 3, limit: 10 })
            .nodes.map(n => n.key)
            .sort();
        expect(keysOf('both')).toEqual(
          [...new Set([...keysOf('upstream'), ...keysOf('downstream')])].sort(),
        );
      }
    });

    it('rejects an unknown direction', () => {
      expect(() =>
        warehouse().traverse({
          root: 'dataset:mart',
          direction: 'sideways' as any,
          depth: 1,
          limit: 1,
        }),
      ).toThrow(InputError);
    });
  });

  describe('limit', () => {
    function hub(readers: number) {
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < readers; i++) {
        pairs.push(['dataset:hub', `pipeline:r${i}`]);
        pairs.push([`pipeline:r${i}`, `dataset:out${i}`]);
      }
      return graphOf(...pairs);
    }

    it('expands the first neighbours in insertion order and counts the rest', () => {
      const result = hub(5).traverse({
        root: 'dataset:hub',
        direction: 'downstream',
        depth: 2,
        limit: 2,
      });
      expect(result.nodes).toEqual([
        { key: 'dataset:hub', depth: 0 },
        { key: 'pipeline:r0', depth: 1 },
        { key: 'pipeline:r1', depth: 1 },
        { key: 'dataset:out0', depth: 2 },
        { key: 'dataset:out1', depth: 2 },
      ]);
      expect(result.omitted).toEqual({ 'dataset:hub': { downstream: 3 } });
      expect(result.truncated).toBe(false);
    });

    it('reports omitted neighbours per direction', () => {
      // 3 inputs and 4 outputs around one pipeline
      const graph = graphOf(
        ['dataset:i0', 'pipeline:p'],
        ['dataset:i1', 'pipeline:p'],
        ['dataset:i2', 'pipeline:p'],
        ['pipeline:p', 'dataset:o0'],
        ['pipeline:p', 'dataset:o1'],
        ['pipeline:p', 'dataset:o2'],
        ['pipeline:p', 'dataset:o3'],
      );
      const result = graph.traverse({
        root: 'pipeline:p',
        direction: 'both',
        depth: 1,
        limit: 1,
      });
      expect(depths(result)).toEqual({
        'pipeline:p': 0,
        'dataset:i0': 1,
        'dataset:o0': 1,
      });
      expect(result.omitted).toEqual({
        'pipeline:p': { upstream: 2, downstream: 3 },
      });
      expect(
        graph.traverse({
          root: 'pipeline:p',
          direction: 'upstream',
          depth: 1,
          limit: 2,
        }).omitted,
      ).toEqual({ 'pipeline:p': { upstream: 1 } });
      expect(
        graph.traverse({
          root: 'pipeline:p',
          direction: 'both',
          depth: 1,
          limit: 4,
        }).omitted,
      ).toEqual({});
    });

    it('counts as omitted only neighbours missing from the answer', () => {
      // r is read by a, b and c; a also triggers c.
      const graph = graphOf(
        ['dataset:r', 'pipeline:a'],
        ['dataset:r', 'pipeline:b'],
        ['dataset:r', 'pipeline:c'],
        ['pipeline:a', 'pipeline:c'],
      );
      const result = graph.traverse({
        root: 'dataset:r',
        direction: 'downstream',
        depth: 2,
        limit: 2,
      });
      expect(depths(result)).toEqual({
        'dataset:r': 0,
        'pipeline:a': 1,
        'pipeline:b': 1,
        'pipeline:c': 2,
      });
      // c is there via a, so nothing of r's fan-out is left out; the edge
      // r -> c is returned like any edge between returned nodes.
      expect(result.omitted).toEqual({});
      expect(edgeSet(result.edges)).toEqual([
        'dataset:r -> pipeline:a',
        'dataset:r -> pipeline:b',
        'dataset:r -> pipeline:c',
        'pipeline:a -> pipeline:c',
      ]);
    });

    it('leaves everything out at limit 0', () => {
      const result = hub(3).traverse({
        root: 'dataset:hub',
        direction: 'both',
        depth: 5,
        limit: 0,
      });
      expect(result.nodes).toEqual([{ key: 'dataset:hub', depth: 0 }]);
      expect(result.omitted).toEqual({ 'dataset:hub': { downstream: 3 } });
    });

    it('does not report omitted neighbours of nodes at the depth limit', () => {
      const result = hub(5).traverse({
        root: 'pipeline:r0',
        direction: 'upstream',
        depth: 1,
        limit: 1,
      });
      expect(result.nodes.map(n => n.key)).toEqual([
        'pipeline:r0',
        'dataset:hub',
      ]);
      expect(result.omitted).toEqual({});
    });

    it('keeps the work proportional to the limit on big hubs', () => {
      const graph = hub(20_000);
      const result = graph.traverse({
        root: 'dataset:hub',
        direction: 'both',
        depth: 20,
        limit: 10,
      });
      expect(result.nodes).toHaveLength(21);
      expect(result.omitted).toEqual({
        'dataset:hub': { downstream: 19_990 },
      });
    });
  });

  describe('maxNodes', () => {
    function fan(width: number) {
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < width; i++) {
        pairs.push(['dataset:root', `pipeline:p${i}`]);
      }
      return graphOf(...pairs);
    }

    it('stops the walk and says so', () => {
      const result = fan(10).traverse({
        root: 'dataset:root',
        direction: 'downstream',
        depth: 3,
        limit: 100,
        maxNodes: 4,
      });
      expect(result.nodes.map(n => n.key)).toEqual([
        'dataset:root',
        'pipeline:p0',
        'pipeline:p1',
        'pipeline:p2',
      ]);
      expect(result.edges).toHaveLength(3);
      expect(result.truncated).toBe(true);
    });

    it('is not truncated when the answer fits exactly', () => {
      const result = fan(3).traverse({
        root: 'dataset:root',
        direction: 'both',
        depth: 3,
        limit: 100,
        maxNodes: 4,
      });
      expect(result.nodes).toHaveLength(4);
      expect(result.truncated).toBe(false);
    });

    it(`defaults to ${DEFAULT_LINEAGE_MAX_NODES} nodes`, () => {
      const result = fan(5000).traverse({
        root: 'dataset:root',
        direction: 'downstream',
        depth: 1,
        limit: 10_000,
      });
      expect(result.nodes).toHaveLength(DEFAULT_LINEAGE_MAX_NODES);
      expect(result.truncated).toBe(true);
    });

    it('rejects invalid numbers', () => {
      const graph = fan(3);
      const base = {
        root: 'dataset:root',
        direction: 'both' as const,
        depth: 1,
        limit: 1,
      };
      expect(() => graph.traverse({ ...base, depth: -1 })).toThrow(InputError);
      expect(() => graph.traverse({ ...base, depth: 1.5 })).toThrow(InputError);
      expect(() => graph.traverse({ ...base, limit: NaN })).toThrow(InputError);
      expect(() => graph.traverse({ ...base, maxNodes: 0 })).toThrow(
        InputError,
      );
    });
  });

  describe('cycles and self-loops', () => {
    it('handles a pipeline that reads and writes the same dataset', () => {
      const graph = graphOf(
        ['dataset:x', 'pipeline:p'],
        ['pipeline:p', 'dataset:x'],
        ['pipeline:p', 'dataset:y'],
      );
      for (const direction of ['upstream', 'downstream', 'both'] as const) {
        const result = graph.traverse({
          root: 'dataset:x',
          direction,
          depth: 50,
          limit: 10,
        });
        expect(result.nodes.slice(0, 2)).toEqual([
          { key: 'dataset:x', depth: 0 },
          { key: 'pipeline:p', depth: 1 },
        ]);
        expect(result.edges).toContainEqual({
          from: 'dataset:x',
          to: 'pipeline:p',
        });
        expect(result.edges).toContainEqual({
          from: 'pipeline:p',
          to: 'dataset:x',
        });
      }
    });

    it('handles a node with an edge to itself', () => {
      const graph = graphOf(
        ['pipeline:self', 'pipeline:self'],
        ['pipeline:self', 'pipeline:next'],
      );
      const result = graph.traverse({
        root: 'pipeline:self',
        direction: 'both',
        depth: 10,
        limit: 10,
      });
      expect(result.nodes).toEqual([
        { key: 'pipeline:self', depth: 0 },
        { key: 'pipeline:next', depth: 1 },
      ]);
      expect(edgeSet(result.edges)).toEqual([
        'pipeline:self -> pipeline:next',
        'pipeline:self -> pipeline:self',
      ]);
    });

    it('terminates on cycles and lists each node once, at its smallest depth', () => {
      // a -> b -> c -> d -> a
      const graph = graphOf(
        ['pipeline:a', 'pipeline:b'],
        ['pipeline:b', 'pipeline:c'],
        ['pipeline:c', 'pipeline:d'],
        ['pipeline:d', 'pipeline:a'],
      );
      const result = graph.traverse({
        root: 'pipeline:a',
        direction: 'both',
        depth: Infinity,
        limit: Infinity,
        maxNodes: Infinity,
      });
      // Downstream b is 1 hop and d is 3; upstream d is 1 hop and b is 3.
      expect(depths(result)).toEqual({
        'pipeline:a': 0,
        'pipeline:b': 1,
        'pipeline:c': 2,
        'pipeline:d': 1,
      });
      expect(result.nodes).toHaveLength(4);
      expect(result.edges).toHaveLength(4);
    });
  });

  describe('edges', () => {
    it('ignores duplicate edges', () => {
      const graph = graphOf(
        ['dataset:a', 'pipeline:p'],
        ['dataset:b', 'pipeline:p'],
      );
      graph.addEdges([
        { from: 'dataset:a', to: 'pipeline:p' },
        { from: 'dataset:a', to: 'pipeline:p' },
        { from: 'dataset:b', to: 'pipeline:p' },
      ]);
      expect(graph.nodeCount).toBe(3);
      expect(graph.edgeCount).toBe(2);

      const result = graph.traverse({
        root: 'pipeline:p',
        direction: 'upstream',
        depth: 1,
        limit: 1,
      });
      expect(result.edges).toEqual([{ from: 'dataset:a', to: 'pipeline:p' }]);
      // Duplicates do not inflate the fan-out either.
      expect(result.omitted).toEqual({ 'pipeline:p': { upstream: 1 } });
    });

    it('dedupes across many incremental additions', () => {
      const graph = new LineageGraph();
      const edges: LineageEdge[] = [];
      for (let i = 0; i < 30_000; i++) {
        edges.push({ from: `dataset:d${i % 3001}`, to: `pipeline:p${i % 7}` });
      }
      graph.addEdges(edges.slice(0, 10_000));
      graph.addEdges(edges);
      graph.addEdges(edges.reverse());
      // 3001 and 7 are coprime: every (d, p) pair occurs, 3001 * 7 = 21007
      expect(graph.edgeCount).toBe(21_007);
      expect(graph.nodeCount).toBe(3001 + 7);
      for (let i = 0; i < 21_007; i += 97) {
        expect(
          graph.hasEdge(`dataset:d${i % 3001}`, `pipeline:p${i % 7}`),
        ).toBe(true);
      }
      expect(graph.hasEdge('pipeline:p0', 'dataset:d0')).toBe(false);
    });

    it('follows pipeline to pipeline task dependencies', () => {
      const graph = graphOf(
        ['pipeline:extract', 'pipeline:load'],
        ['pipeline:load', 'pipeline:report'],
        ['dataset:in', 'pipeline:extract'],
        ['pipeline:report', 'dataset:out'],
      );
      const up = graph.traverse({
        root: 'pipeline:report',
        direction: 'upstream',
        depth: 10,
        limit: 10,
      });
      expect(up.nodes).toEqual([
        { key: 'pipeline:report', depth: 0 },
        { key: 'pipeline:load', depth: 1 },
        { key: 'pipeline:extract', depth: 2 },
        { key: 'dataset:in', depth: 3 },
      ]);
      const down = graph.traverse({
        root: 'pipeline:extract',
        direction: 'downstream',
        depth: 2,
        limit: 10,
      });
      expect(edgeSet(down.edges)).toEqual([
        'pipeline:extract -> pipeline:load',
        'pipeline:load -> pipeline:report',
      ]);
    });

    it('takes edges added after queries into account', () => {
      const graph = graphOf(['dataset:a', 'pipeline:p']);
      const before = graph.traverse({
        root: 'dataset:a',
        direction: 'downstream',
        depth: 5,
        limit: 10,
      });
      expect(before.nodes).toHaveLength(2);

      // Enough new nodes to make the graph grow its storage.
      const more: LineageEdge[] = [{ from: 'pipeline:p', to: 'dataset:b0' }];
      for (let i = 0; i < 3000; i++) {
        more.push({ from: `dataset:b${i}`, to: `dataset:b${i + 1}` });
      }
      graph.addEdges(more);
      const after = graph.traverse({
        root: 'dataset:a',
        direction: 'downstream',
        depth: 5,
        limit: 10,
      });
      expect(after.nodes.map(n => n.key)).toEqual([
        'dataset:a',
        'pipeline:p',
        'dataset:b0',
        'dataset:b1',
        'dataset:b2',
        'dataset:b3',
      ]);
      expect(
        graph.traverse({
          root: 'dataset:b3000',
          direction: 'upstream',
          depth: 2,
          limit: 10,
        }).nodes,
      ).toHaveLength(3);
    });
  });

  it('treats keys with colons and slashes as opaque', () => {
    const graph = graphOf(
      ['dataset:s3://bucket/raw/a:b', 'pipeline:airflow:dag/task:1'],
      ['pipeline:airflow:dag/task:1', 'dataset:postgres://db:5432/x/y'],
      ['dataset:s3://bucket/raw/a', 'pipeline:airflow:dag/task'],
      ['pipeline:airflow:dag/task', 'dataset:postgres://db:5432/x'],
    );
    expect(graph.nodeCount).toBe(6);
    expect(graph.hasNode('dataset:s3://bucket/raw/a:b')).toBe(true);
    expect(graph.hasNode('dataset:s3://bucket/raw/a:')).toBe(false);
    const result = graph.traverse({
      root: 'pipeline:airflow:dag/task:1',
      direction: 'both',
      depth: 3,
      limit: 10,
    });
    expect(result.nodes).toEqual([
      { key: 'pipeline:airflow:dag/task:1', depth: 0 },
      { key: 'dataset:s3://bucket/raw/a:b', depth: 1 },
      { key: 'dataset:postgres://db:5432/x/y', depth: 1 },
    ]);
    expect(edgeSet(result.edges)).toEqual([
      'dataset:s3://bucket/raw/a:b -> pipeline:airflow:dag/task:1',
      'pipeline:airflow:dag/task:1 -> dataset:postgres://db:5432/x/y',
    ]);
  });

  it('keeps omitted safe for any key', () => {
    const graph = graphOf(['__proto__', 'a'], ['__proto__', 'b']);
    const result = graph.traverse({
      root: '__proto__',
      direction: 'downstream',
      depth: 1,
      limit: 1,
    });
    expect(Object.keys(result.omitted)).toEqual(['__proto__']);
    expect(JSON.stringify(result.omitted)).toBe(
      '{"__proto__":{"downstream":1}}',
    );
  });
});
