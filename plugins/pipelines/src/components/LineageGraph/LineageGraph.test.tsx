import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { registerMswTestHooks } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  LineageNode,
  LineageResponse,
} from '@tributary/plugin-pipelines-common';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { pipelinesApiRef } from '../../api';
import { createMswPipelinesClient } from '../../__testUtils__/mswPipelinesClient';
import { formatTime } from '../PipelineTab/runs';
import { DRAW_BATCH } from './LineageCanvas';
import { LineageGraph } from './LineageGraph';
import { installReactFlowInJsdom } from '../../__testUtils__/reactFlowInJsdom';

// Jest cannot load the worker (import.meta): lay out synchronously.
jest.mock('./layoutRunner', () => {
  const { layoutLineage } = jest.requireActual('../../lib/lineageLayout');
  return {
    prepareLayout: () => {},
    runLayout: async (graph: unknown, options: unknown) =>
      layoutLineage(graph, options),
  };
});

// A drawing in jsdom (React Flow, MUI) takes seconds on a busy machine.
jest.setTimeout(20_000);

const LINEAGE_URL = 'http://localhost:7007/api/pipelines/v1/lineage';

function node(
  key: string,
  name: string,
  depth: number,
  extra: Partial<LineageNode> = {},
): LineageNode {
  const [kind, id] = key.split(':') as ['pipeline' | 'dataset', string];
  return { key, kind, id, name, depth, ...extra };
}

// raw_events -> Daily streams -> streams_daily (+12 more readers)
const daily: LineageResponse = {
  root: 'pipeline:daily',
  nodes: [
    node('pipeline:daily', 'Daily streams', 0, { latestRunState: 'failed' }),
    node('dataset:raw', 'raw_events', 1),
    node('dataset:out', 'streams_daily', 1),
  ],
  edges: [
    { from: 'dataset:raw', to: 'pipeline:daily' },
    { from: 'pipeline:daily', to: 'dataset:out' },
  ],
  omitted: { 'dataset:out': { downstream: 12 } },
  truncated: false,
};

// What the server knows beyond `daily`, per node asked about.
const neighbours: Record<string, LineageResponse> = {
  'dataset:raw': {
    root: 'dataset:raw',
    nodes: [
      node('dataset:raw', 'raw_events', 0),
      node('pipeline:daily', 'Daily streams', 1),
      node('pipeline:ingest', 'Event ingest', 1, {
        latestRunState: 'succeeded',
      }),
    ],
    edges: [
      { from: 'pipeline:ingest', to: 'dataset:raw' },
      { from: 'dataset:raw', to: 'pipeline:daily' },
    ],
    omitted: {},
    truncated: false,
  },
  'dataset:out': {
    root: 'dataset:out',
    nodes: [
      node('dataset:out', 'streams_daily', 0),
      node('pipeline:report', 'Royalty report', 1),
    ],
    edges: [{ from: 'dataset:out', to: 'pipeline:report' }],
    omitted: {},
    truncated: false,
  },
};

const server = setupServer();
registerMswTestHooks(server);

/** Serves lineage like the backend; returns the query of every request. */
function serveLineage(
  answer: (query: URLSearchParams) => LineageResponse | undefined = query =>
    query.get('node') === daily.root ? daily : neighbours[query.get('node')!],
) {
  const queries: Array<Record<string, string>> = [];
  server.use(
    rest.get(LINEAGE_URL, (req, res, ctx) => {
      queries.push(Object.fromEntries(req.url.searchParams));
      const body = answer(req.url.searchParams);
      return body
        ? res(ctx.json(body))
        : res(
            ctx.status(404),
            ctx.json({ error: { name: 'NotFoundError', message: 'no node' } }),
          );
    }),
  );
  return queries;
}

const catalogApi = { getEntities: jest.fn() };

