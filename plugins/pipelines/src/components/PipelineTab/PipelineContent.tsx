import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Grid from '@mui/material/Grid';
import {
  ANNOTATION_PIPELINE_ID,
  pipelineSignalChannel,
} from '@tributary/plugin-pipelines-common';
import { memo, useState } from 'react';
import { pipelinesApiRef } from '../../api';
import { LineageGraph as LineageGraphSection } from '../LineageGraph';
import { pipelineIdOf } from '../shared/entityIds';
import { useDeferredAsyncRetry } from '../shared/useDeferredAsyncRetry';
import { useSignalRefresh } from '../shared/useSignalRefresh';
import { BackfillButton } from './BackfillButton';
import { BackfillsCard as BackfillsSection } from './BackfillsCard';
import { DurationChart as DurationSection } from './DurationChart';
import { OverviewCard } from './OverviewCard';
import { RunHistoryGrid as RunHistorySection } from './RunHistoryGrid';
import { RunsTable as RunsSection } from './RunsTable';

const LINEAGE_HEIGHT = 480;

// The sections load and draw on their own: they draw again when their own
// props change, not with the tab (when the pipeline loads or a backfill
// starts), which would redraw a table, a chart and a graph in one go.
const BackfillsCard = memo(BackfillsSection);
const DurationChart = memo(DurationSection);
const LineageGraph = memo(LineageGraphSection);
const RunHistoryGrid = memo(RunHistorySection);
const RunsTable = memo(RunsSection);

/**
 * Each section loads on its own, so one failing request leaves the others
 * readable and retries only itself. When the backend signals a change to the
 * pipeline, the pipeline, its runs and its backfills load again in place: the
 * sections keep showing what they have until the new data arrives.
 */
function PipelineSections(props: { pipelineId: string }) {
  const { pipelineId } = props;
  const pipelinesApi = useApi(pipelinesApiRef);
  const signalled = useSignalRefresh(pipelineSignalChannel(pipelineId));
  const pipeline = useDeferredAsyncRetry(
    () => pipelinesApi.getPipeline(pipelineId),
    [pipelinesApi, pipelineId, signalled],
  );
  // Bumped when a backfill starts here, so the list shows it at once.
  const [backfillsVersion, setBackfillsVersion] = useState(0);

  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={5}>
        <OverviewCard
          pipelineId={pipelineId}
          pipeline={pipeline.value}
          error={pipeline.error}
          onRetry={pipeline.retry}
          actions={
            <BackfillButton
              pipeline={pipeline.value}
              onCreated={() => setBackfillsVersion(version => version + 1)}
            />
          }
        />
      </Grid>
      <Grid item xs={12} md={7}>
        <RunHistoryGrid pipelineId={pipelineId} refreshKey={signalled} />
      </Grid>
      <Grid item xs={12}>
        <BackfillsCard
          pipelineId={pipelineId}
          // Both only grow, so their sum changes whenever either does.
          refreshKey={backfillsVersion + signalled}
        />
      </Grid>
      <Grid item xs={12}>
        <DurationChart pipelineId={pipelineId} refreshKey={signalled} />
      </Grid>
      <Grid item xs={12}>
        <RunsTable pipelineId={pipelineId} refreshKey={signalled} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Lineage" noPadding>
          <LineageGraph
            root={`pipeline:${pipelineId}`}
            height={LINEAGE_HEIGHT}
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}

/** The pipeline tab of a `data-pipeline` Component. */
export function PipelineContent() {
  const { entity } = useEntity();
  const pipelineId = pipelineIdOf(entity);
  if (!pipelineId) {
    return <MissingAnnotationEmptyState annotation={ANNOTATION_PIPELINE_ID} />;
  }
  return <PipelineSections pipelineId={pipelineId} />;
}
