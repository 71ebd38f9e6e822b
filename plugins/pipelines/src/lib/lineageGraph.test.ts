import {
  LineageNode,
  LineageResponse,
} from '@tributary/plugin-pipelines-common';
import {
  lineageView,
  mergeLineage,
  MoreNode,
  moreKey,
  shortestPath,
} from './lineageGraph';
import { edgeKey } from './lineageLayout';

function node(key: string, depth: number): LineageNode {
  const [kind, id] = key.split(':') as ['pipeline' | 'dataset', string];
  return { key, kind, id, name: id, depth };
}

function lineage(
  root: string,
  nodes: Array<[string, number]>,
  edges: Array<[string, string]>,
  omitted: LineageResponse['omitted'] = {},
): LineageResponse {
  return {
    root,
    nodes: nodes.map(([key, depth]) => node(key, depth)),
    edges: edges.map(([from, to]) => ({ from, to })),
    omitted,
    truncated: false,
  };
}

const moreNodes = (nodes: Array<{ kind: string }>) =>
  nodes.filter((n): n is MoreNode => n.kind === 'more');

describe('mergeLineage', () => {
  const current = lineage(
    'pipeline:p',
    [
      ['pipeline:p', 0],
      ['dataset:out', 1],
    ],
    [['pipeline:p', 'dataset:out']],
    { 'dataset:out': { downstream: 40, upstream: 2 } },
  );

  it("adds an expanded node's neighbours with depths from the root", () => {
    const next = lineage(
      'dataset:out',
      [
        ['dataset:out', 0],
        ['pipeline:p', 1],
        ['pipeline:reader', 1],
      ],
      [
        ['pipeline:p', 'dataset:out'],
        ['dataset:out', 'pipeline:reader'],
      ],
      { 'dataset:out': { downstream: 30 } },
    );
    next.nodes[2].latestRunState = 'failed';

    const merged = mergeLineage(current, next, 'both');

    expect(merged.root).toBe('pipeline:p');
    expect(merged.nodes.map(n => [n.key, n.depth])).toEqual([
      ['pipeline:p', 0],
      ['dataset:out', 1],
      ['pipeline:reader', 2],
    ]);
    expect(merged.nodes[2].latestRunState).toBe('failed');
    expect(merged.edges).toEqual([
      { from: 'pipeline:p', to: 'dataset:out' },
      { from: 'dataset:out', to: 'pipeline:reader' },
    ]);
    // Both sides were walked: upstream has nothing left out any more.
    expect(merged.omitted).toEqual({ 'dataset:out': { downstream: 30 } });
  });

  it('keeps omitted counts of the side that was not walked', () => {
    const next = lineage('dataset:out', [['dataset:out', 0]], []);
    expect(mergeLineage(current, next, 'downstream').omitted).toEqual({
      'dataset:out': { upstream: 2 },
    });
    expect(mergeLineage(current, next, 'both').omitted).toEqual({});
  });
});

