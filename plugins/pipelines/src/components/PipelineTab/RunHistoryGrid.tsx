import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@mui/material/Box';
import Skeleton from '@mui/material/Skeleton';
import { Theme } from '@mui/material/styles';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { RUN_STATES, RunState } from '@tributary/plugin-pipelines-common';
import { useId, useMemo, useState } from 'react';
import { useDeferredAsyncRetry } from '../shared/useDeferredAsyncRetry';
import { pipelinesApiRef } from '../../api';
import { RUN_STATE_PALETTE } from '../shared/RunStateChip';
import { RunDetailsDialog } from './RunDetailsDialog';
import {
  durationMs,
  formatDuration,
  formatPartition,
  formatTime,
  gridShape,
  PartitionCell,
  partitionCells,
  partitionInterval,
} from './runs';
import { SectionBox, SectionError, SectionMessage } from './SectionStates';

/** Enough runs for a week of hourly partitions and some re-runs. */
const RUNS_FETCHED = 200;
const CELL = 20;
const GAP = 3;
/** Seven rows, the most any cadence needs, so nothing moves when runs arrive. */
const GRID_HEIGHT = 7 * (CELL + GAP);

function stateColor(state: RunState): string {
  const key = RUN_STATE_PALETTE[state];
  return key === 'grey' ? 'grey.500' : `${key}.main`;
}

function cellLabel(cell: PartitionCell): string {
  const label = `${formatPartition(cell.partition)}: ${cell.run.state}`;
  return cell.run.backfillId
    ? `${label}, started by backfill ${cell.run.backfillId}`
    : label;
}

function CellTooltip(props: { cell: PartitionCell }) {
  const { run, attempts } = props.cell;
  return (
    <>
      <strong>{formatPartition(props.cell.partition)}</strong> — {run.state}
      <br />
      Started {formatTime(run.startedAt)}
      <br />
      Ended {formatTime(run.endedAt)}
      <br />
      Took {formatDuration(durationMs(run))}, {attempts} attempt
      {attempts === 1 ? '' : 's'}
      {run.backfillId && (
        <>
          <br />
          Started by backfill {run.backfillId}
        </>
      )}
    </>
  );
}

