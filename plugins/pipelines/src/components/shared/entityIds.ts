import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_DATASET_ID,
  ANNOTATION_PIPELINE_ID,
} from '@tributary/plugin-pipelines-common';

/** The pipelines plugin's id of a `data-pipeline` Component, if it is one. */
export function pipelineIdOf(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[ANNOTATION_PIPELINE_ID];
}

/** The pipelines plugin's id of a `dataset` API, if it is one. */
export function datasetIdOf(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[ANNOTATION_DATASET_ID];
}
