import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  catalogApiRef,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { ANNOTATION_DATASET_ID } from '@tributary/plugin-pipelines-common';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pipelinesApiRef } from '../../api';
import { datasetIdOf } from '../shared/entityIds';
import { PipelineStateChips } from '../shared/LateChip';
import {
  declaredApiRefs,
  declaredDatasets,
  DeclaredDataset,
} from './declaredDatasets';
import { TimeAgo } from '../shared/TimeAgo';

/**
 * One dataset. Each row loads its own details, so the rows load in parallel
 * and one the backend cannot serve does not hide the others.
 */
function DatasetRow(props: { dataset: DeclaredDataset }) {
  const { dataset } = props;
  const pipelinesApi = useApi(pipelinesApiRef);
  const datasetId = datasetIdOf(dataset.entity);
  const details = useAsync(async () => {
    if (!datasetId) {
      throw new Error(`No ${ANNOTATION_DATASET_ID} annotation`);
    }
    return pipelinesApi.getDataset(datasetId);
  }, [pipelinesApi, datasetId]);

  let state;
  if (details.error) {
    // The backend's own words, not only its status code.
    const message = ResponseError.is(details.error)
      ? details.error.cause.message
      : details.error.message;
    state = (
      <TableCell colSpan={2}>
        <Typography variant="body2" color="error">
          Not loaded: {message}
        </Typography>
      </TableCell>
    );
  } else if (details.loading || !details.value) {
    state = (
      <TableCell colSpan={2}>
        <Skeleton />
      </TableCell>
    );
  } else {
    const { lastWrittenAt, producers } = details.value;
    state = (
      <>
        <TableCell>
          <TimeAgo time={lastWrittenAt} fallback="never" />
        </TableCell>
        <TableCell>
          {producers.length === 0 && (
            <Typography variant="body2" color="text.secondary">
              none known
            </Typography>
          )}
          <Stack spacing={0.5}>
            {producers.map(producer => (
              <Box key={producer.id} display="flex" alignItems="center" gap={1}>
                <PipelineStateChips
                  state={producer.latestRunState}
                  lateSince={producer.lateSince}
                />
                <Typography variant="body2">
                  {producer.title ?? producer.name}
                </Typography>
              </Box>
            ))}
          </Stack>
        </TableCell>
      </>
    );
  }

  return (
    <TableRow>
      <TableCell>
        <EntityRefLink entityRef={dataset.entity} />
      </TableCell>
      <TableCell>
        <Stack direction="row" spacing={0.5}>
          {dataset.reads && <Chip size="small" label="reads" />}
          {dataset.writes && <Chip size="small" label="writes" />}
        </Stack>
      </TableCell>
      {state}
    </TableRow>
  );
}

function NoDatasets() {
  return (
    <Box>
      <Typography variant="body2" gutterBottom>
        This component declares no datasets.
      </Typography>
      <Typography variant="body2" color="text.secondary">
        List the datasets it reads under <code>spec.consumesApis</code> and the
        ones it writes under <code>spec.providesApis</code> in its
        catalog-info.yaml, by the entity ref shown on each dataset&apos;s page
        (for example <code>api:default/&lt;dataset-name&gt;</code>).
      </Typography>
    </Box>
  );
}

/**
 * The datasets a Component reads and writes, from its catalog API relations,
 * with when each was last written and the state of the pipelines writing it.
 */
export function EntityDatasetsCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const refs = declaredApiRefs(entity);
    const entityRefs = [...new Set([...refs.reads, ...refs.writes])];
    if (entityRefs.length === 0) {
      return [];
    }
    const { items } = await catalogApi.getEntitiesByRefs({ entityRefs });
    return declaredDatasets(refs, items);
  }, [entity, catalogApi]);

  let body;
  if (error) {
    body = (
      <>
        <ResponseErrorPanel error={error} title="Could not load datasets" />
        <Button onClick={retry}>Try again</Button>
      </>
    );
  } else if (loading || !value) {
    body = <Progress />;
  } else if (value.length === 0) {
    body = <NoDatasets />;
  } else {
    body = (
      <Table size="small" aria-label="Datasets">
        <TableHead>
          <TableRow>
            <TableCell>Dataset</TableCell>
            <TableCell>Access</TableCell>
            <TableCell>Last written</TableCell>
            <TableCell>Producers</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.map(dataset => (
            <DatasetRow key={dataset.entityRef} dataset={dataset} />
          ))}
        </TableBody>
      </Table>
    );
  }
  return <InfoCard title="Datasets">{body}</InfoCard>;
}
