import { Entity } from '@backstage/catalog-model';
import { DATASET_API_TYPE } from '@tributary/plugin-pipelines-common';

/** Whether the entity is a dataset: an API of type `dataset`. */
export function isDatasetEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'api' &&
    entity.spec?.type === DATASET_API_TYPE
  );
}
