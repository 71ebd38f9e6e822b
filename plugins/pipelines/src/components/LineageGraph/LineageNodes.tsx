import CircularProgress from '@mui/material/CircularProgress';
import { Theme } from '@mui/material/styles';
import {
  LineageNode,
  RUN_STATES,
  RunState,
} from '@tributary/plugin-pipelines-common';
import { Node, NodeProps } from '@xyflow/react';
import { createContext, memo, MouseEvent, useContext, useId } from 'react';
import { MoreNode } from '../../lib/lineageGraph';
import { lateDescription } from '../shared/LateChip';
import { runStateThemeColour } from '../shared/RunStateChip';

/*
 * A graph draws hundreds of nodes at once, so a node is plain elements with
 * class names: no styled or `sx` component, whose styles would be computed
 * per node. `lineageNodeStyles` styles them all once, from the theme, on the
 * element around the drawing.
 */

/** How a node stands while a path is highlighted. */
// A type, not an interface: React Flow's node data must be a Record.
export type PathMarks = {
  /** On the highlighted path, or picked as one of its ends. */
  marked: boolean;
  /** Off the highlighted path. */
  dimmed: boolean;
};

export type EntityFlowNode = Node<
  PathMarks & { node: LineageNode; root: boolean; busy: boolean },
  'entity'
>;
export type MoreFlowNode = Node<
  { more: MoreNode; busy: boolean; dimmed: boolean },
  'more'
>;
/** An edge as drawn: its path, and how it stands while a path is highlighted. */
export interface LineageEdge {
  id: string;
  source: string;
  target: string;
  /** SVG path data, in the graph's coordinates. */
  path: string;
  highlighted: boolean;
  dimmed: boolean;
}

/** Actions a node offers besides its main one (a click or Enter). */
export const LineageActionsContext = createContext<{
  openEntity(node: LineageNode): void;
}>({ openEntity: () => {} });

/** The colour of a latest run state, from the theme's palette. */
export const stateColour = runStateThemeColour;

// Material icons' paths: AccountTreeOutlined, StorageOutlined, OpenInNew.
const PIPELINE_ICON =
  'M22 11V3h-7v3H9V3H2v8h7V8h2v10h4v3h7v-8h-7v3h-2V8h2v3zM7 9H4V5h3zm10 6h3v4h-3zm0-10h3v4h-3z';
const DATASET_ICON =
  'M2 20h20v-4H2zm2-3h2v2H4zM2 4v4h20V4zm4 3H4V5h2zm-4 7h20v-4H2zm2-3h2v2H4z';
const OPEN_ICON =
  'M19 19H5V5h7V3H5c-1.11 0-2 .9-2 2v14c0 1.1.89 2 2 2h14c1.1 0 2-.9 2-2v-7h-2zM14 3v2h3.59l-9.83 9.83 1.41 1.41L19 6.41V10h2V3z';
/** Icons are drawn this big in the 24-unit box of Material's paths... */
const ICON_PX = 20;
/** ...and made twice as large, sharp on a high-density screen. */
const ICON_IMAGE_PX = 48;

/**
 * An icon in one colour as a CSS image, for an element's background: a
 * bitmap where the browser can draw one (a bitmap costs less to paint, node
 * after node, than an SVG image), else an SVG.
 */
