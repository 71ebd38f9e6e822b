import { Entity } from '@backstage/catalog-model';
import { PIPELINE_COMPONENT_TYPE } from '@tributary/plugin-pipelines-common';

/** For the entity-content filter: the Components the pipeline tab belongs on. */
export function isPipelineEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    entity.spec?.type === PIPELINE_COMPONENT_TYPE
  );
}
