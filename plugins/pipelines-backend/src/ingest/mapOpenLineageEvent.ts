import { createHash } from 'node:crypto';
import {
  ColumnQualityMetrics,
  DatasetField,
  RunState,
} from '@tributary/plugin-pipelines-common';
import { PipelineUpsert } from '../store/PipelinesStore';
import { compareStrings } from '../store/mergeWrites';
import { OpenLineageEvent } from './openLineageTypes';
import {
  emptyStoreWrites,
  QualityMetricsUpsert,
  StateRank,
  StoreWrites,
} from '../store/StoreWrites';

/* The parts of a validated OpenLineage event this mapping reads. */
type Facets = Record<string, any>;
interface OlJob {
  namespace: string;
  name: string;
  facets?: Facets;
}
interface OlDataset {
  namespace: string;
  name: string;
  facets?: Facets;
  inputFacets?: Facets;
  outputFacets?: Facets;
}
interface OlEvent {
  eventType?: string;
  eventTime: string;
  run?: { runId: string; facets?: Facets };
  job?: OlJob;
  dataset?: OlDataset;
  inputs?: OlDataset[];
  outputs?: OlDataset[];
}

const RUN_STATES: Record<string, { state: RunState; rank: StateRank }> = {
  START: { state: 'running', rank: 0 },
  RUNNING: { state: 'running', rank: 0 },
  COMPLETE: { state: 'succeeded', rank: 1 },
  FAIL: { state: 'failed', rank: 1 },
  ABORT: { state: 'aborted', rank: 1 },
};

export function pipelineIdOf(job: { namespace: string; name: string }): string {
  return `${job.namespace}:${job.name}`;
}

export function datasetIdOf(dataset: {
  namespace: string;
  name: string;
}): string {
  return `${dataset.namespace}/${dataset.name}`;
}

/** The storage or engine behind a dataset namespace, e.g. `bigquery`, `kafka`. */
export function platformOf(namespace: string): string | undefined {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(namespace)?.[1];
  return scheme?.toLowerCase();
}

/** Sorts in place: no copy, as Array.prototype.sort makes, for a few keys. */
function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort(compareStrings);
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
}

const NOT_COPYABLE = Symbol('not copyable');

/**
 * A copy whose objects have their keys inserted in sorted order, which the
 * native JSON.stringify keeps; NOT_COPYABLE when an object would not keep
 * it: integer-like keys go first in numeric order, `__proto__` is no key.
 */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = sortedCopy(value[i]);
      if (item === NOT_COPYABLE) return NOT_COPYABLE;
      copy[i] = item;
    }
    return copy;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  sortKeys(keys);
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    const first = key.charCodeAt(0);
    if ((first >= 48 && first <= 57) || key === '__proto__') {
      return NOT_COPYABLE;
    }
    const item = sortedCopy(record[key]);
    if (item === NOT_COPYABLE) return NOT_COPYABLE;
    copy[key] = item;
  }
  return copy;
}

/** Canonical JSON written piece by piece, for what sortedCopy cannot copy. */
function buildCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      text += buildCanonicalJson(value[i]);
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  sortKeys(keys);
  let text = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item !== undefined) {
      if (!first) text += ',';
      first = false;
      text += `${JSON.stringify(key)}:${buildCanonicalJson(item)}`;
    }
  }
  return `${text}}`;
}

/** JSON with sorted keys, so the same event hashes the same however it is written. */
export function canonicalJson(value: unknown): string {
  // A sorted copy through the native serializer: a fifth of the garbage, and
  // faster, than writing the text here.
  const copy = sortedCopy(value);
  return copy === NOT_COPYABLE
    ? buildCanonicalJson(value)
    : JSON.stringify(copy) ?? 'null';
}

function parseTime(text: unknown): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function ownersOf(facets: Facets | undefined): string[] | undefined {
  const owners = facets?.ownership?.owners;
  if (!Array.isArray(owners)) return undefined;
  const names = owners
    .map((owner: any) => (typeof owner?.name === 'string' ? owner.name : ''))
    .filter(Boolean);
  return names.length > 0 ? names : undefined;
}

