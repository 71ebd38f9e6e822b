import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import ExpandLessIcon from '@mui/icons-material/ExpandLess';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Skeleton from '@mui/material/Skeleton';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import { Run, RUN_STATES, RunState } from '@tributary/plugin-pipelines-common';
import { useState } from 'react';
import { useDeferredAsyncRetry } from '../shared/useDeferredAsyncRetry';
import { pipelinesApiRef } from '../../api';
import { RunStateChip } from '../shared/RunStateChip';
import { RunDetailsDialog } from './RunDetailsDialog';
import {
  durationMs,
  formatDuration,
  formatPartition,
  formatTime,
  truncate,
} from './runs';
import { SectionBox, SectionError, SectionMessage } from './SectionStates';

const ROWS_PER_PAGE_OPTIONS = [20, 50, 100];
/** The table scrolls inside a fixed height so paging never moves the page. */
const TABLE_HEIGHT = 640;
const ERROR_PREVIEW = 80;

function ErrorMessage(props: { message?: string }) {
  const [expanded, setExpanded] = useState(false);
  if (!props.message) {
    return null;
  }
  const preview = truncate(props.message, ERROR_PREVIEW);
  if (preview === props.message) {
    return <>{props.message}</>;
  }
  return (
    <Box display="flex" alignItems="flex-start" gap={0.5}>
      <Box
        flex={1}
        sx={{
          whiteSpace: expanded ? 'pre-wrap' : 'normal',
          wordBreak: 'break-word',
        }}
      >
        {expanded ? props.message : preview}
      </Box>
      <IconButton
        size="small"
        aria-expanded={expanded}
        aria-label={expanded ? 'Hide full error' : 'Show full error'}
        onClick={() => setExpanded(!expanded)}
      >
        {expanded ? <ExpandLessIcon /> : <ExpandMoreIcon />}
      </IconButton>
    </Box>
  );
}

function RunRow(props: { run: Run; onOpen: (run: Run) => void }) {
  const { run } = props;
  return (
    <TableRow hover>
      <TableCell>
        <Box display="flex" alignItems="center" gap={0.5}>
          <RunStateChip state={run.state} />
          {run.backfillId && (
            <Tooltip title={`Started by backfill ${run.backfillId}`}>
              <Chip
                size="small"
                variant="outlined"
                color="secondary"
                label="Backfill"
              />
            </Tooltip>
          )}
        </Box>
      </TableCell>
      <TableCell>
        <Link
          component="button"
          variant="body2"
          onClick={() => props.onOpen(run)}
        >
          {formatPartition(run.partition)}
        </Link>
      </TableCell>
      <TableCell>{formatTime(run.startedAt)}</TableCell>
      <TableCell>{formatDuration(durationMs(run))}</TableCell>
      <TableCell>{run.attempt ?? '—'}</TableCell>
      <TableCell sx={{ maxWidth: 480 }}>
        <ErrorMessage message={run.errorMessage} />
      </TableCell>
      <TableCell padding="checkbox">
        {run.externalUrl && (
          <IconButton
            size="small"
            href={run.externalUrl}
            target="_blank"
            rel="noopener noreferrer"
            aria-label="Open run in scheduler"
          >
            <OpenInNewIcon fontSize="small" />
          </IconButton>
        )}
      </TableCell>
    </TableRow>
  );
}

/** Every run of the pipeline, paged and filtered on the server. */
export function RunsTable(props: {
  pipelineId: string;
  /** Changes when the runs should load again; the rows stay meanwhile. */
  refreshKey?: number;
}) {
  const pipelinesApi = useApi(pipelinesApiRef);
  const [page, setPage] = useState(0);
  const [rowsPerPage, setRowsPerPage] = useState(ROWS_PER_PAGE_OPTIONS[0]);
  const [state, setState] = useState<RunState | ''>('');
  const [opened, setOpened] = useState<Run>();

  const { value, loading, error, retry } = useDeferredAsyncRetry(
    () =>
      pipelinesApi.listRuns(props.pipelineId, {
        offset: page * rowsPerPage,
        limit: rowsPerPage,
        state: state || undefined,
      }),
    [
      pipelinesApi,
      props.pipelineId,
      page,
      rowsPerPage,
      state,
      props.refreshKey,
    ],
  );

  let body;
  if (error) {
    body = (
      <SectionBox height={TABLE_HEIGHT}>
        <SectionError
          title="Could not load runs"
          error={error}
          onRetry={retry}
        />
      </SectionBox>
    );
  } else if (!value) {
    body = (
      <Skeleton
        variant="rectangular"
        height={TABLE_HEIGHT}
        data-testid="runs-loading"
      />
    );
  } else if (value.totalCount === 0) {
    body = (
      <SectionMessage height={TABLE_HEIGHT}>
        {state ? `No ${state} runs.` : 'No runs yet.'}
      </SectionMessage>
    );
  } else {
    body = (
      <SectionBox height={TABLE_HEIGHT}>
        <Table size="small" stickyHeader aria-label="Runs">
          <TableHead>
            <TableRow>
              <TableCell>State</TableCell>
              <TableCell>Partition</TableCell>
              <TableCell>Started</TableCell>
              <TableCell>Duration</TableCell>
              <TableCell>Attempt</TableCell>
              <TableCell>Error</TableCell>
              <TableCell padding="checkbox" />
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(run => (
              <RunRow key={run.id} run={run} onOpen={setOpened} />
            ))}
          </TableBody>
        </Table>
      </SectionBox>
    );
  }

  return (
    <InfoCard title="Runs" noPadding>
      <Box px={2} pt={2} pb={1}>
        <TextField
          select
          size="small"
          label="State"
          value={state}
          onChange={event => {
            setState(event.target.value as RunState | '');
            setPage(0);
          }}
          sx={{ minWidth: 180 }}
        >
          <MenuItem value="">All states</MenuItem>
          {RUN_STATES.map(s => (
            <MenuItem key={s} value={s}>
              {s}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      {/* Reserved even when idle: paging shows progress without moving rows. */}
      <Box height={4}>{loading && value && <LinearProgress />}</Box>
      {body}
      <TablePagination
        component="div"
        count={value?.totalCountCapped ? -1 : value?.totalCount ?? 0}
        page={page}
        rowsPerPage={rowsPerPage}
        rowsPerPageOptions={ROWS_PER_PAGE_OPTIONS}
        onPageChange={(_event, next) => setPage(next)}
        onRowsPerPageChange={event => {
          setRowsPerPage(Number(event.target.value));
          setPage(0);
        }}
      />
      <RunDetailsDialog run={opened} onClose={() => setOpened(undefined)} />
    </InfoCard>
  );
}
