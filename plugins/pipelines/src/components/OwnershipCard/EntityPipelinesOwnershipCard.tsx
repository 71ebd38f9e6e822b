import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Pipeline } from '@tributary/plugin-pipelines-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pipelinesApiRef } from '../../api';
import { RunStateChip } from '../shared/RunStateChip';
import { sortByAttention, withFailing } from './attention';
import { RecentRunsStrip } from '../shared/RecentRunsStrip';

const PIPELINE_LIMIT = 200;
const RECENT_RUNS = 7;

function Count(props: { label: string; value: number; color?: string }) {
  return (
    <Box>
      <Typography variant="h5" color={props.color}>
        {props.value}
      </Typography>
      <Typography variant="caption" color="text.secondary">
        {props.label}
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
        <RunStateChip state={pipeline.latestRunState} />
      </TableCell>
      <TableCell>
        <RecentRunsStrip runs={pipeline.recentRuns} />
      </TableCell>
    </TableRow>
  );
}

/** A group's pipelines, the ones that need attention first. */
export function EntityPipelinesOwnershipCard() {
  const { entity } = useEntity();
  const owner = stringifyEntityRef(entity);
  const pipelinesApi = useApi(pipelinesApiRef);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const query = { owner, limit: PIPELINE_LIMIT, recentRuns: RECENT_RUNS };
    // Failing ones are asked for on their own so that the limit never hides
    // them; the state filters also give exact counts past the limit.
    const [all, failing, healthy] = await Promise.all([
      pipelinesApi.listPipelines(query),
      pipelinesApi.listPipelines({ ...query, state: 'failed' }),
      pipelinesApi.listPipelines({ owner, state: 'succeeded', limit: 1 }),
    ]);
    return {
      pipelines: sortByAttention(withFailing(failing.items, all.items)),
      total: all.totalCount,
      failing: failing.totalCount,
      healthy: healthy.totalCount,
    };
  }, [pipelinesApi, owner]);

  let body;
  if (error) {
    body = (
      <>
        <ResponseErrorPanel error={error} title="Could not load pipelines" />
        <Button onClick={retry}>Try again</Button>
      </>
    );
  } else if (loading || !value) {
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
        <Box display="flex" gap={4} mb={2}>
          <Count label="failing" value={value.failing} color="error.main" />
          <Count label="healthy" value={value.healthy} color="success.main" />
          <Count label="total" value={value.total} />
        </Box>
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
                <TableCell>Last {RECENT_RUNS} runs</TableCell>
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
      subheader="Failing first"
      deepLink={{
        // The page's path in both frontend systems; the app mounts it there.
        link: `/pipelines?owner=${encodeURIComponent(owner)}`,
        title: 'All pipelines of this owner',
      }}
    >
      {body}
    </InfoCard>
  );
}
