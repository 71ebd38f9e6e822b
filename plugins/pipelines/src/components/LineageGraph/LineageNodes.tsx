import AccountTreeOutlined from '@mui/icons-material/AccountTreeOutlined';
import OpenInNew from '@mui/icons-material/OpenInNew';
import StorageOutlined from '@mui/icons-material/StorageOutlined';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import IconButton from '@mui/material/IconButton';
import { Theme, useTheme } from '@mui/material/styles';
import Typography from '@mui/material/Typography';
import { LineageNode, RunState } from '@tributary/plugin-pipelines-common';
import {
  BaseEdge,
  Edge,
  EdgeProps,
  Handle,
  Node,
  NodeProps,
  Position,
} from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import { MoreNode } from '../../lib/lineageGraph';
import { Point, routePath } from '../../lib/lineageLayout';
import { lateDescription } from '../shared/LateChip';
import { RUN_STATE_PALETTE } from '../shared/RunStateChip';

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
export type RoutedFlowEdge = Edge<{ points: Point[] }, 'routed'>;

/** Actions a node offers besides its main one (a click or Enter). */
export const LineageActionsContext = createContext<{
  openEntity(node: LineageNode): void;
}>({ openEntity: () => {} });

/** The colour of a latest run state, from the theme's palette. */
export function stateColour(theme: Theme, state?: RunState): string {
  if (!state) {
    return theme.palette.text.disabled;
  }
  const key = RUN_STATE_PALETTE[state];
  return key === 'grey' ? theme.palette.grey[500] : theme.palette[key].main;
}

// Edges attach at fixed points (see `handles` on the nodes): no need to see
// or measure the handles.
const hiddenHandle = { opacity: 0, pointerEvents: 'none' } as const;

function Handles() {
  return (
    <>
      <Handle
        type="target"
        position={Position.Left}
        isConnectable={false}
        style={hiddenHandle}
      />
      <Handle
        type="source"
        position={Position.Right}
        isConnectable={false}
        style={hiddenHandle}
      />
    </>
  );
}

function nodeFrame(theme: Theme, marks: PathMarks) {
  return {
    width: '100%',
    height: '100%',
    boxSizing: 'border-box',
    display: 'flex',
    alignItems: 'center',
    gap: 1,
    px: 1.5,
    bgcolor: 'background.paper',
    color: 'text.primary',
    border: 1,
    borderColor: 'divider',
    cursor: 'pointer',
    opacity: marks.dimmed ? 0.3 : 1,
    outline: marks.marked
      ? `3px solid ${theme.palette.secondary.main}`
      : undefined,
    outlineOffset: 2,
    transition: 'opacity 150ms',
  } as const;
}

/** A pipeline (a box with a stripe in its state's colour) or a dataset (a pill). */
function EntityNode(props: NodeProps<EntityFlowNode>) {
  const { node, root, busy, ...marks } = props.data;
  const theme = useTheme();
  const { openEntity } = useContext(LineageActionsContext);
  const colour = stateColour(theme, node.latestRunState);
  const pipeline = node.kind === 'pipeline';
  const Icon = pipeline ? AccountTreeOutlined : StorageOutlined;
  const state = node.latestRunState ?? 'no runs';
  const late = pipeline
    ? lateDescription({ lateSince: node.lateSince })
    : undefined;
  return (
    <Box
      sx={{
        ...nodeFrame(theme, marks),
        borderRadius: pipeline ? 1 : 999,
        borderLeft: pipeline ? `6px solid ${colour}` : undefined,
        boxShadow: root ? `0 0 0 3px ${theme.palette.primary.main}` : 1,
      }}
    >
      <Handles />
      <Icon fontSize="small" sx={{ color: pipeline ? colour : 'info.main' }} />
      <Box minWidth={0} flex={1}>
        <Typography
          variant="body2"
          noWrap
          fontWeight={root ? 'bold' : 'medium'}
          title={node.name}
        >
          {node.name}
        </Typography>
        <Typography
          variant="caption"
          color="text.secondary"
          noWrap
          display="block"
        >
          {pipeline ? `pipeline · ${state}` : 'dataset'}
          {late && (
            <>
              {' · '}
              <Box
                component="span"
                color="warning.main"
                fontWeight="bold"
                title={late}
                data-testid="late-mark"
              >
                late
              </Box>
            </>
          )}
        </Typography>
      </Box>
      {busy && <CircularProgress size={16} aria-label="Loading neighbours" />}
      <IconButton
        size="small"
        aria-label={`Open ${node.name} in the catalog`}
        title="Open in the catalog"
        onClick={event => {
          // The node's own click expands it.
          event.stopPropagation();
          openEntity(node);
        }}
      >
        <OpenInNew fontSize="inherit" />
      </IconButton>
    </Box>
  );
}

/** Neighbours not drawn: left out by the server or by the view's cap. */
function MoreNodeBox(props: NodeProps<MoreFlowNode>) {
  const { more, busy, dimmed } = props.data;
  const theme = useTheme();
  return (
    <Box
      sx={{
        ...nodeFrame(theme, { marked: false, dimmed }),
        justifyContent: 'center',
        borderRadius: 1,
        border: `2px dashed ${theme.palette.divider}`,
        bgcolor: 'action.hover',
      }}
    >
      <Handles />
      <Box textAlign="center">
        <Typography variant="body2" fontWeight="medium">
          +{more.count} more
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {more.direction}
        </Typography>
      </Box>
      {busy && <CircularProgress size={16} aria-label="Loading neighbours" />}
    </Box>
  );
}

/** An edge through the bend points the layout routed it along. */
function RoutedEdge(props: EdgeProps<RoutedFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY, data, markerEnd, style } = props;
  const path = routePath([
    { x: sourceX, y: sourceY },
    ...(data?.points ?? []),
    { x: targetX, y: targetY },
  ]);
  return <BaseEdge path={path} markerEnd={markerEnd} style={style} />;
}

// Memoised: a node re-renders only when its own data changes.
export const nodeTypes = { entity: memo(EntityNode), more: memo(MoreNodeBox) };
export const edgeTypes = { routed: memo(RoutedEdge) };