function Legend(props: { states: RunState[]; backfill: boolean }) {
  return (
    <Box display="flex" gap={2} mt={1} minHeight={20} flexWrap="wrap">
      {props.backfill && (
        <Box display="flex" alignItems="center" gap={0.5}>
          <Typography variant="caption" fontWeight={700}>
            B
          </Typography>
          <Typography variant="caption" color="text.secondary">
            started by a backfill
          </Typography>
        </Box>
      )}
      {props.states.map(state => (
        <Box key={state} display="flex" alignItems="center" gap={0.5}>
          <Box
            width={10}
            height={10}
            borderRadius={0.5}
            bgcolor={stateColor(state)}
          />
          <Typography variant="caption" color="text.secondary">
            {state}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

/**
 * The cells' styles, once for the grid (an `sx`): a week of hourly
 * partitions is 168 cells, so a cell is a plain button with class names, not
 * a styled component (and a tooltip) of its own.
 */
function cellStyles(theme: Theme) {
  const states = Object.fromEntries(
    RUN_STATES.map(state => {
      const key = RUN_STATE_PALETTE[state];
      return [
        `& .rh-${state}`,
        key === 'grey'
          ? {
              backgroundColor: theme.palette.grey[500],
              color: theme.palette.common.black,
            }
          : {
              backgroundColor: theme.palette[key].main,
              color: theme.palette[key].contrastText,
            },
      ];
    }),
  );
  return {
    '& .rh-cell': {
      width: `${CELL}px`,
      height: `${CELL}px`,
      display: 'inline-flex',
      alignItems: 'center',
      justifyContent: 'center',
      padding: 0,
      border: 0,
      borderRadius: `${theme.shape.borderRadius / 2}px`,
      cursor: 'pointer',
      fontFamily: theme.typography.fontFamily,
      fontSize: '11px',
      fontWeight: 700,
      lineHeight: 1,
      '&:hover': { opacity: 0.8 },
      '&:focus': { outline: 'none' },
      '&:focus-visible': {
        outline: `2px solid ${theme.palette.text.primary}`,
        outlineOffset: '1px',
      },
    },
    ...states,
  };
}

/** The latest partitions as coloured cells; a cell opens its run. */
export function RunHistoryGrid(props: {
  pipelineId: string;
  /** Changes when the runs should load again; the grid stays meanwhile. */
  refreshKey?: number;
}) {
  const pipelinesApi = useApi(pipelinesApiRef);
  const [selected, setSelected] = useState<PartitionCell>();
  const [pointed, setPointed] = useState<{
    cell: PartitionCell;
    element: HTMLElement;
  }>();
  const tooltipId = useId();
  const { value, loading, error, retry } = useDeferredAsyncRetry(
    () => pipelinesApi.listRuns(props.pipelineId, { limit: RUNS_FETCHED }),
    [pipelinesApi, props.pipelineId, props.refreshKey],
  );

  const { cells, columns } = useMemo(() => {
    const runs = value?.items ?? [];
    const shape = gridShape(partitionInterval(runs));
    return {
      cells: partitionCells(runs, shape.cells),
      columns: shape.columns,
    };
  }, [value]);

  let body;
  if (error) {
    body = (
      <SectionBox height={GRID_HEIGHT + 28}>
        <SectionError
          title="Could not load run history"
          error={error}
          onRetry={retry}
        />
      </SectionBox>
    );
  } else if (!value && loading) {
    body = (
      <Skeleton
        variant="rectangular"
        height={GRID_HEIGHT + 28}
        data-testid="run-history-loading"
      />
    );
  } else if (cells.length === 0) {
    body = (
      <SectionMessage height={GRID_HEIGHT + 28}>
        No runs yet. Partitions appear here as the scheduler reports runs.
      </SectionMessage>
    );
  } else {
    body = (
      <>
        <Box height={GRID_HEIGHT} overflow="auto">
          <Box
            role="group"
            aria-label="Run history"
            display="grid"
            gridTemplateColumns={`repeat(${columns}, ${CELL}px)`}
            gap={`${GAP}px`}
            sx={cellStyles}
            onMouseLeave={() => setPointed(undefined)}
          >
            {cells.map(cell => (
              <button
                key={cell.partition}
                type="button"
                className={`rh-cell rh-${cell.run.state}`}
                aria-label={cellLabel(cell)}
                aria-describedby={
                  pointed?.cell === cell ? tooltipId : undefined
                }
                onClick={() => setSelected(cell)}
                onMouseEnter={event =>
                  setPointed({ cell, element: event.currentTarget })
                }
                onFocus={event =>
                  setPointed({ cell, element: event.currentTarget })
                }
                onBlur={() => setPointed(undefined)}
              >
                {cell.run.backfillId && (
                  <span aria-hidden data-testid="backfill-mark">
                    B
                  </span>
                )}
              </button>
            ))}
          </Box>
          {/* One tooltip, for the cell pointed at or focused. */}
          <Tooltip
            id={tooltipId}
            open={pointed !== undefined}
            title={pointed ? <CellTooltip cell={pointed.cell} /> : ''}
            PopperProps={{ anchorEl: pointed?.element }}
            describeChild
            disableHoverListener
            disableFocusListener
            disableTouchListener
          >
            <span />
          </Tooltip>
        </Box>
        <Legend
          states={[...new Set(cells.map(cell => cell.run.state))]}
          backfill={cells.some(cell => cell.run.backfillId)}
        />
      </>
    );
  }

  return (
    <InfoCard
      title="Run history"
      variant="gridItem"
      subheader="Latest attempt per partition, oldest first"
    >
      {body}
      <RunDetailsDialog
        run={selected?.run}
        attempts={selected?.attempts}
        onClose={() => setSelected(undefined)}
      />
    </InfoCard>
  );
}