describe('lineageView', () => {
  // A root with 5 downstream datasets, each read by one pipeline.
  const wide = lineage(
    'pipeline:root',
    [
      ['pipeline:root', 0],
      ...[1, 2, 3, 4, 5].map(i => [`dataset:d${i}`, 1] as [string, number]),
      ...[1, 2, 3, 4, 5].map(i => [`pipeline:r${i}`, 2] as [string, number]),
    ],
    [1, 2, 3, 4, 5].flatMap(i => [
      ['pipeline:root', `dataset:d${i}`] as [string, string],
      [`dataset:d${i}`, `pipeline:r${i}`] as [string, string],
    ]),
    { 'pipeline:root': { downstream: 7, upstream: 1 } },
  );

  it('shows "+N more" nodes for what the server omitted', () => {
    const view = lineageView(wide, { maxNodes: 100 });
    expect(view.nodes).toHaveLength(11 + 2);
    expect(view.hiddenCount).toBe(0);
    expect(moreNodes(view.nodes)).toEqual([
      expect.objectContaining({
        key: moreKey('pipeline:root', 'upstream'),
        anchor: 'pipeline:root',
        direction: 'upstream',
        count: 1,
      }),
      expect.objectContaining({ direction: 'downstream', count: 7 }),
    ]);
    expect(view.edges).toContainEqual({
      from: moreKey('pipeline:root', 'upstream'),
      to: 'pipeline:root',
    });
    expect(view.edges).toContainEqual({
      from: 'pipeline:root',
      to: moreKey('pipeline:root', 'downstream'),
    });
  });

  it('caps the nodes drawn, grouping the farthest under the drawn node they hang off', () => {
    const view = lineageView(wide, { maxNodes: 8 });
    const drawn = view.nodes.filter(n => n.kind !== 'more').map(n => n.key);
    expect(drawn).toEqual([
      'pipeline:root',
      'dataset:d1',
      'dataset:d2',
      'dataset:d3',
      'dataset:d4',
      'dataset:d5',
      'pipeline:r1',
      'pipeline:r2',
    ]);
    expect(view.hiddenCount).toBe(3);
    expect(moreNodes(view.nodes).map(m => [m.key, m.count, m.hidden])).toEqual([
      [moreKey('pipeline:root', 'upstream'), 1, []],
      [moreKey('pipeline:root', 'downstream'), 7, []],
      [moreKey('dataset:d3', 'downstream'), 1, ['pipeline:r3']],
      [moreKey('dataset:d4', 'downstream'), 1, ['pipeline:r4']],
      [moreKey('dataset:d5', 'downstream'), 1, ['pipeline:r5']],
    ]);
    // No edge leads to a node that is not drawn.
    const keys = new Set(view.nodes.map(n => n.key));
    expect(view.edges.every(e => keys.has(e.from) && keys.has(e.to))).toBe(
      true,
    );
  });

  it('groups nodes beyond a hidden node under the same drawn node', () => {
    const chain = lineage(
      'dataset:a',
      [
        ['dataset:a', 0],
        ['pipeline:b', 1],
        ['dataset:c', 2],
        ['pipeline:d', 3],
      ],
      [
        ['dataset:a', 'pipeline:b'],
        ['pipeline:b', 'dataset:c'],
        ['pipeline:d', 'dataset:c'],
      ],
    );
    const view = lineageView(chain, { maxNodes: 2 });
    expect(moreNodes(view.nodes)).toEqual([
      expect.objectContaining({
        anchor: 'pipeline:b',
        direction: 'downstream',
        hidden: ['dataset:c', 'pipeline:d'],
        count: 2,
      }),
    ]);
  });

  it('draws a repeated edge once', () => {
    const repeated = lineage(
      'dataset:a',
      [
        ['dataset:a', 0],
        ['pipeline:b', 1],
      ],
      [
        ['dataset:a', 'pipeline:b'],
        ['dataset:a', 'pipeline:b'],
      ],
    );
    expect(lineageView(repeated, { maxNodes: 10 }).edges).toEqual([
      { from: 'dataset:a', to: 'pipeline:b' },
    ]);
  });

  it('draws revealed nodes beyond the cap', () => {
    const view = lineageView(wide, {
      maxNodes: 8,
      revealed: new Set(['pipeline:r5', 'pipeline:unknown']),
    });
    const drawn = view.nodes.filter(n => n.kind !== 'more').map(n => n.key);
    expect(drawn).toHaveLength(8);
    expect(drawn.slice(0, 2)).toEqual(['pipeline:root', 'pipeline:r5']);
    expect(view.edges).toContainEqual({
      from: 'dataset:d5',
      to: 'pipeline:r5',
    });
  });
});

describe('shortestPath', () => {
  const edges = [
    { from: 'dataset:a', to: 'pipeline:p' },
    { from: 'pipeline:p', to: 'dataset:b' },
    { from: 'dataset:a', to: 'pipeline:q' },
    { from: 'pipeline:q', to: 'dataset:c' },
    { from: 'dataset:c', to: 'pipeline:r' },
    { from: 'pipeline:r', to: 'dataset:b' },
  ];

  it('finds the fewest hops, against edge direction where needed', () => {
    expect(shortestPath(edges, 'dataset:b', 'dataset:c')).toEqual({
      nodes: ['dataset:b', 'pipeline:r', 'dataset:c'],
      edges: [
        edgeKey('pipeline:r', 'dataset:b'),
        edgeKey('dataset:c', 'pipeline:r'),
      ],
    });
  });

  it('is a single node from a node to itself', () => {
    expect(shortestPath(edges, 'dataset:a', 'dataset:a')).toEqual({
      nodes: ['dataset:a'],
      edges: [],
    });
  });

  it('says when two nodes are not connected', () => {
    expect(shortestPath(edges, 'dataset:a', 'dataset:z')).toBeUndefined();
  });
});