function iconImage(path: string, colour: string): string {
  if (typeof document !== 'undefined' && typeof Path2D !== 'undefined') {
    const canvas = document.createElement('canvas');
    canvas.width = ICON_IMAGE_PX;
    canvas.height = ICON_IMAGE_PX;
    const context = canvas.getContext('2d');
    if (context) {
      context.scale(ICON_IMAGE_PX / 24, ICON_IMAGE_PX / 24);
      context.fillStyle = colour;
      context.fill(new Path2D(path));
      return `url("${canvas.toDataURL('image/png')}")`;
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="${colour}" d="${path}"/></svg>`;
  return `url("data:image/svg+xml,${encodeURIComponent(svg)}")`;
}

/**
 * The styles of every node, for the element around the drawing (an `sx`):
 * pipelines are boxes with a stripe in their state's colour, datasets pills,
 * "+N more" dashed boxes.
 */
export function lineageNodeStyles(theme: Theme) {
  const states = Object.fromEntries(
    [...RUN_STATES, 'none'].map(state => {
      const colour = stateColour(
        theme,
        state === 'none' ? undefined : (state as RunState),
      );
      return [
        `& .tl-state-${state}`,
        { '--tl-state': colour, '--tl-icon': iconImage(PIPELINE_ICON, colour) },
      ];
    }),
  );
  return {
    '& .tl-node': {
      width: '100%',
      height: '100%',
      boxSizing: 'border-box',
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(1),
      padding: theme.spacing(0, 1.5),
      background: theme.palette.background.paper,
      color: theme.palette.text.primary,
      border: `1px solid ${theme.palette.divider}`,
      borderRadius: `${theme.shape.borderRadius}px`,
      boxShadow: theme.shadows[1],
      cursor: 'pointer',
      outlineOffset: 2,
      transition: 'opacity 150ms',
    },
    '& .tl-pipeline': { borderLeft: '6px solid var(--tl-state)' },
    '& .tl-dataset': {
      borderRadius: 999,
      '--tl-icon': iconImage(DATASET_ICON, theme.palette.info.main),
    },
    // The icon is the node's background, not an element of its own: a node
    // of a few elements is styled, laid out and painted in less time than
    // with two SVGs more (see `EntityNode`).
    '& .tl-pipeline, & .tl-dataset': {
      paddingLeft: `calc(${theme.spacing(2.5)} + ${ICON_PX}px)`,
      backgroundImage: 'var(--tl-icon)',
      backgroundRepeat: 'no-repeat',
      backgroundPosition: `${theme.spacing(1.5)} center`,
      backgroundSize: `${ICON_PX}px ${ICON_PX}px`,
    },
    '& .tl-root': { boxShadow: `0 0 0 3px ${theme.palette.primary.main}` },
    '& .tl-dimmed': { opacity: 0.3 },
    '& .tl-marked': { outline: `3px solid ${theme.palette.secondary.main}` },
    '& .tl-more': {
      justifyContent: 'center',
      textAlign: 'center',
      border: `2px dashed ${theme.palette.divider}`,
      background: theme.palette.action.hover,
      boxShadow: 'none',
    },
    '& .tl-text': { minWidth: 0, flex: 1 },
    '& .tl-name': {
      ...theme.typography.body2,
      fontWeight: theme.typography.fontWeightMedium,
      whiteSpace: 'nowrap',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
    },
    '& .tl-root .tl-name': { fontWeight: theme.typography.fontWeightBold },
    '& .tl-caption': {
      ...theme.typography.caption,
      display: 'block',
      color: theme.palette.text.secondary,
      whiteSpace: 'nowrap',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
    },
    '& .tl-late': {
      color: theme.palette.warning.main,
      fontWeight: theme.typography.fontWeightBold,
    },
    '& .tl-open': {
      flexShrink: 0,
      // The icon and 5 px around it. (A `padding: 5` here was theme
      // spacing: 40 px, which left the name little room.)
      width: 28,
      height: 28,
      padding: 0,
      border: 0,
      borderRadius: '50%',
      backgroundColor: 'transparent',
      backgroundImage: iconImage(OPEN_ICON, theme.palette.action.active),
      backgroundRepeat: 'no-repeat',
      backgroundPosition: 'center',
      backgroundSize: '18px 18px',
      cursor: 'pointer',
      '&:hover': { backgroundColor: theme.palette.action.hover },
      '&:focus-visible': {
        outline: `2px solid ${theme.palette.primary.main}`,
      },
    },
    ...states,
  };
}

function classes(...names: Array<string | false>): string {
  return names.filter(Boolean).join(' ');
}

/**
 * A pipeline (a box with a stripe in its state's colour) or a dataset (a
 * pill). Five elements: the icons are backgrounds, and there are no handle
 * elements, since React Flow draws no edges here (see `EdgeLayer`) and takes
 * where they would attach from the nodes' `handles`.
 */
function EntityNode(props: NodeProps<EntityFlowNode>) {
  const { node, root, busy, marked, dimmed } = props.data;
  const { openEntity } = useContext(LineageActionsContext);
  const pipeline = node.kind === 'pipeline';
  const state = node.latestRunState ?? 'no runs';
  const late = pipeline
    ? lateDescription({ lateSince: node.lateSince })
    : undefined;
  const onOpen = (event: MouseEvent) => {
    // The node's own click expands it.
    event.stopPropagation();
    openEntity(node);
  };
  return (
    <div
      className={classes(
        'tl-node',
        pipeline ? 'tl-pipeline' : 'tl-dataset',
        pipeline && `tl-state-${node.latestRunState ?? 'none'}`,
        root && 'tl-root',
        marked && 'tl-marked',
        dimmed && 'tl-dimmed',
      )}
    >
      <div className="tl-text">
        <div className="tl-name" title={node.name}>
          {node.name}
        </div>
        <span className="tl-caption">
          {pipeline ? `pipeline · ${state}` : 'dataset'}
          {late && (
            <>
              {' · '}
              <span className="tl-late" title={late} data-testid="late-mark">
                late
              </span>
            </>
          )}
        </span>
      </div>
      {busy && <CircularProgress size={16} aria-label="Loading neighbours" />}
      <button
        type="button"
        className="tl-open"
        aria-label={`Open ${node.name} in the catalog`}
        title="Open in the catalog"
        onClick={onOpen}
      />
    </div>
  );
}

/** Neighbours not drawn: left out by the server or by the view's cap. */
function MoreNodeBox(props: NodeProps<MoreFlowNode>) {
  const { more, busy, dimmed } = props.data;
  return (
    <div className={classes('tl-node', 'tl-more', dimmed && 'tl-dimmed')}>
      <div>
        <div className="tl-name">+{more.count} more</div>
        <span className="tl-caption">{more.direction}</span>
      </div>
      {busy && <CircularProgress size={16} aria-label="Loading neighbours" />}
    </div>
  );
}

/**
 * Every edge in one SVG, under the nodes, in the graph's coordinates: drawn
 * inside React Flow's viewport (a `ViewportPortal`), so it pans and zooms
 * with the nodes. Edges are not interactive, so they need none of React
 * Flow's per-edge machinery (a component, an SVG and store reads per edge),
 * which costs as much as the nodes do.
 */
export const EdgeLayer = memo(function Edges(props: {
  edges: LineageEdge[];
  colour: string;
  highlightColour: string;
}) {
  const id = useId().replace(/:/g, '');
  const arrow = (markerId: string, colour: string) => (
    // React Flow's closed arrow, sized by the stroke width.
    <marker
      id={markerId}
      viewBox="-10 -10 20 20"
      markerWidth={12.5}
      markerHeight={12.5}
      markerUnits="strokeWidth"
      orient="auto-start-reverse"
      refX={0}
      refY={0}
    >
      <polyline
        points="-5,-4 0,0 -5,4 -5,-4"
        strokeLinecap="round"
        strokeLinejoin="round"
        style={{ stroke: colour, fill: colour, strokeWidth: 1 }}
      />
    </marker>
  );
  return (
    <svg
      className="tl-edges"
      aria-hidden="true"
      style={{
        position: 'absolute',
        left: 0,
        top: 0,
        width: 1,
        height: 1,
        overflow: 'visible',
        pointerEvents: 'none',
        zIndex: -1,
      }}
    >
      <defs>
        {arrow(`${id}-arrow`, props.colour)}
        {arrow(`${id}-arrow-path`, props.highlightColour)}
      </defs>
      {props.edges.map(edge => (
        <path
          key={edge.id}
          data-testid="lineage-edge"
          d={edge.path}
          fill="none"
          stroke={edge.highlighted ? props.highlightColour : props.colour}
          strokeWidth={edge.highlighted ? 3 : 1.5}
          opacity={edge.dimmed ? 0.15 : 1}
          markerEnd={`url(#${id}-arrow${edge.highlighted ? '-path' : ''})`}
        />
      ))}
    </svg>
  );
});

// Memoised: a node re-renders only when its own data changes.
export const nodeTypes = { entity: memo(EntityNode), more: memo(MoreNodeBox) };
