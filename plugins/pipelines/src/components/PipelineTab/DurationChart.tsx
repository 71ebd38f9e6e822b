import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@mui/material/Box';
import Skeleton from '@mui/material/Skeleton';
import { useTheme } from '@mui/material/styles';
import { Run } from '@tributary/plugin-pipelines-common';
import { useMemo } from 'react';
import { useDeferredAsyncRetry } from '../shared/useDeferredAsyncRetry';
import { pipelinesApiRef } from '../../api';
import { Bars } from '../shared/Bars';
import {
  durationMs,
  durationTicks,
  formatDuration,
  formatPartition,
} from './runs';
import { SectionBox, SectionError, SectionMessage } from './SectionStates';

const RUNS_CHARTED = 60;
const PLOT_HEIGHT = 180;
const AXIS_WIDTH = 64;
/** Plot and x-axis labels: what the skeleton reserves. */
const CHART_HEIGHT = PLOT_HEIGHT + 28;

/** How long the latest succeeded runs took, as bars, oldest first. */
export function DurationChart(props: {
  pipelineId: string;
  /** Changes when the runs should load again; the chart stays meanwhile. */
  refreshKey?: number;
}) {
  const pipelinesApi = useApi(pipelinesApiRef);
  const { value, loading, error, retry } = useDeferredAsyncRetry(
    () =>
      pipelinesApi.listRuns(props.pipelineId, {
        state: 'succeeded',
        limit: RUNS_CHARTED,
      }),
    [pipelinesApi, props.pipelineId, props.refreshKey],
  );

  const points = useMemo(
    () =>
      (value?.items ?? [])
        .flatMap(run => {
          const ms = durationMs(run);
          return ms === undefined ? [] : [{ run, ms }];
        })
        .reverse(),
    [value],
  );

  let body;
  if (error) {
    body = (
      <SectionBox height={CHART_HEIGHT}>
        <SectionError
          title="Could not load run durations"
          error={error}
          onRetry={retry}
        />
      </SectionBox>
    );
  } else if (!value && loading) {
    body = (
      <Skeleton
        variant="rectangular"
        height={CHART_HEIGHT}
        data-testid="duration-loading"
      />
    );
  } else if (points.length === 0) {
    body = (
      <SectionMessage height={CHART_HEIGHT}>
        No succeeded runs with start and end times yet.
      </SectionMessage>
    );
  } else {
    body = <Chart points={points} />;
  }

  return (
    <InfoCard
      title="Duration trend"
      subheader={`Latest ${RUNS_CHARTED} succeeded runs, oldest first`}
    >
      {body}
    </InfoCard>
  );
}

/**
 * The plot stretches to the card's width (`preserveAspectRatio="none"`); its
 * labels are HTML beside it so they keep their size and stay crisp.
 */
function Chart(props: { points: Array<{ run: Run; ms: number }> }) {
  const { points } = props;
  const theme = useTheme();
  const ticks = durationTicks(Math.max(...points.map(p => p.ms)));
  const top = ticks[ticks.length - 1];
  const first = points[0].run;
  const last = points[points.length - 1].run;

  return (
    <Box height={CHART_HEIGHT}>
      <Box display="flex" height={PLOT_HEIGHT}>
        <Box
          width={AXIS_WIDTH}
          position="relative"
          aria-hidden
          sx={{ typography: 'caption', color: 'text.secondary' }}
        >
          {ticks.map(tick => (
            <Box
              key={tick}
              position="absolute"
              right={8}
              bottom={`${(tick / top) * 100}%`}
              sx={{ transform: 'translateY(50%)' }}
            >
              {formatDuration(tick)}
            </Box>
          ))}
        </Box>
        <Box
          component="svg"
          flex={1}
          height={PLOT_HEIGHT}
          viewBox={`0 0 100 ${PLOT_HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`Durations of the last ${points.length} succeeded runs`}
          sx={{ overflow: 'visible', '& rect:hover': { opacity: 0.7 } }}
        >
          {ticks.map(tick => {
            const y = PLOT_HEIGHT - (tick / top) * PLOT_HEIGHT;
            return (
              <line
                key={tick}
                x1={0}
                x2={100}
                y1={y}
                y2={y}
                stroke={theme.palette.divider}
                vectorEffect="non-scaling-stroke"
              />
            );
          })}
          <Bars
            items={points}
            keyOf={({ run }) => run.id}
            valueOf={({ ms }) => ms}
            titleOf={({ run, ms }) =>
              `${formatPartition(
                run.partition ?? run.startedAt,
              )}: ${formatDuration(ms)}`
            }
            top={top}
            height={PLOT_HEIGHT}
            color={theme.palette.success.main}
            testId="duration-bar"
          />
        </Box>
      </Box>
      <Box
        display="flex"
        justifyContent="space-between"
        ml={`${AXIS_WIDTH}px`}
        mt={0.5}
        sx={{ typography: 'caption', color: 'text.secondary' }}
      >
        <span>{formatPartition(first.partition ?? first.startedAt)}</span>
        <span>Partition</span>
        <span>{formatPartition(last.partition ?? last.startedAt)}</span>
      </Box>
    </Box>
  );
}
