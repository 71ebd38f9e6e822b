import { Entity } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import {
  ANNOTATION_DATASET_ID,
  DatasetDetails,
} from '@tributary/plugin-pipelines-common';
import { ReactNode } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pipelinesApiRef } from '../../api';
import { TimeAgo } from '../shared/TimeAgo';
import { LineageGraph } from '../LineageGraph';
import { formatTime } from '../PipelineTab/runs';
import { datasetIdOf } from '../shared/entityIds';
import { DatasetParties } from './DatasetParties';
import { MetricsCard } from './MetricsCard';
import { QualityCard } from './QualityCard';
import { SchemaCard } from './SchemaCard';

export { isDatasetEntity } from './isDatasetEntity';

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <Box mb={2}>
      <Typography variant="caption" color="text.secondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="body2" component="div">
        {props.children}
      </Typography>
    </Box>
  );
}

function AboutCard(props: { dataset: DatasetDetails }) {
  const { dataset } = props;
  return (
    <InfoCard title="About">
      <Fact label="Last written">
        <TimeAgo time={dataset.lastWrittenAt} fallback="never" />
        {dataset.lastWrittenByRun && (
          <Typography variant="caption" color="text.secondary" component="div">
            by run <code>{dataset.lastWrittenByRun}</code>
          </Typography>
        )}
      </Fact>
      <Fact label="Owner">
        {dataset.owner ? <EntityRefLink entityRef={dataset.owner} /> : '—'}
      </Fact>
      <Fact label="Platform">{dataset.platform ?? '—'}</Fact>
      <Fact label="Dataset id">
        <code>{dataset.id}</code>
      </Fact>
    </InfoCard>
  );
}

function DatasetDetailsView(props: { entity: Entity; datasetId: string }) {
  const { entity, datasetId } = props;
  const pipelinesApi = useApi(pipelinesApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => pipelinesApi.getDataset(datasetId),
    [pipelinesApi, datasetId],
  );

  let details;
  if (error) {
    details = (
      <Grid item xs={12}>
        <ResponseErrorPanel error={error} title="Could not load the dataset" />
        <Button onClick={retry}>Try again</Button>
      </Grid>
    );
  } else if (loading || !value) {
    details = (
      <Grid item xs={12}>
        <Progress />
      </Grid>
    );
  } else {
    details = (
      <>
        {value.lateSince && (
          <Grid item xs={12}>
            <Alert severity="warning">
              Late since {formatTime(value.lateSince)}: a pipeline that writes
              this dataset is past its freshness deadline.
            </Alert>
          </Grid>
        )}
        <Grid item xs={12} md={4}>
          <AboutCard dataset={value} />
        </Grid>
        <Grid item xs={12} md={8}>
          <DatasetParties entity={entity} dataset={value} />
        </Grid>
        <Grid item xs={12}>
          <SchemaCard datasetId={datasetId} fields={value.schema ?? []} />
        </Grid>
      </>
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title="Lineage" noPadding>
          <LineageGraph root={`dataset:${datasetId}`} height={420} />
        </InfoCard>
      </Grid>
      {details}
      <Grid item xs={12}>
        <QualityCard datasetId={datasetId} />
      </Grid>
      <Grid item xs={12}>
        <MetricsCard datasetId={datasetId} />
      </Grid>
    </Grid>
  );
}

/**
 * The dataset tab of a `dataset` API: lineage, producers and consumers, last
 * write, schema with column lineage, quality results and metrics.
 */
export function DatasetContent() {
  const { entity } = useEntity();
  const datasetId = datasetIdOf(entity);
  if (!datasetId) {
    return (
      <EmptyState
        missing="field"
        title="This API is not linked to a Tributary dataset"
        description={`Datasets emitted by the Tributary catalog module carry the ${ANNOTATION_DATASET_ID} annotation with the dataset's id (<namespace>/<name>). Add it to this entity to see its lineage, producers, consumers, schema and quality results.`}
      />
    );
  }
  return <DatasetDetailsView entity={entity} datasetId={datasetId} />;
}