function schemaOf(facets: Facets | undefined): DatasetField[] | undefined {
  const fields = facets?.schema?.fields;
  if (!Array.isArray(fields)) return undefined;
  return fields
    .filter((f: any) => typeof f?.name === 'string')
    .map((f: any) => ({
      name: f.name,
      type: typeof f.type === 'string' ? f.type : undefined,
      description:
        typeof f.description === 'string' ? f.description : undefined,
    }));
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function finiteOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

/** Counts fit the columns they are stored in, or are dropped. */
function countOrUndefined(value: unknown, max: number): number | undefined {
  return Number.isSafeInteger(value) &&
    (value as number) >= 0 &&
    (value as number) <= max
    ? (value as number)
    : undefined;
}

const MAX_INT = 2_147_483_647;

function columnMetricsOf(
  value: unknown,
): Record<string, ColumnQualityMetrics> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const columns: Record<string, ColumnQualityMetrics> = {};
  for (const [column, raw] of Object.entries<any>(value)) {
    if (!raw || typeof raw !== 'object') continue;
    const metrics: ColumnQualityMetrics = {
      nullCount: finiteOrUndefined(raw.nullCount),
      distinctCount: finiteOrUndefined(raw.distinctCount),
      sum: finiteOrUndefined(raw.sum),
      count: finiteOrUndefined(raw.count),
      min: finiteOrUndefined(raw.min),
      max: finiteOrUndefined(raw.max),
    };
    if (raw.quantiles && typeof raw.quantiles === 'object') {
      const quantiles: Record<string, number> = {};
      for (const [quantile, quantileValue] of Object.entries(raw.quantiles)) {
        const parsed = finiteOrUndefined(quantileValue);
        if (parsed !== undefined) quantiles[quantile] = parsed;
      }
      if (Object.keys(quantiles).length > 0) metrics.quantiles = quantiles;
    }
    const defined = Object.fromEntries(
      Object.entries(metrics).filter(([, v]) => v !== undefined),
    ) as ColumnQualityMetrics;
    if (Object.keys(defined).length > 0) columns[column] = defined;
  }
  return Object.keys(columns).length > 0 ? columns : undefined;
}

/** A `dataQualityMetrics` facet's content, without the run's identity. */
function qualityMetricsOf(
  facet: any,
):
  | Pick<QualityMetricsUpsert, 'rowCount' | 'bytes' | 'fileCount' | 'columns'>
  | undefined {
  if (!facet || typeof facet !== 'object') return undefined;
  return {
    rowCount: countOrUndefined(facet.rowCount, Number.MAX_SAFE_INTEGER),
    bytes: countOrUndefined(facet.bytes, Number.MAX_SAFE_INTEGER),
    fileCount: countOrUndefined(facet.fileCount, MAX_INT),
    columns: columnMetricsOf(facet.columnMetrics),
  };
}

/**
 * Turns one validated OpenLineage event into the store writes it implies. Pure:
 * the same event always gives the same writes.
 */
