import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  entityRouteRef,
  EntityRefLink,
} from '@backstage/plugin-catalog-react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import InputLabel from '@mui/material/InputLabel';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Select from '@mui/material/Select';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import { styled } from '@mui/material/styles';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import {
  ANNOTATION_PIPELINE_ID,
  Pipeline,
  PIPELINES_CHANGED_SIGNAL_CHANNEL,
  RUN_STATES,
} from '@tributary/plugin-pipelines-common';
import {
  createContext,
  memo,
  startTransition,
  useContext,
  useDeferredValue,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { pipelinesApiRef } from '../../api';
import {
  Filters,
  listPipelinesOnce,
  pipelinesQuery,
  readyFirstPage,
  readFilters,
  RECENT_RUNS,
  ROWS_PER_PAGE_OPTIONS,
} from './firstPage';
import { pipelineRowStyles } from './rowStyles';
import { PipelineStateChips } from '../shared/LateChip';
import { RecentRunsStrip } from '../shared/RecentRunsStrip';
import { timeAgo } from '../shared/TimeAgo';
import { localeString } from '../../lib/formatters';
import { namesAny, useSignalRefresh } from '../shared/useSignalRefresh';

function writeFilters(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.search) params.set('q', filters.search);
  if (filters.mine) params.set('owned', 'mine');
  if (filters.owner) params.set('owner', filters.owner);
  if (filters.source) params.set('source', filters.source);
  if (filters.state) params.set('state', filters.state);
  if (filters.late) params.set('late', '1');
  if (filters.page) params.set('page', String(filters.page));
  if (filters.size !== ROWS_PER_PAGE_OPTIONS[1]) {
    params.set('size', String(filters.size));
  }
  return params;
}

/** Rows drawn at first (a screenful), then per frame until all are. */
const ROWS_PER_FRAME = 15;

/** Entity page paths of the pipelines shown, by pipeline id, once known. */
const EntityPathsContext = createContext<Map<string, string> | undefined>(
  undefined,
);

/** A pipeline's title, a link to its entity page once that is known. */
function PipelineTitle(props: { pipeline: Pipeline }) {
  const { pipeline } = props;
  const entityPath = useContext(EntityPathsContext)?.get(pipeline.id);
  const title = pipeline.title ?? pipeline.name;
  return (
    <p className="tl-title">
      {entityPath ? (
        <Link component={RouterLink} to={entityPath}>
          {title}
        </Link>
      ) : (
        title
      )}
    </p>
  );
}

/** The table, with the styles of its light rows (see `pipelineRowStyles`). */
const PipelinesTableElement = styled(Table)(({ theme }) =>
  pipelineRowStyles(theme),
);

// Memoised: when the entity paths or the schedulers arrive, or a signal
// reloads the page, only what changed draws again, not every row. Plain
// elements: see `pipelineRowStyles`.
const PipelineRow = memo(function Row(props: { pipeline: Pipeline }) {
  const { pipeline } = props;
  return (
    <tr className="tl-row">
      <td className="tl-cell">
        <PipelineTitle pipeline={pipeline} />
        <span className="tl-caption">{pipeline.id}</span>
      </td>
      <td className="tl-cell tl-nowrap">
        {pipeline.owner ? (
          <EntityRefLink entityRef={pipeline.owner} defaultKind="group" />
        ) : (
          '—'
        )}
      </td>
      <td className="tl-cell">{pipeline.source}</td>
      <td className="tl-cell tl-nowrap">{pipeline.schedule ?? '—'}</td>
      <td className="tl-cell">
        <PipelineStateChips
          state={pipeline.latestRunState}
          late={pipeline.late}
        />
        {pipeline.stale && (
          <span className="tl-stale">stale: scheduler unreachable</span>
        )}
      </td>
      <td className="tl-cell">
        <RecentRunsStrip runs={pipeline.recentRuns ?? []} slots={RECENT_RUNS} />
      </td>
      <td className="tl-cell">
        {pipeline.latestRunAt ? (
          // A plain title, not a Tooltip: one less component per row.
          <time
            dateTime={pipeline.latestRunAt}
            title={localeString(pipeline.latestRunAt)}
          >
            {timeAgo(pipeline.latestRunAt)}
          </time>
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
});

/** Entity page paths of the listed pipelines, from their catalog entities. */
function useEntityPaths(pipelines: Pipeline[] | undefined) {
  const catalogApi = useApi(catalogApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const ids = (pipelines ?? []).map(p => p.id);
  const { value } = useAsync(async () => {
    if (ids.length === 0) return new Map<string, string>();
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: 'component',
        [`metadata.annotations.${ANNOTATION_PIPELINE_ID}`]: ids,
      },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.annotations',
      ],
    });
    return new Map(
      items.map(entity => [
        entity.metadata.annotations?.[ANNOTATION_PIPELINE_ID] ?? '',
        entityRoute({
          kind: entity.kind.toLocaleLowerCase('en-US'),
          namespace: entity.metadata.namespace ?? 'default',
          name: entity.metadata.name,
        }),
      ]),
    );
  }, [ids.join('\n')]);
  return value;
}

