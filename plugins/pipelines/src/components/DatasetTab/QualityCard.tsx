import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pipelinesApiRef } from '../../api';
import { TimeAgo } from '../shared/TimeAgo';
import { sortQualityResults } from './datasetView';

const RESULT_LIMIT = 100;

/** The latest data-quality assertion results, failures first. */
export function QualityCard(props: { datasetId: string }) {
  const pipelinesApi = useApi(pipelinesApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      pipelinesApi
        .listQualityResults(props.datasetId, RESULT_LIMIT)
        .then(r => sortQualityResults(r.items)),
    [pipelinesApi, props.datasetId],
  );

  let body;
  if (error) {
    body = (
      <>
        <ResponseErrorPanel
          error={error}
          title="Could not load quality results"
        />
        <Button onClick={retry}>Try again</Button>
      </>
    );
  } else if (loading || !value) {
    body = <Progress />;
  } else if (value.length === 0) {
    body = (
      <Typography variant="body2" color="text.secondary">
        No quality results yet. They come from the OpenLineage
        dataQualityAssertions facet of the runs that write this dataset.
      </Typography>
    );
  } else {
    body = (
      <Table size="small" aria-label="Quality results">
        <TableHead>
          <TableRow>
            <TableCell>Assertion</TableCell>
            <TableCell>Column</TableCell>
            <TableCell>Result</TableCell>
            <TableCell>Partition</TableCell>
            <TableCell>Observed</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.map(result => (
            <TableRow
              key={`${result.runId}\u0000${result.assertion}\u0000${result.column}`}
            >
              <TableCell>{result.assertion}</TableCell>
              <TableCell>{result.column ?? '—'}</TableCell>
              <TableCell>
                <Chip
                  size="small"
                  color={result.success ? 'success' : 'error'}
                  label={result.success ? 'passed' : 'failed'}
                />
              </TableCell>
              <TableCell>{result.partition ?? '—'}</TableCell>
              <TableCell>
                <TimeAgo time={result.observedAt} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return (
    <InfoCard
      title="Quality"
      subheader={`Latest ${RESULT_LIMIT} assertion results, failures first`}
    >
      {body}
    </InfoCard>
  );
}
