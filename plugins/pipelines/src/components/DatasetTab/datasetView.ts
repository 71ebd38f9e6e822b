import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  PIPELINE_COMPONENT_TYPE,
  PipelineSummary,
  QualityResult,
} from '@tributary/plugin-pipelines-common';
import { pipelineIdOf } from '../shared/entityIds';

/** A producer or consumer of a dataset. */
export type DatasetParty =
  | { kind: 'pipeline'; pipeline: PipelineSummary; entityRef?: string }
  | { kind: 'service'; entity: Entity; entityRef: string; type: string };

/**
 * The pipelines the backend knows (they carry run state), linked to their
 * catalog entities where the catalog has them, then the other catalog
 * Components on the same side of the dataset: services that declare it.
 */
export function partiesOf(
  pipelines: PipelineSummary[],
  related: Entity[],
): DatasetParty[] {
  const pipelineRefs = new Map<string, string>();
  const services: DatasetParty[] = [];
  for (const entity of related) {
    const pipelineId = pipelineIdOf(entity);
    if (entity.spec?.type === PIPELINE_COMPONENT_TYPE) {
      if (pipelineId) {
        pipelineRefs.set(pipelineId, stringifyEntityRef(entity));
      }
    } else {
      services.push({
        kind: 'service',
        entity,
        entityRef: stringifyEntityRef(entity),
        type: String(entity.spec?.type ?? entity.kind),
      });
    }
  }
  return [
    ...pipelines.map(pipeline => ({
      kind: 'pipeline' as const,
      pipeline,
      entityRef: pipelineRefs.get(pipeline.id),
    })),
    ...services,
  ];
}

/** Failures first, each group newest first. */
export function sortQualityResults(results: QualityResult[]): QualityResult[] {
  return [...results].sort(
    (a, b) =>
      Number(a.success) - Number(b.success) ||
      b.observedAt.localeCompare(a.observedAt),
  );
}

/**
 * OpenLineage column-lineage transformations (`{ type, subtype }`) as short
 * text, e.g. "IDENTITY, AGGREGATION"; the API leaves their shape open.
 */
export function describeTransformations(transformations?: unknown[]): string {
  const names = (transformations ?? []).flatMap(t => {
    const { type, subtype } = (t ?? {}) as Record<string, unknown>;
    const name = subtype ?? type;
    return typeof name === 'string' ? [name] : [];
  });
  return names.length > 0 ? names.join(', ') : '—';
}

/** How the assertions of the latest run that checked the dataset went. */
export interface LatestRunQuality {
  runId: string;
  failed: number;
  total: number;
}

/** The latest run is the one of the latest observed result. */
export function latestRunQuality(
  results: QualityResult[],
): LatestRunQuality | undefined {
  if (results.length === 0) {
    return undefined;
  }
  const latest = results.reduce((a, b) =>
    b.observedAt > a.observedAt ? b : a,
  );
  const ofRun = results.filter(r => r.runId === latest.runId);
  return {
    runId: latest.runId,
    failed: ofRun.filter(r => !r.success).length,
    total: ofRun.length,
  };
}
