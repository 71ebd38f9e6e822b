import '@xyflow/react/dist/style.css';
import { EmptyState, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import GlobalStyles from '@mui/material/GlobalStyles';
import { Theme, useTheme } from '@mui/material/styles';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import {
  LineageDirection,
  LineageNode,
  LineageResponse,
} from '@tributary/plugin-pipelines-common';
import { Node, Position } from '@xyflow/react';
import {
  KeyboardEvent,
  memo,
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pipelinesApiRef } from '../../api';
import {
  lineageView,
  LineageView,
  mergeLineage,
  MoreNode,
  shortestPath,
  ViewNode,
} from '../../lib/lineageGraph';
import {
  DEFAULT_LAYOUT_OPTIONS,
  edgeKey,
  Layout,
  routePath,
} from '../../lib/lineageLayout';
import { prepareLayout, runLayout } from './layoutRunner';
import { LineageCanvas, LineageFlowNode } from './LineageCanvas';
import {
  EntityFlowNode,
  LineageActionsContext,
  lineageNodeStyles,
  MoreFlowNode,
  LineageEdge,
  stateColour,
} from './LineageNodes';
import { useOpenEntity } from './useOpenEntity';

/** Neighbours per node and direction the server sends; the rest are "+N more". */
const NEIGHBOUR_LIMIT = 25;
/** The server's largest limit. */
const MAX_NEIGHBOUR_LIMIT = 1000;
/** React Flow's DOM renderer slows down past about 1,000 nodes: draw fewer. */
const MAX_DRAWN_NODES = 300;
/**
 * Above this many nodes the answer's view is worked out at low priority: some
 * 10 ms of script on a slow machine at 1,000 nodes.
 */
const DEFER_VIEW_ABOVE_NODES = 250;
/** Nodes one click draws beyond the cap; the rest stay behind "+N more". */
const REVEAL_BATCH = 100;
const DEPTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const { nodeWidth, nodeHeight } = DEFAULT_LAYOUT_OPTIONS;
const NO_NODES: LineageFlowNode[] = [];
const NO_EDGES: LineageEdge[] = [];
const NO_KEYS: string[] = [];

function shallowEqual(a: object, b: object): boolean {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every(key => left[key] === right[key])
  );
}
/** Where edges attach: the middle of a node's left and right sides. */
const HANDLES = [
  { type: 'target' as const, position: Position.Left, x: 0, y: nodeHeight / 2 },
  {
    type: 'source' as const,
    position: Position.Right,
    x: nodeWidth,
    y: nodeHeight / 2,
  },
];
const NOTHING: ReadonlySet<string> = new Set();
// Nodes are drawn over a few frames (see `LineageCanvas`), which fits them
// all, drawn or not yet.
const FIT_VIEW = { padding: 0.1, maxZoom: 1 };

/** @public */
export interface LineageGraphProps {
  /** The node to centre on: `pipeline:<id>` or `dataset:<id>`. */
  root: string;
  /** Height of the drawing in pixels; fixed, so nothing moves as data arrives. */
  height?: number;
}

/** The graph shown: the root's lineage plus the neighbourhoods expanded since. */
interface Expansion {
  /** The root's lineage this expands; a new one starts over. */
  base: LineageResponse;
  graph: LineageResponse;
  /** Nodes asked for, drawn even beyond the cap. */
  revealed: ReadonlySet<string>;
}

