import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  ApiEntity,
  ComponentEntity,
  EntityLink,
  makeValidator,
} from '@backstage/catalog-model';
import {
  ANNOTATION_DATASET_ID,
  ANNOTATION_PIPELINE_ID,
  CatalogDataset,
  CatalogPipeline,
  DATASET_API_TYPE,
  DatasetField,
  PIPELINE_COMPONENT_TYPE,
} from '@tributary/plugin-pipelines-common';
import {
  datasetEntityName,
  datasetNameOfId,
  pipelineEntityName,
} from './entityNames';
import { toHttpUrl } from './sourceLocations';

/** Spec values for entities whose source does not say. */
export interface EntityDefaults {
  owner: string;
  lifecycle: string;
  system?: string;
}

export interface EntityContext {
  /** Names the location annotations, so the catalog shows who manages them. */
  providerName: string;
  defaults: EntityDefaults;
}

const SCHEDULER_TITLES: Record<string, string> = {
  airflow: 'Airflow',
  flyte: 'Flyte',
  luigi: 'Luigi',
  styx: 'Styx',
};

const { isValidTag } = makeValidator();

/** The full entity ref of a dataset's API entity. */
export function datasetEntityRef(datasetId: string): string {
  return `api:default/${datasetEntityName(datasetId)}`;
}

/**
 * A pipeline as a `data-pipeline` Component: it provides the datasets it
 * writes and consumes those it reads, so the catalog's own API relations link
 * it to its datasets and to the services that declare them.
 *
 * @param serviceRef - the service Component whose repository holds the
 *   pipeline's code. It becomes `spec.subcomponentOf`, which the catalog turns
 *   into `partOf`/`hasPart` relations: the service page's "Has subcomponents"
 *   card and the catalog graph show them without any plugin.
 */
export function pipelineToEntity(
  pipeline: CatalogPipeline,
  context: EntityContext,
  serviceRef?: string,
): ComponentEntity {
  const schedulerType = pipeline.source.split(':')[0].toLowerCase();
  const schedulerTitle = SCHEDULER_TITLES[schedulerType];
  const sourceUrl = pipeline.sourceUrl && toHttpUrl(pipeline.sourceUrl);
  const links: EntityLink[] = [];
  if (pipeline.schedulerUrl && isHttpUrl(pipeline.schedulerUrl)) {
    links.push({
      url: pipeline.schedulerUrl,
      title: `Open in ${schedulerTitle ?? 'scheduler'}`,
    });
  }
  const system = pipeline.system ?? context.defaults.system;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: pipelineEntityName(pipeline),
      title: pipeline.title ?? pipeline.name,
      ...(pipeline.description && { description: pipeline.description }),
      annotations: {
        ...locationAnnotations(context, pipeline.id),
        [ANNOTATION_PIPELINE_ID]: pipeline.id,
        ...(sourceUrl && {
          [ANNOTATION_SOURCE_LOCATION]: `url:${sourceUrl.href}`,
        }),
      },
      ...(schedulerTitle &&
        isValidTag(schedulerType) && { tags: [schedulerType] }),
      ...(links.length > 0 && { links }),
    },
    spec: {
      type: PIPELINE_COMPONENT_TYPE,
      lifecycle: context.defaults.lifecycle,
      owner: pipeline.owner ?? context.defaults.owner,
      ...(system && { system }),
      ...(serviceRef && { subcomponentOf: serviceRef }),
      providesApis: uniqueDatasetRefs(pipeline.outputs),
      consumesApis: uniqueDatasetRefs(pipeline.inputs),
    },
  };
}

/** A dataset as a `dataset` API whose definition is its schema. */
export function datasetToEntity(
  dataset: CatalogDataset,
  context: EntityContext,
): ApiEntity {
  const system = context.defaults.system;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: datasetEntityName(dataset.id),
      title: dataset.name || datasetNameOfId(dataset.id),
      ...(dataset.description && { description: dataset.description }),
      annotations: {
        ...locationAnnotations(context, dataset.id),
        [ANNOTATION_DATASET_ID]: dataset.id,
      },
    },
    spec: {
      type: DATASET_API_TYPE,
      lifecycle: context.defaults.lifecycle,
      owner: dataset.owner ?? context.defaults.owner,
      ...(system && { system }),
      definition: datasetDefinition(dataset),
    },
  };
}

/**
 * The schema as text, one line per column: `name: TYPE - description`. The
 * catalog requires a definition, so a dataset without a schema gets a line
 * that says so.
 */
export function datasetDefinition(dataset: CatalogDataset): string {
  if (!dataset.schema?.length) {
    const platform = dataset.platform ? ` (${dataset.platform})` : '';
    return `Dataset ${dataset.name} in ${dataset.namespace}${platform}, no schema reported yet.`;
  }
  return `${dataset.schema.map(columnLine).join('\n')}\n`;
}

function columnLine(field: DatasetField): string {
  const type = field.type ? `: ${field.type}` : '';
  const description = field.description
    ? ` - ${field.description.replace(/\s+/g, ' ').trim()}`
    : '';
  return `${field.name}${type}${description}`;
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

function locationAnnotations(
  context: EntityContext,
  sourceId: string,
): Record<string, string> {
  const location = `${context.providerName}:${sourceId}`;
  return {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
  };
}

function uniqueDatasetRefs(datasetIds: string[]): string[] {
  return [...new Set(datasetIds.map(datasetEntityRef))];
}
