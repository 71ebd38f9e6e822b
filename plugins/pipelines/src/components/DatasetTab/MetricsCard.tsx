import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import WarningAmber from '@mui/icons-material/WarningAmber';
import Box from '@mui/material/Box';
import Skeleton from '@mui/material/Skeleton';
import { useTheme } from '@mui/material/styles';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { QualityMetrics } from '@tributary/plugin-pipelines-common';
import { ReactNode } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pipelinesApiRef } from '../../api';
import { localeString } from '../../lib/formatters';
import {
  SectionBox,
  SectionError,
  SectionMessage,
} from '../PipelineTab/SectionStates';
import { Bars } from '../shared/Bars';
import { TimeAgo } from '../shared/TimeAgo';
import {
  columnMetricRows,
  formatBytes,
  formatCount,
  formatMetricValue,
  rowCountTrend,
} from './metricsView';

const RUNS_LISTED = 30;
const TREND_HEIGHT = 48;
/** The latest run's facts and the trend: what loading, empty and error reserve. */
const SUMMARY_HEIGHT = 150;

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <Box minWidth={96}>
      <Typography variant="caption" color="text.secondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="body1" component="div">
        {props.children}
      </Typography>
    </Box>
  );
}

/** One bar per listed run, oldest first; a run without a row count leaves a gap. */
function RowCountTrend(props: { items: QualityMetrics[] }) {
  const theme = useTheme();
  const runs = rowCountTrend(props.items);
  const top = Math.max(1, ...runs.map(r => r.rowCount ?? 0));
  return (
    <Box
      component="svg"
      width="100%"
      height={TREND_HEIGHT}
      viewBox={`0 0 100 ${TREND_HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`Row counts of the last ${runs.length} runs, oldest first`}
      sx={{ display: 'block', '& rect:hover': { opacity: 0.7 } }}
    >
      <Bars
        items={runs}
        keyOf={run => run.runId}
        valueOf={run => run.rowCount ?? 0}
        titleOf={run =>
          `${run.partition ?? localeString(run.observedAt)}: ${
            run.rowCount === undefined
              ? 'no row count'
              : `${formatCount(run.rowCount)} rows`
          }`
        }
        top={top}
        height={TREND_HEIGHT}
        color={theme.palette.primary.main}
        testId="row-count-bar"
      />
    </Box>
  );
}

function LatestMetrics(props: { items: QualityMetrics[] }) {
  const [latest, previous] = props.items;
  const rows = columnMetricRows(latest, previous);
  return (
    <>
      <Box height={SUMMARY_HEIGHT}>
        <Box
          display="flex"
          flexWrap="wrap"
          gap={3}
          mb={2}
          aria-label="Latest metrics"
          role="group"
        >
          <Fact label="Rows">{formatCount(latest.rowCount)}</Fact>
          <Fact label="Size">{formatBytes(latest.bytes)}</Fact>
          <Fact label="Files">{formatCount(latest.fileCount)}</Fact>
          <Fact label="Partition">{latest.partition ?? '—'}</Fact>
          <Fact label="Observed">
            <TimeAgo time={latest.observedAt} />
          </Fact>
        </Box>
        <Typography variant="caption" color="text.secondary" component="div">
          Row count, oldest to newest
        </Typography>
        <RowCountTrend items={props.items} />
      </Box>
      {rows.length > 0 && (
        <Table size="small" aria-label="Column metrics">
          <TableHead>
            <TableRow>
              <TableCell>Column</TableCell>
              <TableCell align="right">Nulls</TableCell>
              <TableCell align="right">Distinct</TableCell>
              <TableCell align="right">Min</TableCell>
              <TableCell align="right">Max</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(({ column, metrics, nullsRoseFrom }) => (
              <TableRow key={column}>
                <TableCell>
                  <code>{column}</code>
                </TableCell>
                <TableCell align="right">
                  <Box
                    component="span"
                    display="inline-flex"
                    alignItems="center"
                    gap={0.5}
                  >
                    {nullsRoseFrom !== undefined && (
                      <Tooltip
                        title={`Nulls rose from ${formatCount(
                          nullsRoseFrom,
                        )} in the previous run`}
                      >
                        <Box component="span" role="img" display="inline-flex">
                          <WarningAmber color="warning" fontSize="small" />
                        </Box>
                      </Tooltip>
                    )}
                    {formatCount(metrics.nullCount)}
                  </Box>
                </TableCell>
                <TableCell align="right">
                  {formatCount(metrics.distinctCount)}
                </TableCell>
                <TableCell align="right">
                  {formatMetricValue(metrics.min)}
                </TableCell>
                <TableCell align="right">
                  {formatMetricValue(metrics.max)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}

/**
 * What the latest runs measured of the dataset (OpenLineage
 * dataQualityMetrics): the latest run's size, the row-count trend, and the
 * latest column metrics with rising null counts marked.
 */
export function MetricsCard(props: { datasetId: string }) {
  const pipelinesApi = useApi(pipelinesApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => pipelinesApi.listQualityMetrics(props.datasetId, RUNS_LISTED),
    [pipelinesApi, props.datasetId],
  );

  let body;
  if (error) {
    body = (
      <SectionBox height={SUMMARY_HEIGHT}>
        <SectionError
          title="Could not load quality metrics"
          error={error}
          onRetry={retry}
        />
      </SectionBox>
    );
  } else if (loading || !value) {
    body = (
      <Skeleton
        variant="rectangular"
        height={SUMMARY_HEIGHT}
        data-testid="metrics-loading"
      />
    );
  } else if (value.items.length === 0) {
    body = (
      <SectionMessage height={SUMMARY_HEIGHT}>
        No metrics reported for this dataset
      </SectionMessage>
    );
  } else {
    body = <LatestMetrics items={value.items} />;
  }

  return (
    <InfoCard
      title="Metrics"
      subheader={`Latest ${RUNS_LISTED} runs, from their dataQualityMetrics facet`}
    >
      {body}
    </InfoCard>
  );
}
