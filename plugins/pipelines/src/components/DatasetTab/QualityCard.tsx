import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import CheckCircleOutline from '@mui/icons-material/CheckCircleOutline';
import ErrorOutline from '@mui/icons-material/ErrorOutline';
import Alert from '@mui/material/Alert';
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
import {
  LatestRunQuality,
  latestRunQuality,
  sortQualityResults,
} from './datasetView';

const RESULT_LIMIT = 100;

function summaryText(failed: number, total: number): string {
  if (failed > 0) {
    return `${failed} of ${total} assertion${
      total === 1 ? '' : 's'
    } failed in the latest run`;
  }
  return total === 1
    ? 'The assertion of the latest run passed'
    : `All ${total} assertions of the latest run passed`;
}

/** "2 of 5 assertions failed in the latest run", as an error while any did. */
function LatestRunSummary(props: { summary: LatestRunQuality }) {
  const { failed, total } = props.summary;
  return (
    <Alert severity={failed > 0 ? 'error' : 'success'} sx={{ mb: 2 }}>
      {summaryText(failed, total)}.
    </Alert>
  );
}

/** The latest data-quality assertion results, failures first. */
export function QualityCard(props: { datasetId: string }) {
  const pipelinesApi = useApi(pipelinesApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      pipelinesApi
        .listQualityResults(props.datasetId, RESULT_LIMIT)
        .then(r => ({
          results: sortQualityResults(r.items),
          latest: latestRunQuality(r.items),
        })),
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
  } else if (!value.latest) {
    body = (
      <Typography variant="body2" color="text.secondary">
        No quality results yet. They come from the OpenLineage
        dataQualityAssertions facet of the runs that write this dataset.
      </Typography>
    );
  } else {
    body = (
      <>
        <LatestRunSummary summary={value.latest} />
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
            {value.results.map(result => (
              <TableRow
                key={`${result.runId}\u0000${result.assertion}\u0000${result.column}`}
              >
                <TableCell>{result.assertion}</TableCell>
                <TableCell>{result.column ?? '—'}</TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    color={result.success ? 'success' : 'error'}
                    variant={result.success ? 'outlined' : 'filled'}
                    icon={
                      result.success ? <CheckCircleOutline /> : <ErrorOutline />
                    }
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
      </>
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