/** The server-side paged, filtered list of every pipeline the backend knows. */
export function PipelinesTable() {
  const pipelinesApi = useApi(pipelinesApiRef);
  const identityApi = useApi(identityApiRef);
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const update = (change: Partial<Filters>) =>
    setParams(writeFilters({ ...filters, page: 0, ...change }), {
      replace: true,
    });

  const [searchInput, setSearchInput] = useState(filters.search);
  const [ownerInput, setOwnerInput] = useState(filters.owner);
  useDebounce(
    () => {
      if (searchInput.trim() !== filters.search) {
        update({ search: searchInput.trim() });
      }
    },
    300,
    [searchInput],
  );
  useEffect(() => setSearchInput(filters.search), [filters.search]);

  const sources = useAsync(() => pipelinesApi.listSources(), [pipelinesApi]);
  const myRefs = useAsync(async () => {
    const identity = await identityApi.getBackstageIdentity();
    return identity.ownershipEntityRefs;
  }, [identityApi]);

  const owners = filters.mine ? myRefs.value : undefined;
  // Loaded again when the backend signals a change to a pipeline shown.
  const shown = useRef<ReadonlySet<string>>(new Set());
  const signalled = useSignalRefresh(
    PIPELINES_CHANGED_SIGNAL_CHANNEL,
    message => namesAny(message, shown.current),
  );
  // On a full page load the first page is often here before the table:
  // drawn at once, not after a round of progress.
  const [firstPage] = useState(() =>
    filters.mine ? undefined : readyFirstPage(pipelinesQuery(filters)),
  );
  const answer = useAsyncRetry(async () => {
    if (filters.mine && !owners) return undefined;
    return listPipelinesOnce(pipelinesApi, pipelinesQuery(filters, owners));
  }, [pipelinesApi, params.toString(), owners?.join(','), signalled]);
  const { loading, error, retry } = answer;
  // The prefetched page until the first answer, which is that same page.
  const value = answer.value ?? (loading ? firstPage : undefined);
  shown.current = useMemo(
    () => new Set(value?.items.map(pipeline => pipeline.id)),
    [value],
  );
  // The links come after the rows: at low priority, so React draws them in
  // slices between which the browser paints and handles input.
  const entityPaths = useDeferredValue(useEntityPaths(value?.items));
  // The first time rows come, a screenful is drawn first (so it shows
  // sooner), the rest a screenful per frame at low priority (so the page
  // never freezes for long); later pages come whole.
  const [rowLimit, setRowLimit] = useState(ROWS_PER_FRAME);
  const rowCount = value?.items.length ?? 0;
  useEffect(() => {
    if (rowCount <= rowLimit) {
      if (rowCount > 0 && rowLimit !== Infinity) {
        setRowLimit(Infinity);
      }
      return undefined;
    }
    const frame = requestAnimationFrame(() =>
      startTransition(() => setRowLimit(limit => limit + ROWS_PER_FRAME)),
    );
    return () => cancelAnimationFrame(frame);
  }, [rowCount, rowLimit]);
  const filtered = Boolean(
    filters.search ||
      filters.mine ||
      filters.owner ||
      filters.source ||
      filters.state ||
      filters.late,
  );

  let body;
  if (error) {
    body = (
      <Box p={2}>
        <ResponseErrorPanel error={error} title="Could not load pipelines" />
        <Button sx={{ mt: 1 }} onClick={retry}>
          Try again
        </Button>
      </Box>
    );
  } else if (!value) {
    body = loading ? <Progress /> : null;
  } else if (value.totalCount === 0) {
    body = filtered ? (
      <EmptyState
        missing="data"
        title="No pipeline matches these filters"
        description="Loosen a filter, or clear them to see every pipeline."
        action={
          <Button
            variant="outlined"
            onClick={() => setParams(new URLSearchParams())}
          >
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState
        missing="data"
        title="No pipelines yet"
        description="Pipelines appear here when a scheduler provider is configured or an OpenLineage producer sends events to /api/pipelines/v1/lineage."
      />
    );
  } else {
    body = (
      <>
        <TableContainer>
          <PipelinesTableElement size="small" aria-label="Pipelines">
            <TableHead>
              <TableRow>
                <TableCell>Pipeline</TableCell>
                <TableCell>Owner</TableCell>
                <TableCell>Scheduler</TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>Schedule</TableCell>
                <TableCell>Latest state</TableCell>
                <TableCell>Last {RECENT_RUNS} partitions</TableCell>
                <TableCell>Freshness</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              <EntityPathsContext.Provider value={entityPaths}>
                {value.items.slice(0, rowLimit).map(pipeline => (
                  <PipelineRow key={pipeline.id} pipeline={pipeline} />
                ))}
              </EntityPathsContext.Provider>
            </TableBody>
          </PipelinesTableElement>
        </TableContainer>
        <TablePagination
          component="div"
          count={value.totalCount}
          page={filters.page}
          rowsPerPage={filters.size}
          rowsPerPageOptions={ROWS_PER_PAGE_OPTIONS}
          onPageChange={(_event, page) => update({ page })}
          onRowsPerPageChange={event =>
            update({ size: Number(event.target.value) })
          }
        />
      </>
    );
  }

  return (
    <Paper>
      <Box p={2} display="flex" alignItems="center" gap={2} flexWrap="wrap">
        <ToggleButtonGroup
          size="small"
          exclusive
          value={filters.mine ? 'mine' : 'all'}
          onChange={(_event, choice) =>
            choice && update({ mine: choice === 'mine', owner: '' })
          }
          aria-label="Owned by"
        >
          <ToggleButton value="all">All</ToggleButton>
          <ToggleButton value="mine">Mine and my groups</ToggleButton>
        </ToggleButtonGroup>
        <TextField
          size="small"
          label="Search pipelines"
          value={searchInput}
          onChange={event => setSearchInput(event.target.value)}
          sx={{ minWidth: 260 }}
        />
        <TextField
          size="small"
          label="Owner"
          placeholder="group:default/royalties"
          value={ownerInput}
          disabled={filters.mine}
          onChange={event => setOwnerInput(event.target.value)}
          onBlur={() => update({ owner: ownerInput.trim() })}
          onKeyDown={event => {
            if (event.key === 'Enter') update({ owner: ownerInput.trim() });
          }}
          sx={{ minWidth: 220 }}
        />
        <FormControl size="small" sx={{ minWidth: 200 }}>
          <InputLabel id="pipelines-source-label">Scheduler</InputLabel>
          <Select
            labelId="pipelines-source-label"
            label="Scheduler"
            value={filters.source}
            onChange={event => update({ source: String(event.target.value) })}
          >
            <MenuItem value="">Any</MenuItem>
            {(sources.value?.items ?? []).map(item => (
              <MenuItem key={item.source} value={item.source}>
                {item.source} ({item.count})
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl size="small" sx={{ minWidth: 160 }}>
          <InputLabel id="pipelines-state-label">Latest state</InputLabel>
          <Select
            labelId="pipelines-state-label"
            label="Latest state"
            value={filters.state}
            onChange={event => update({ state: String(event.target.value) })}
          >
            <MenuItem value="">Any</MenuItem>
            {RUN_STATES.map(state => (
              <MenuItem key={state} value={state}>
                {state}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControlLabel
          control={
            <Checkbox
              size="small"
              checked={filters.late}
              onChange={event => update({ late: event.target.checked })}
            />
          }
          label="Late only"
          title="Only pipelines with partitions past their freshness deadline"
        />
        {value && (
          <Typography variant="body2" color="text.secondary">
            {value.totalCount} pipeline{value.totalCount === 1 ? '' : 's'}
          </Typography>
        )}
      </Box>
      <Box minHeight={240}>{body}</Box>
    </Paper>
  );
}