export function mapOpenLineageEvent(
  validatedEvent: OpenLineageEvent,
  receivedAt: Date,
): StoreWrites {
  // Facets are read defensively: their contents were not schema-checked.
  const event = validatedEvent as unknown as OlEvent;
  const writes = emptyStoreWrites();
  const eventTime = parseTime(event.eventTime) ?? receivedAt;
  const payload = canonicalJson(event);

  writes.rawEvents.push({
    id: createHash('sha256').update(payload).digest('hex'),
    eventType: event.eventType,
    eventTime,
    runId: event.run?.runId,
    job: event.job ? pipelineIdOf(event.job) : undefined,
    receivedAt,
    payload,
  });

  const addDataset = (dataset: OlDataset, written?: { runId: string }) => {
    const id = datasetIdOf(dataset);
    writes.datasets.push({
      id,
      namespace: dataset.namespace,
      name: dataset.name,
      platform: platformOf(dataset.namespace),
      description: stringOrUndefined(
        dataset.facets?.documentation?.description,
      ),
      schema: schemaOf(dataset.facets),
      sourceOwners: ownersOf(dataset.facets),
      seenAt: eventTime,
      writtenAt: written ? eventTime : undefined,
      writtenByRun: written?.runId,
    });
    const symlinks = dataset.facets?.symlinks?.identifiers;
    if (Array.isArray(symlinks)) {
      for (const link of symlinks) {
        if (
          typeof link?.namespace === 'string' &&
          typeof link?.name === 'string'
        ) {
          const aliasId = datasetIdOf(link);
          if (aliasId !== id) {
            writes.datasetAliases.push({ aliasId, datasetId: id });
          }
        }
      }
    }
    return id;
  };

  if (event.dataset && !event.job) {
    addDataset(event.dataset);
    return writes;
  }
  if (!event.job) {
    return writes;
  }

  const job = event.job;
  const pipelineId = pipelineIdOf(job);
  const runFacets = event.run?.facets ?? {};
  const parent = runFacets.parent;
  const parentJob =
    typeof parent?.job?.namespace === 'string' &&
    typeof parent?.job?.name === 'string'
      ? { namespace: parent.job.namespace, name: parent.job.name }
      : undefined;

  const pipeline: PipelineUpsert = {
    id: pipelineId,
    source: job.namespace,
    namespace: job.namespace,
    name: job.name,
    description: stringOrUndefined(job.facets?.documentation?.description),
    sourceUrl:
      stringOrUndefined(job.facets?.sourceCodeLocation?.url) ??
      stringOrUndefined(job.facets?.sourceCodeLocation?.repoUrl),
    sourceOwners: ownersOf(job.facets),
    jobType: stringOrUndefined(job.facets?.jobType?.jobType),
    parentPipelineId: parentJob ? pipelineIdOf(parentJob) : undefined,
    seenAt: eventTime,
  };
  writes.pipelines.push(pipeline);
  if (parentJob && pipeline.parentPipelineId !== pipelineId) {
    writes.pipelines.push({
      id: pipelineIdOf(parentJob),
      source: parentJob.namespace,
      namespace: parentJob.namespace,
      name: parentJob.name,
      seenAt: eventTime,
    });
  }

  const runId = event.run?.runId;
  const stateInfo = event.eventType ? RUN_STATES[event.eventType] : undefined;
  const nominalStart = parseTime(runFacets.nominalTime?.nominalStartTime);
  if (runId) {
    writes.runs.push({
      id: runId,
      pipelineId,
      parentRunId: stringOrUndefined(parent?.run?.runId),
      partitionTime: nominalStart,
      partitionEndTime: parseTime(runFacets.nominalTime?.nominalEndTime),
      state: stateInfo?.state ?? 'unknown',
      sourceState: event.eventType,
      stateRank: stateInfo?.rank ?? -1,
      stateTime: stateInfo ? eventTime : undefined,
      startedAt:
        event.eventType === 'START' || event.eventType === 'RUNNING'
          ? eventTime
          : undefined,
      endedAt: stateInfo?.rank === 1 ? eventTime : undefined,
      firstEventTime: eventTime,
      errorMessage: stringOrUndefined(runFacets.errorMessage?.message),
    });
  }

  const addQualityMetrics = (datasetId: string, facet: unknown) => {
    const metrics = qualityMetricsOf(facet);
    if (runId && metrics) {
      writes.qualityMetrics.push({
        runId,
        datasetId,
        partitionTime: nominalStart,
        observedAt: eventTime,
        ...metrics,
      });
    }
  };

  const completed = event.eventType === 'COMPLETE';
  for (const input of event.inputs ?? []) {
    const datasetId = addDataset(input);
    writes.lineageEdges.push({
      pipelineId,
      datasetId,
      direction: 'input',
      seenAt: eventTime,
    });
    // The input facet of the spec, else the dataset facet.
    addQualityMetrics(
      datasetId,
      input.inputFacets?.dataQualityMetrics ?? input.facets?.dataQualityMetrics,
    );
    // dbt puts assertions into `facets`, the spec into `inputFacets`.
    const assertions =
      input.inputFacets?.dataQualityAssertions?.assertions ??
      input.facets?.dataQualityAssertions?.assertions;
    if (runId && Array.isArray(assertions)) {
      for (const assertion of assertions) {
        if (
          typeof assertion?.assertion === 'string' &&
          typeof assertion?.success === 'boolean'
        ) {
          writes.qualityResults.push({
            runId,
            datasetId,
            assertion: assertion.assertion,
            column: stringOrUndefined(assertion.column),
            success: assertion.success,
            partitionTime: nominalStart,
            observedAt: eventTime,
          });
        }
      }
    }
  }
  for (const output of event.outputs ?? []) {
    const datasetId = addDataset(
      output,
      completed && runId ? { runId } : undefined,
    );
    writes.lineageEdges.push({
      pipelineId,
      datasetId,
      direction: 'output',
      seenAt: eventTime,
    });
    addQualityMetrics(datasetId, output.facets?.dataQualityMetrics);
    const fields = output.facets?.columnLineage?.fields;
    if (fields && typeof fields === 'object') {
      for (const [field, lineage] of Object.entries<any>(fields)) {
        for (const inputField of lineage?.inputFields ?? []) {
          if (
            typeof inputField?.namespace !== 'string' ||
            typeof inputField?.name !== 'string' ||
            typeof inputField?.field !== 'string'
          ) {
            continue;
          }
          const inputDatasetId = datasetIdOf(inputField);
          writes.datasets.push({
            id: inputDatasetId,
            namespace: inputField.namespace,
            name: inputField.name,
            platform: platformOf(inputField.namespace),
            seenAt: eventTime,
          });
          writes.columnLineage.push({
            datasetId,
            field,
            inputDatasetId,
            inputField: inputField.field,
            transformations: Array.isArray(inputField.transformations)
              ? inputField.transformations
              : undefined,
            seenAt: eventTime,
          });
        }
      }
    }
  }
  return writes;
}
