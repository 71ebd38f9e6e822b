import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import Radio from '@mui/material/Radio';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import {
  ANNOTATION_DATASET_ID,
  DatasetField,
} from '@tributary/plugin-pipelines-common';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pipelinesApiRef } from '../../api';
import { datasetIdOf } from '../shared/entityIds';
import { describeTransformations } from './datasetView';

/** The upstream columns of one column, their datasets linked to the catalog. */
function UpstreamColumns(props: { datasetId: string; field: string }) {
  const { datasetId, field } = props;
  const pipelinesApi = useApi(pipelinesApiRef);
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const { items } = await pipelinesApi.listColumnLineage(datasetId, field);
    const inputIds = [...new Set(items.map(item => item.inputDatasetId))];
    // Links are a convenience: without the catalog the ids still tell the story.
    const entities =
      inputIds.length > 0
        ? await catalogApi
            .getEntities({
              filter: {
                kind: 'API',
                [`metadata.annotations.${ANNOTATION_DATASET_ID}`]: inputIds,
              },
            })
            .then(r => r.items)
            .catch(() => [])
        : [];
    const refs = new Map(
      entities.map(e => [datasetIdOf(e), stringifyEntityRef(e)]),
    );
    return items.map(item => ({
      ...item,
      inputEntityRef: refs.get(item.inputDatasetId),
    }));
  }, [pipelinesApi, catalogApi, datasetId, field]);

  if (error) {
    return (
      <Box>
        <ResponseErrorPanel
          error={error}
          title={`Could not load the lineage of ${field}`}
        />
        <Button onClick={retry}>Try again</Button>
      </Box>
    );
  }
  if (loading || !value) {
    return <Progress />;
  }
  if (value.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No upstream columns recorded for {field}. Column lineage comes from the
        OpenLineage columnLineage facet of the runs that write this dataset.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={`Upstream of ${field}`}>
      <TableHead>
        <TableRow>
          <TableCell>Dataset</TableCell>
          <TableCell>Column</TableCell>
          <TableCell>Transformation</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {value.map(item => (
          <TableRow key={`${item.inputDatasetId}\u0000${item.inputField}`}>
            <TableCell>
              {item.inputEntityRef ? (
                <EntityRefLink entityRef={item.inputEntityRef}>
                  {item.inputDatasetId}
                </EntityRefLink>
              ) : (
                item.inputDatasetId
              )}
            </TableCell>
            <TableCell>{item.inputField}</TableCell>
            <TableCell>
              {describeTransformations(item.transformations)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The dataset's columns; picking one shows the columns it is computed from. */
export function SchemaCard(props: {
  datasetId: string;
  fields: DatasetField[];
}) {
  const { datasetId, fields } = props;
  const [selected, setSelected] = useState<string>();

  if (fields.length === 0) {
    return (
      <InfoCard title="Schema">
        <Typography variant="body2" color="text.secondary">
          No schema known. It comes from the OpenLineage schema facet of the
          runs that read or write this dataset.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <InfoCard title="Schema and column lineage">
      <Grid container spacing={3}>
        <Grid item xs={12} md={7}>
          <Table size="small" aria-label="Schema">
            <TableHead>
              <TableRow>
                <TableCell padding="checkbox" />
                <TableCell>Column</TableCell>
                <TableCell>Type</TableCell>
                <TableCell>Description</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {fields.map(field => (
                <TableRow
                  key={field.name}
                  hover
                  selected={field.name === selected}
                  onClick={() => setSelected(field.name)}
                  sx={{ cursor: 'pointer' }}
                >
                  <TableCell padding="checkbox">
                    {/* Radios sharing a name are one tab stop, arrow keys move. */}
                    <Radio
                      size="small"
                      name="schema-column"
                      value={field.name}
                      checked={field.name === selected}
                      onChange={() => setSelected(field.name)}
                      inputProps={{
                        'aria-label': `Show the upstream columns of ${field.name}`,
                      }}
                    />
                  </TableCell>
                  <TableCell>
                    <code>{field.name}</code>
                  </TableCell>
                  <TableCell>{field.type ?? '—'}</TableCell>
                  <TableCell>{field.description ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Grid>
        <Grid item xs={12} md={5}>
          <Typography variant="subtitle2" gutterBottom>
            {selected ? `Upstream of ${selected}` : 'Upstream columns'}
          </Typography>
          {selected ? (
            <UpstreamColumns datasetId={datasetId} field={selected} />
          ) : (
            <Typography variant="body2" color="text.secondary">
              Pick a column to see the columns it is computed from.
            </Typography>
          )}
        </Grid>
      </Grid>
    </InfoCard>
  );
}