async function renderGraph() {
  const client = createMswPipelinesClient();
  return renderInTestApp(<LineageGraph root="pipeline:daily" height={500} />, {
    apis: [
      [pipelinesApiRef, client],
      [catalogApiRef, catalogApi],
    ],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

/** The daily pipeline writing `count - 1` datasets: one level, any size. */
function starLineage(count: number): LineageResponse {
  const nodes = [node('pipeline:daily', 'Daily streams', 0)];
  const edges: LineageResponse['edges'] = [];
  for (let i = 1; i < count; i++) {
    nodes.push(node(`dataset:d${i}`, `dataset ${i}`, 1));
    edges.push({ from: 'pipeline:daily', to: `dataset:d${i}` });
  }
  return {
    root: 'pipeline:daily',
    nodes,
    edges,
    omitted: {},
    truncated: false,
  };
}

// Inside React Flow, clicks are fired without user-event's pointer events:
// d3-zoom reads `event.view` on mousedown, which user-event leaves null.
// Label queries: role queries are slow on a drawing this size.
const findNode = (label: string) =>
  screen.findByLabelText(label, {}, { timeout: 5000 });

installReactFlowInJsdom();
beforeEach(() => catalogApi.getEntities.mockReset());

describe('LineageGraph', () => {
  it('draws the lineage with names, states and "+N more"', async () => {
    const queries = serveLineage();
    await renderGraph();

    // Nodes are buttons named after what they stand for.
    expect(
      await screen.findByRole(
        'button',
        { name: 'Daily streams (pipeline, failed)' },
        { timeout: 5000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('pipeline · failed')).toBeInTheDocument();
    expect(screen.getByLabelText('raw_events (dataset)')).toBeInTheDocument();
    expect(screen.getByText('streams_daily')).toBeInTheDocument();
    expect(screen.getByText('+12 more')).toBeInTheDocument();
    expect(
      screen.getByLabelText('12 more downstream of streams_daily'),
    ).toBeInTheDocument();
    expect(screen.getByText('3 nodes.')).toBeInTheDocument();
    expect(queries).toEqual([
      { node: 'pipeline:daily', direction: 'both', depth: '3', limit: '25' },
    ]);
  });

  it('marks late pipelines', async () => {
    const lateSince = '2026-11-30T06:00:00.000Z';
    serveLineage(() => ({
      ...daily,
      nodes: daily.nodes.map(n =>
        n.key === daily.root
          ? { ...n, latestRunState: 'succeeded', lateSince }
          : n,
      ),
    }));
    await renderGraph();

    const root = await findNode('Daily streams (pipeline, succeeded, late)');
    const mark = within(root).getByTestId('late-mark');
    expect(mark).toHaveTextContent('late');
    expect(mark).toHaveAttribute(
      'title',
      `Late since ${formatTime(lateSince)}: past its freshness deadline`,
    );
    expect(screen.getAllByTestId('late-mark')).toHaveLength(1);
  });

  it('asks again when the direction or the depth changes', async () => {
    const queries = serveLineage();
    await renderGraph();
    await findNode('raw_events (dataset)');

    await userEvent.click(screen.getByText('Upstream'));
    await waitFor(() =>
      expect(queries.at(-1)).toEqual({
        node: 'pipeline:daily',
        direction: 'upstream',
        depth: '3',
        limit: '25',
      }),
    );

    await userEvent.click(screen.getByLabelText('Depth'));
    await userEvent.click(
      within(screen.getByRole('listbox')).getByRole('option', { name: '5' }),
    );
    await waitFor(() =>
      expect(queries.at(-1)).toEqual({
        node: 'pipeline:daily',
        direction: 'upstream',
        depth: '5',
        limit: '25',
      }),
    );
  });

  it("expands a node's neighbours on click", async () => {
    const queries = serveLineage();
    await renderGraph();

    fireEvent.click(await findNode('raw_events (dataset)'));

    expect(
      await findNode('Event ingest (pipeline, succeeded)'),
    ).toBeInTheDocument();
    expect(queries.at(-1)).toEqual({
      node: 'dataset:raw',
      direction: 'both',
      depth: '1',
      limit: '25',
    });
    // What was drawn stays.
    expect(screen.getByText('Daily streams')).toBeInTheDocument();
    expect(screen.getByText('+12 more')).toBeInTheDocument();
  });

  it('expands a focused node with Enter', async () => {
    const queries = serveLineage();
    await renderGraph();

    const raw = await findNode('raw_events (dataset)');
    raw.focus();
    fireEvent.keyDown(raw, { key: 'Enter' });

    expect(await screen.findByText('Event ingest')).toBeInTheDocument();
    expect(queries.at(-1)).toMatchObject({ node: 'dataset:raw', depth: '1' });
  });

  it('fetches what the server left out when "+N more" is clicked', async () => {
    const queries = serveLineage();
    await renderGraph();

    fireEvent.click(await screen.findByText('+12 more'));

    expect(await screen.findByText('Royalty report')).toBeInTheDocument();
    expect(queries.at(-1)).toEqual({
      node: 'dataset:out',
      direction: 'downstream',
      depth: '1',
      limit: String(25 + 12),
    });
    expect(screen.queryByText('+12 more')).not.toBeInTheDocument();
  });

  it('highlights the path between two selected nodes', async () => {
    serveLineage();
    await renderGraph();
    await findNode('raw_events (dataset)');

    await userEvent.click(screen.getByText('Highlight path'));
    expect(
      screen.getByText('Select two nodes to highlight the path between them.'),
    ).toBeInTheDocument();
    fireEvent.click(await findNode('raw_events (dataset)'));
    fireEvent.click(await findNode('streams_daily (dataset)'));

    expect(screen.getByText('Path of 2 steps.')).toBeInTheDocument();
    // raw_events -> Daily streams -> streams_daily; "+12 more" is off it.
    const edges = screen.getAllByTestId('lineage-edge');
    expect(edges.map(edge => edge.getAttribute('stroke-width'))).toEqual([
      '3',
      '3',
      '1.5',
    ]);
    expect(edges.map(edge => edge.getAttribute('opacity'))).toEqual([
      '1',
      '1',
      '0.15',
    ]);
  });

  it('draws a large graph over a few frames, every node and edge in the end', async () => {
    const count = DRAW_BATCH * 2 + 10;
    serveLineage(() => starLineage(count));
    const { container } = await renderGraph();

    expect(await screen.findByText(`${count} nodes.`)).toBeInTheDocument();
    await waitFor(() =>
      expect(container.querySelectorAll('.react-flow__node')).toHaveLength(
        count,
      ),
    );
    expect(screen.getAllByTestId('lineage-edge')).toHaveLength(count - 1);
    expect(await findNode('dataset 1 (dataset)')).toBeInTheDocument();
    expect(
      screen.getByLabelText(`dataset ${count - 1} (dataset)`),
    ).toBeInTheDocument();
  });

  it('draws a graph above the drawing limit capped, the rest counted', async () => {
    // Above the size whose view is worked out at low priority, too.
    const count = 400;
    serveLineage(() => starLineage(count));
    await renderGraph();

    expect(
      await screen.findByText(`300 of ${count} nodes drawn.`, undefined, {
        timeout: 5000,
      }),
    ).toBeInTheDocument();
  });

  it('opens the catalog entity of a node', async () => {
    serveLineage();
    catalogApi.getEntities.mockResolvedValue({ items: [] });
    await renderGraph();

    fireEvent.click(
      await screen.findByLabelText('Open raw_events in the catalog'),
    );

    expect(catalogApi.getEntities).toHaveBeenCalledWith(
      expect.objectContaining({
        filter: { 'metadata.annotations.tributary.dev/dataset-id': 'raw' },
        limit: 1,
      }),
    );
    expect(
      await screen.findByText('raw_events is not in the catalog yet.'),
    ).toBeInTheDocument();
  });

  it('says when there is no lineage', async () => {
    serveLineage(() => ({
      root: 'pipeline:daily',
      nodes: [node('pipeline:daily', 'Daily streams', 0)],
      edges: [],
      omitted: {},
      truncated: false,
    }));
    await renderGraph();

    expect(
      await screen.findByText('No lineage recorded for this pipeline'),
    ).toBeInTheDocument();
  });

  it('shows the error and recovers on retry', async () => {
    let fail = true;
    serveLineage(() => (fail ? undefined : daily));
    await renderGraph();

    expect(
      await screen.findByText(/Could not load lineage/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/no node/).length).toBeGreaterThan(0);

    fail = false;
    await userEvent.click(screen.getByText('Retry'));
    expect(await findNode('raw_events (dataset)')).toBeInTheDocument();
  });
});
