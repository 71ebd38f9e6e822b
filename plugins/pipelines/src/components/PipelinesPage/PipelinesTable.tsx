import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { Pipeline } from '@tributary/plugin-pipelines-common';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { pipelinesApiRef } from '../../api';
import { RunStateChip } from '../shared/RunStateChip';

const ROWS_PER_PAGE_OPTIONS = [25, 50, 100];

function formatTime(iso?: string): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

function PipelineRow(props: { pipeline: Pipeline }) {
  const { pipeline } = props;
  return (
    <TableRow hover>
      <TableCell>
        <Typography variant="body2" fontWeight="medium">
          {pipeline.title ?? pipeline.name}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {pipeline.id}
        </Typography>
      </TableCell>
      <TableCell>{pipeline.owner ?? '—'}</TableCell>
      <TableCell>{pipeline.source}</TableCell>
      <TableCell>{pipeline.schedule ?? '—'}</TableCell>
      <TableCell>
        <RunStateChip state={pipeline.latestRunState} />
      </TableCell>
      <TableCell>{formatTime(pipeline.latestRunAt)}</TableCell>
    </TableRow>
  );
}

/** The server-side paged list of every pipeline the backend knows. */
export function PipelinesTable() {
  const pipelinesApi = useApi(pipelinesApiRef);
  const [page, setPage] = useState(0);
  const [rowsPerPage, setRowsPerPage] = useState(ROWS_PER_PAGE_OPTIONS[1]);
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  useDebounce(() => setSearch(searchInput.trim()), 300, [searchInput]);
  useEffect(() => setPage(0), [search]);

  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      pipelinesApi.listPipelines({
        offset: page * rowsPerPage,
        limit: rowsPerPage,
        search: search || undefined,
      }),
    [pipelinesApi, page, rowsPerPage, search],
  );

  let body;
  if (error) {
    body = (
      <Box p={2}>
        <ResponseErrorPanel error={error} title="Could not load pipelines" />
        <Typography
          component="button"
          variant="body2"
          onClick={retry}
          sx={{ mt: 1, cursor: 'pointer', background: 'none', border: 0 }}
          color="primary"
        >
          Try again
        </Typography>
      </Box>
    );
  } else if (!value && loading) {
    body = <Progress />;
  } else if (value && value.totalCount === 0) {
    body = search ? (
      <EmptyState
        missing="data"
        title={`No pipeline matches "${search}"`}
        description="Try a shorter text, or clear the search to see every pipeline."
      />
    ) : (
      <EmptyState
        missing="data"
        title="No pipelines yet"
        description="Pipelines appear here when a scheduler provider is configured or an OpenLineage producer sends events to /api/pipelines/v1/lineage."
      />
    );
  } else if (value) {
    body = (
      <>
        <TableContainer>
          <Table size="small" aria-label="Pipelines">
            <TableHead>
              <TableRow>
                <TableCell>Pipeline</TableCell>
                <TableCell>Owner</TableCell>
                <TableCell>Scheduler</TableCell>
                <TableCell>Schedule</TableCell>
                <TableCell>Latest state</TableCell>
                <TableCell>Latest run</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.items.map(pipeline => (
                <PipelineRow key={pipeline.id} pipeline={pipeline} />
              ))}
            </TableBody>
          </Table>
        </TableContainer>
        <TablePagination
          component="div"
          count={value.totalCount}
          page={page}
          rowsPerPage={rowsPerPage}
          rowsPerPageOptions={ROWS_PER_PAGE_OPTIONS}
          onPageChange={(_event, nextPage) => setPage(nextPage)}
          onRowsPerPageChange={event => {
            setRowsPerPage(Number(event.target.value));
            setPage(0);
          }}
        />
      </>
    );
  }

  return (
    <Paper>
      <Box p={2} display="flex" alignItems="center" gap={2}>
        <TextField
          size="small"
          label="Search pipelines"
          value={searchInput}
          onChange={event => setSearchInput(event.target.value)}
          sx={{ minWidth: 320 }}
        />
        {value && (
          <Typography variant="body2" color="text.secondary">
            {value.totalCount} pipeline{value.totalCount === 1 ? '' : 's'}
          </Typography>
        )}
      </Box>
      {body}
    </Paper>
  );
}