interface Drawing {
  base: LineageResponse;
  view: LineageView;
  layout: Layout;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function nodeLabel(node: ViewNode, names: Map<string, string>): string {
  if (node.kind === 'more') {
    const anchor = names.get(node.anchor) ?? node.anchor;
    return `${node.count} more ${node.direction} of ${anchor}`;
  }
  const late = node.lateSince ? ', late' : '';
  const state =
    node.kind === 'pipeline'
      ? `, ${node.latestRunState ?? 'no runs'}${late}`
      : '';
  return `${node.name} (${node.kind}${state})`;
}

/** Direction, depth and path mode: memoised, they stay as the graph changes. */
const LineageControls = memo(function Controls(props: {
  direction: LineageDirection;
  depth: number;
  pathMode: boolean;
  onDirection(direction: LineageDirection): void;
  onDepth(depth: number): void;
  onPathMode(): void;
}) {
  const { onDirection, onDepth, onPathMode } = props;
  return (
    <>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={props.direction}
        onChange={(_event, value: LineageDirection | null) => {
          if (value) {
            onDirection(value);
          }
        }}
        aria-label="Direction"
      >
        <ToggleButton value="upstream">Upstream</ToggleButton>
        <ToggleButton value="both">Both</ToggleButton>
        <ToggleButton value="downstream">Downstream</ToggleButton>
      </ToggleButtonGroup>
      <TextField
        select
        size="small"
        label="Depth"
        value={props.depth}
        onChange={event => onDepth(Number(event.target.value))}
        sx={{ width: 90 }}
      >
        {DEPTHS.map(d => (
          <MenuItem key={d} value={d}>
            {d}
          </MenuItem>
        ))}
      </TextField>
      <ToggleButton
        size="small"
        value="path"
        selected={props.pathMode}
        onChange={onPathMode}
      >
        Highlight path
      </ToggleButton>
    </>
  );
});

/** The class of the box the graph draws in, which its node styles are scoped to. */
const GRAPH_CLASS = 'tl-lineage-graph';

/**
 * The nodes' styles, as a style sheet written once per theme. As the graph
 * box's `sx` they were serialized again with every render of the graph, icons
 * and all: milliseconds each time on a slow machine.
 */
const NodeStyles = memo(function NodeStyleSheet(props: { theme: Theme }) {
  const { theme } = props;
  const styles = useMemo(
    () => ({
      [`.${GRAPH_CLASS}`]: {
        ...lineageNodeStyles(theme),
        '& .react-flow__node:focus-visible': {
          outline: `2px solid ${theme.palette.primary.main}`,
          outlineOffset: 4,
        },
      },
    }),
    [theme],
  );
  return <GlobalStyles styles={styles} />;
});

/**
 * Interactive lineage around a pipeline or dataset: direction and depth,
 * expand a node's neighbours on click or Enter, "+N more" for what is not
 * drawn, highlight the path between two nodes, open a node's entity page.
 *
 * @public
 */
export function LineageGraph(props: LineageGraphProps) {
  const { root, height = 600 } = props;
  const theme = useTheme();
  // The layout worker starts while the lineage loads, not after.
  useEffect(() => prepareLayout(), []);
  const pipelinesApi = useApi(pipelinesApiRef);
  const openEntityPage = useOpenEntity();
  const [direction, setDirection] = useState<LineageDirection>('both');
  const [depth, setDepth] = useState(3);
  const [pathMode, setPathMode] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const [busy, setBusy] = useState<ReadonlySet<string>>(NOTHING);
  const [notice, setNotice] = useState<{
    severity: 'info' | 'error';
    message: string;
  }>();

  const lineage = useAsyncRetry(
    () =>
      pipelinesApi.getLineage({
        node: root,
        direction,
        depth,
        limit: NEIGHBOUR_LIMIT,
      }),
    [pipelinesApi, root, direction, depth],
  );
  const base = lineage.value;
  const [expansion, setExpansion] = useState<Expansion>();
  const current = useMemo(
    (): Expansion | undefined =>
      base && expansion?.base === base
        ? expansion
        : base && { base, graph: base, revealed: NOTHING },
    [base, expansion],
  );
  // Answers to expansions of an older base are dropped: read it when they come.
  const baseRef = useRef(base);
  baseRef.current = base;

  // What to draw of a large graph is worked out in a render of its own, at
  // low priority: the answer often comes with the tab's other sections, and
  // would make their render one long task. A small one is drawn sooner.
  const deferredCurrent = useDeferredValue(current);
  const viewed =
    current && current.graph.nodes.length > DEFER_VIEW_ABOVE_NODES
      ? deferredCurrent
      : current;
  const view = useMemo(
    () =>
      viewed && {
        base: viewed.base,
        view: lineageView(viewed.graph, {
          maxNodes: MAX_DRAWN_NODES,
          revealed: viewed.revealed,
        }),
      },
    [viewed],
  );

  const [drawing, setDrawing] = useState<Drawing>();
  const [layoutError, setLayoutError] = useState<Error>();
  useEffect(() => {
    if (!view) {
      return undefined;
    }
    let live = true;
    runLayout({
      nodes: view.view.nodes.map(node => node.key),
      edges: view.view.edges,
    }).then(
      layout => live && setDrawing({ ...view, layout }),
      error => live && setLayoutError(error),
    );
    return () => {
      live = false;
    };
  }, [view]);

  const inFlight = useRef(new Set<string>());
  const fetchNeighbours = useCallback(
    async (key: string, side: LineageDirection, limit: number) => {
      const start = current;
      if (!start || inFlight.current.has(key)) {
        return;
      }
      inFlight.current.add(key);
      setBusy(new Set(inFlight.current));
      try {
        const next = await pipelinesApi.getLineage({
          node: key,
          direction: side,
          depth: 1,
          limit,
        });
        setExpansion(previous => {
          if (baseRef.current !== start.base) {
            return previous;
          }
          const from = previous?.base === start.base ? previous : start;
          return {
            base: from.base,
            graph: mergeLineage(from.graph, next, side),
            revealed: new Set([
              ...from.revealed,
              key,
              ...next.nodes.slice(0, REVEAL_BATCH).map(node => node.key),
            ]),
          };
        });
      } catch (error) {
        setNotice({
          severity: 'error',
          message: `Could not load the neighbours: ${(error as Error).message}`,
        });
      } finally {
        inFlight.current.delete(key);
        setBusy(new Set(inFlight.current));
      }
    },
    [current, pipelinesApi],
  );

  const showMore = useCallback(
    (more: MoreNode) => {
      if (!current) {
        return;
      }
      // Hidden by the cap: already here, just draw them.
      setExpansion({
        ...current,
        revealed: new Set([
          ...current.revealed,
          more.anchor,
          ...more.hidden.slice(0, REVEAL_BATCH),
        ]),
      });
      if (more.omitted > 0) {
        // Left out by the server: ask again, for as many as it left out.
        fetchNeighbours(
          more.anchor,
          more.direction,
          Math.min(MAX_NEIGHBOUR_LIMIT, NEIGHBOUR_LIMIT + more.omitted),
        );
      }
    },
    [current, fetchNeighbours],
  );

  const path = useMemo(() => {
    if (!pathMode || picked.length < 2 || !drawing) {
      return undefined;
    }
    return shortestPath(drawing.view.edges, picked[0], picked[1]);
  }, [pathMode, picked, drawing]);

  const activate = useCallback(
    (key: string) => {
      const node = drawing?.view.nodes.find(n => n.key === key);
      if (!node) {
        return;
      }
      if (node.kind === 'more') {
        showMore(node);
      } else if (pathMode) {
        setPicked(keys =>
          keys.includes(key)
            ? keys.filter(k => k !== key)
            : [...keys, key].slice(-2),
        );
      } else {
        fetchNeighbours(key, direction, NEIGHBOUR_LIMIT);
      }
    },
    [drawing, showMore, pathMode, fetchNeighbours, direction],
  );

  const actions = useMemo(
    () => ({
      openEntity: async (node: LineageNode) => {
        try {
          if (!(await openEntityPage(node))) {
            setNotice({
              severity: 'info',
              message: `${node.name} is not in the catalog yet.`,
            });
          }
        } catch (error) {
          setNotice({
            severity: 'error',
            message: `Could not look ${node.name} up in the catalog: ${
              (error as Error).message
            }`,
          });
        }
      },
    }),
    [openEntityPage],
  );

  // Nodes and edges that did not change stay the same objects, so React
  // Flow leaves them be: a click or a highlight redraws only what it changes.
  const flowCache = useRef({ nodes: new Map<string, LineageFlowNode>() });
  const flow = useMemo(() => {
    if (!drawing) {
      return undefined;
    }
    const { view: shown, layout } = drawing;
    const cache = flowCache.current;
    const names = new Map(
      shown.nodes.flatMap(node =>
        node.kind === 'more' ? [] : [[node.key, node.name] as const],
      ),
    );
    const onPath = new Set([...(path?.nodes ?? []), ...picked]);
    const pathEdges = new Set(path?.edges);
    // Sizes are fixed, so React Flow need not wait for measurements: it can
    // fit the view at once, even with nodes off screen left unrendered.
    const common = {
      width: nodeWidth,
      height: nodeHeight,
      measured: { width: nodeWidth, height: nodeHeight },
      handles: HANDLES,
      ariaRole: 'button' as const,
    };
    const nodes = shown.nodes.map((node): LineageFlowNode => {
      const position = layout.positions[node.key];
      const ariaLabel = nodeLabel(node, names);
      const data =
        node.kind === 'more'
          ? { more: node, busy: busy.has(node.anchor), dimmed: !!path }
          : {
              node,
              root: node.key === root,
              busy: busy.has(node.key),
              marked: pathMode && onPath.has(node.key),
              dimmed: !!path && !onPath.has(node.key),
            };
      const before = cache.nodes.get(node.key);
      if (
        before &&
        before.position.x === position.x &&
        before.position.y === position.y &&
        before.ariaLabel === ariaLabel &&
        shallowEqual(before.data, data)
      ) {
        return before;
      }
      const flowNode = {
        ...common,
        id: node.key,
        position,
        ariaLabel,
      };
      return node.kind === 'more'
        ? { ...flowNode, type: 'more', data: data as MoreFlowNode['data'] }
        : { ...flowNode, type: 'entity', data: data as EntityFlowNode['data'] };
    });
    // From the middle of the right side of a node to the middle of the left
    // side of the next, through the bend points the layout routed it along.
    const edges = shown.edges.map((edge): LineageEdge => {
      const key = edgeKey(edge.from, edge.to);
      const from = layout.positions[edge.from];
      const to = layout.positions[edge.to];
      const highlighted = pathEdges.has(key);
      return {
        id: key,
        source: edge.from,
        target: edge.to,
        path: routePath([
          { x: from.x + nodeWidth, y: from.y + nodeHeight / 2 },
          ...(layout.routes[key] ?? []),
          { x: to.x, y: to.y + nodeHeight / 2 },
        ]),
        highlighted,
        dimmed: !!path && !highlighted,
      };
    });
    cache.nodes = new Map(nodes.map(node => [node.id, node]));
    // Nearest the root first: what the eye goes to is drawn first.
    const centre = layout.positions[root] ?? { x: 0, y: 0 };
    const distance = (key: string) => {
      const { x, y } = layout.positions[key];
      return (x - centre.x) ** 2 + (y - centre.y) ** 2;
    };
    const order = nodes
      .map(node => ({ key: node.id, distance: distance(node.id) }))
      .sort((a, b) => a.distance - b.distance)
      .map(entry => entry.key);
    return { nodes, edges, order };
  }, [drawing, path, picked, pathMode, busy, root]);

  // Stable, so that React Flow's nodes need not render again for a new one.
  const activateRef = useRef(activate);
  activateRef.current = activate;
  const onActivate = useCallback((key: string) => activateRef.current(key), []);
  const overviewColour = useCallback(
    (node: Node) =>
      node.type === 'entity'
        ? stateColour(theme, (node as EntityFlowNode).data.node.latestRunState)
        : theme.palette.action.disabled,
    [theme],
  );

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLDivElement>) => {
      // React Flow makes nodes focusable; Enter or Space on one activates it.
      const target = event.target as HTMLElement;
      if (
        (event.key === 'Enter' || event.key === ' ') &&
        target.classList.contains('react-flow__node') &&
        target.dataset.id
      ) {
        event.preventDefault();
        onActivate(target.dataset.id);
      }
    },
    [onActivate],
  );

  const empty =
    base !== undefined &&
    base.edges.length === 0 &&
    Object.keys(base.omitted).length === 0;
  const rootKind = root.startsWith('dataset:') ? 'dataset' : 'pipeline';
  const error = lineage.error ?? layoutError;

  let body;
  if (error) {
    body = (
      <Box p={2}>
        <ResponseErrorPanel error={error} title="Could not load lineage" />
        <Button
          sx={{ mt: 1 }}
          variant="outlined"
          onClick={() => {
            setLayoutError(undefined);
            lineage.retry();
          }}
        >
          Retry
        </Button>
      </Box>
    );
  } else if (empty) {
    body = (
      <EmptyState
        missing="data"
        title={`No lineage recorded for this ${rootKind}`}
        description={
          direction === 'both'
            ? `Lineage appears when runs report the datasets they read and write, e.g. through OpenLineage.`
            : `Nothing ${direction} of it within ${depth} hops. Try the other direction.`
        }
      />
    );
  } else {
    // The canvas is there while the lineage loads (React Flow takes a while
    // to start): once it comes, only its nodes remain to draw.
    body = (
      <LineageCanvas
        nodes={flow?.nodes ?? NO_NODES}
        edges={flow?.edges ?? NO_EDGES}
        order={flow?.order ?? NO_KEYS}
        fitToken={drawing?.base}
        fitViewOptions={FIT_VIEW}
        edgeColour={theme.palette.text.disabled}
        highlightColour={theme.palette.secondary.main}
        colorMode={theme.palette.mode}
        onActivate={onActivate}
        onKeyDown={onKeyDown}
        overviewColour={overviewColour}
      />
    );
  }

  // Stable, so the controls need not render again with every drawing.
  const onDirection = useCallback((value: LineageDirection) => {
    setDirection(value);
    setPicked([]);
  }, []);
  const onDepth = useCallback((value: number) => {
    setDepth(value);
    setPicked([]);
  }, []);
  const onPathMode = useCallback(() => {
    setPathMode(on => !on);
    setPicked([]);
  }, []);

  let status = '';
  if (pathMode) {
    if (picked.length < 2) {
      status =
        picked.length === 0
          ? 'Select two nodes to highlight the path between them.'
          : 'Select a second node.';
    } else {
      status = path
        ? `Path of ${plural(path.edges.length, 'step')}.`
        : 'These two nodes are not connected in the graph shown.';
    }
  } else if (drawing && !empty && !error) {
    const shown = drawing.view.nodes.filter(n => n.kind !== 'more').length;
    const { hiddenCount } = drawing.view;
    status = hiddenCount
      ? `${shown} of ${shown + hiddenCount} nodes drawn.`
      : `${plural(shown, 'node')}.`;
  }

  return (
    <Paper variant="outlined">
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        gap={2}
        px={2}
        py={1}
        borderBottom={1}
        borderColor="divider"
      >
        <LineageControls
          direction={direction}
          depth={depth}
          pathMode={pathMode}
          onDirection={onDirection}
          onDepth={onDepth}
          onPathMode={onPathMode}
        />
        <Typography
          variant="body2"
          color="text.secondary"
          noWrap
          flex={1}
          minWidth={0}
          aria-live="polite"
        >
          {status}
          {base?.truncated &&
            ' The server stopped at its node limit: expand nodes to see more.'}
        </Typography>
      </Box>
      <NodeStyles theme={theme} />
      <Box
        position="relative"
        height={height}
        overflow="hidden"
        className={GRAPH_CLASS}
      >
        {(lineage.loading || !drawing) && !error && !empty && (
          <LinearProgress
            aria-label="Loading lineage"
            sx={{ position: 'absolute', top: 0, left: 0, right: 0, zIndex: 10 }}
          />
        )}
        <LineageActionsContext.Provider value={actions}>
          {body}
        </LineageActionsContext.Provider>
        {notice && (
          <Alert
            severity={notice.severity}
            onClose={() => setNotice(undefined)}
            sx={{
              position: 'absolute',
              left: 16,
              right: 16,
              bottom: 16,
              zIndex: 10,
            }}
          >
            {notice.message}
          </Alert>
        )}
      </Box>
    </Paper>
  );
}
