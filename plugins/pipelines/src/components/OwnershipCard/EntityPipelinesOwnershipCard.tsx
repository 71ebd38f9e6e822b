import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Skeleton from '@mui/material/Skeleton';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import {
  OwnerHealth,
  Pipeline,
  PIPELINES_CHANGED_SIGNAL_CHANNEL,
} from '@tributary/plugin-pipelines-common';
import { useMemo, useRef } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pipelinesApiRef } from '../../api';
import { PipelineStateChips } from '../shared/LateChip';
import { RecentRunsStrip } from '../shared/RecentRunsStrip';
import { namesAny, useSignalRefresh } from '../shared/useSignalRefresh';
import { mergeById, sortByAttention } from './attention';

const PIPELINE_LIMIT = 200;
const RECENT_RUNS = 7;

/**
 * The pipelines page of an owner, with more filters. Its path in both
 * frontend systems; the app mounts it there.
 */
export function pipelinesPagePath(
  owner: string,
  filters: Record<string, string> = {},
): string {
  return `/pipelines?${new URLSearchParams({ owner, ...filters })}`;
}

/** The counts of the summary; `filters` when the pipelines page can list them. */
const HEALTH_COUNTS: Array<{
  key: 'failing' | 'late' | 'stale' | 'healthy' | 'total';
  color?: string;
  filters?: Record<string, string>;
}> = [
  { key: 'failing', color: 'error.main', filters: { state: 'failed' } },
  { key: 'late', color: 'warning.main', filters: { late: '1' } },
  { key: 'stale', color: 'text.secondary' },
  { key: 'healthy', color: 'success.main' },
  { key: 'total', filters: {} },
];

function Count(props: { label: string; value: number; color?: string }) {
  return (
    <>
      <Typography variant="h5" color={props.color}>
        {props.value}
      </Typography>
      <Typography variant="caption" color="text.secondary">
        {props.label}
      </Typography>
    </>
  );
}

function errorText(error: Error): string {
  return ResponseError.is(error) ? error.cause.message : error.message;
}

/** Counts by health, each linking to the pipelines it counts where it can. */
function HealthSummary(props: {
  owner: string;
  health?: OwnerHealth;
  error?: Error;
  onRetry: () => void;
}) {
  const { owner, health, error } = props;
  if (error) {
    return (
      <Alert
        severity="warning"
        sx={{ mb: 2 }}
        action={
          <Button color="inherit" size="small" onClick={props.onRetry}>
            Load again
          </Button>
        }
      >
        Could not load the health summary: {errorText(error)}
      </Alert>
    );
  }
  if (!health) {
    return (
      <Skeleton
        variant="rectangular"
        height={72}
        sx={{ mb: 2 }}
        data-testid="health-loading"
      />
    );
  }
  const datasets = health.failedQualityDatasets;
  return (
    <Box mb={2} aria-label="Health" role="group">
      <Box display="flex" gap={4} flexWrap="wrap">
        {HEALTH_COUNTS.map(({ key, color, filters }) => {
          const count = <Count label={key} value={health[key]} color={color} />;
          return filters ? (
            <Link
              key={key}
              component={RouterLink}
              to={pipelinesPagePath(owner, filters)}
              underline="hover"
              color="inherit"
              aria-label={`${health[key]} ${key}`}
            >
              {count}
            </Link>
          ) : (
            <Box key={key}>{count}</Box>
          );
        })}
      </Box>
      <Typography
        variant="body2"
        mt={1}
        color={datasets > 0 ? 'error.main' : 'text.secondary'}
      >
        {datasets} dataset{datasets === 1 ? '' : 's'} with failed quality checks
      </Typography>
    </Box>
  );
}

function PipelineRow(props: { pipeline: Pipeline }) {
  const { pipeline } = props;
  const name = pipeline.title ?? pipeline.name;
  return (
    <TableRow>
      <TableCell>
        {pipeline.entityRef ? (
          <EntityRefLink entityRef={pipeline.entityRef}>{name}</EntityRefLink>
        ) : (
          name
        )}
      </TableCell>
      <TableCell>
        <PipelineStateChips
          state={pipeline.latestRunState}
          late={pipeline.late}
        />
      </TableCell>
      <TableCell>
        <RecentRunsStrip runs={pipeline.recentRuns} />
      </TableCell>
    </TableRow>
  );
}

/**
 * A group's pipelines: counts by health, then the list, the ones that need
 * attention first. Both load again when the backend signals a change to a
 * listed pipeline, keeping what they show until the new data arrives.
 */
export function EntityPipelinesOwnershipCard() {
  const { entity } = useEntity();
  const owner = stringifyEntityRef(entity);
  const pipelinesApi = useApi(pipelinesApiRef);

  const listed = useRef<ReadonlySet<string>>(new Set());
  const signalled = useSignalRefresh(
    PIPELINES_CHANGED_SIGNAL_CHANNEL,
    message => namesAny(message, listed.current),
  );

  const health = useAsyncRetry(
    () => pipelinesApi.getOwnerHealth([owner]),
    [pipelinesApi, owner, signalled],
  );
  const { value, error, retry } = useAsyncRetry(async () => {
    const query = { owner, limit: PIPELINE_LIMIT, recentRuns: RECENT_RUNS };
    // Failing and late ones are asked for on their own so that the limit
    // never hides them.
    const [all, failing, late] = await Promise.all([
      pipelinesApi.listPipelines(query),
      pipelinesApi.listPipelines({ ...query, state: 'failed' }),
      pipelinesApi.listPipelines({ ...query, late: true }),
    ]);
    return {
      pipelines: sortByAttention(
        mergeById(failing.items, late.items, all.items),
      ),
      total: all.totalCount,
    };
  }, [pipelinesApi, owner, signalled]);
  listed.current = useMemo(
    () => new Set(value?.pipelines.map(pipeline => pipeline.id)),
    [value],
  );

  let body;
  if (error) {
    body = (
      <>
        <ResponseErrorPanel error={error} title="Could not load pipelines" />
        <Button onClick={retry}>Try again</Button>
      </>
    );
  } else if (!value) {
    body = <Progress />;
  } else if (value.total === 0) {
    body = (
      <Typography variant="body2" color="text.secondary">
        No pipelines are owned by{' '}
        {entity.metadata.title ?? entity.metadata.name}. A pipeline&apos;s owner
        comes from its scheduler or OpenLineage ownership facet, mapped to
        catalog groups in the pipelines config.
      </Typography>
    );
  } else {
    body = (
      <>
        {value.total > value.pipelines.length && (
          <Typography variant="caption" color="text.secondary">
            Showing {value.pipelines.length} of {value.total}; the pipelines
            page lists them all.
          </Typography>
        )}
        <TableContainer sx={{ maxHeight: 480 }}>
          <Table size="small" stickyHeader aria-label="Owned pipelines">
            <TableHead>
              <TableRow>
                <TableCell>Pipeline</TableCell>
                <TableCell>Latest state</TableCell>
                <TableCell>Last {RECENT_RUNS} partitions</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.pipelines.map(pipeline => (
                <PipelineRow key={pipeline.id} pipeline={pipeline} />
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      </>
    );
  }

  return (
    <InfoCard
      title="Pipelines"
      subheader="Failing and late first"
      deepLink={{
        link: pipelinesPagePath(owner),
        title: 'All pipelines of this owner',
      }}
    >
      {value?.total !== 0 && (
        <HealthSummary
          owner={owner}
          health={health.value}
          error={health.error}
          onRetry={health.retry}
        />
      )}
      {body}
    </InfoCard>
  );
}
