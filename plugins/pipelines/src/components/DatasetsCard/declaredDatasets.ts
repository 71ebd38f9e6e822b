import {
  Entity,
  RELATION_CONSUMES_API,
  RELATION_PROVIDES_API,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { getEntityRelations } from '@backstage/plugin-catalog-react';
import { isDatasetEntity } from '../DatasetTab/isDatasetEntity';

/** A dataset a component declares, and which way the data flows. */
export interface DeclaredDataset {
  entity: Entity;
  entityRef: string;
  reads: boolean;
  writes: boolean;
}

/** Refs of the APIs a component consumes (reads) and provides (writes). */
export function declaredApiRefs(component: Entity): {
  reads: string[];
  writes: string[];
} {
  const refs = (relation: string) =>
    getEntityRelations(component, relation).map(ref => stringifyEntityRef(ref));
  return {
    reads: refs(RELATION_CONSUMES_API),
    writes: refs(RELATION_PROVIDES_API),
  };
}

/** The dataset APIs among the fetched ones, by title. */
export function declaredDatasets(
  refs: { reads: string[]; writes: string[] },
  apis: Array<Entity | undefined>,
): DeclaredDataset[] {
  return apis
    .filter((api): api is Entity => !!api && isDatasetEntity(api))
    .map(entity => {
      const entityRef = stringifyEntityRef(entity);
      return {
        entity,
        entityRef,
        reads: refs.reads.includes(entityRef),
        writes: refs.writes.includes(entityRef),
      };
    })
    .sort((a, b) =>
      (a.entity.metadata.title ?? a.entity.metadata.name).localeCompare(
        b.entity.metadata.title ?? b.entity.metadata.name,
      ),
    );
}
