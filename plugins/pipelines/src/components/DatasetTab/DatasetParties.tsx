import {
  Entity,
  RELATION_API_CONSUMED_BY,
  RELATION_API_PROVIDED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  EntityRefLink,
  getEntityRelations,
} from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { DatasetDetails } from '@tributary/plugin-pipelines-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { TimeAgo } from '../shared/TimeAgo';
import { PipelineStateChips } from '../shared/LateChip';
import { DatasetParty, partiesOf } from './datasetView';

function PartyRow(props: { party: DatasetParty }) {
  const { party } = props;
  if (party.kind === 'service') {
    return (
      <TableRow>
        <TableCell>
          <EntityRefLink entityRef={party.entity} />
        </TableCell>
        <TableCell>{party.type}</TableCell>
        {/* Services have no runs that Tributary knows of. */}
        <TableCell>—</TableCell>
        <TableCell>—</TableCell>
      </TableRow>
    );
  }
  const { pipeline, entityRef } = party;
  const name = pipeline.title ?? pipeline.name;
  return (
    <TableRow>
      <TableCell>
        {entityRef ? (
          <EntityRefLink entityRef={entityRef}>{name}</EntityRefLink>
        ) : (
          name
        )}
      </TableCell>
      <TableCell>pipeline</TableCell>
      <TableCell>
        <PipelineStateChips
          state={pipeline.latestRunState}
          lateSince={pipeline.lateSince}
        />
      </TableCell>
      <TableCell>
        <TimeAgo time={pipeline.latestRunAt} />
      </TableCell>
    </TableRow>
  );
}

function PartiesTable(props: { label: string; parties: DatasetParty[] }) {
  if (props.parties.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        No {props.label.toLocaleLowerCase('en-US')} known.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={props.label} sx={{ mb: 2 }}>
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Type</TableCell>
          <TableCell>Latest state</TableCell>
          <TableCell>Latest run</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.parties.map(party => (
          <PartyRow
            key={party.kind === 'service' ? party.entityRef : party.pipeline.id}
            party={party}
          />
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * Who writes and who reads the dataset: pipelines from the backend with their
 * latest state, and services from the catalog's API relations.
 */
export function DatasetParties(props: {
  entity: Entity;
  dataset: DatasetDetails;
}) {
  const { entity, dataset } = props;
  const catalogApi = useApi(catalogApiRef);
  const related = useAsyncRetry(async () => {
    const refOf = (relation: string) =>
      getEntityRelations(entity, relation).map(ref => stringifyEntityRef(ref));
    const producerRefs = refOf(RELATION_API_PROVIDED_BY);
    const consumerRefs = refOf(RELATION_API_CONSUMED_BY);
    if (producerRefs.length + consumerRefs.length === 0) {
      return { producers: [], consumers: [] };
    }
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: [...producerRefs, ...consumerRefs],
    });
    // Refs the catalog no longer resolves are left out: their type is unknown.
    const found = (refs: string[]) =>
      items.filter(
        (e): e is Entity => !!e && refs.includes(stringifyEntityRef(e)),
      );
    return { producers: found(producerRefs), consumers: found(consumerRefs) };
  }, [entity, catalogApi]);

  if (related.loading) {
    return (
      <InfoCard title="Producers and consumers">
        <Progress />
      </InfoCard>
    );
  }
  return (
    <InfoCard title="Producers and consumers">
      {related.error && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          Services that read or write this dataset could not be loaded from the
          catalog: {related.error.message}
        </Alert>
      )}
      <Typography variant="subtitle2">Producers</Typography>
      <PartiesTable
        label="Producers"
        parties={partiesOf(dataset.producers, related.value?.producers ?? [])}
      />
      <Typography variant="subtitle2">Consumers</Typography>
      <PartiesTable
        label="Consumers"
        parties={partiesOf(dataset.consumers, related.value?.consumers ?? [])}
      />
    </InfoCard>
  );
}
