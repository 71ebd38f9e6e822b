import { Pipeline } from '@tributary/plugin-pipelines-common';

/**
 * Where a pipeline goes in an owner's list: lower ranks first. Lateness
 * against a freshness target is not reported by the API yet; when it is, late
 * pipelines get rank 1, after failing ones and before the rest.
 */
export function attentionRank(pipeline: Pipeline): number {
  switch (pipeline.latestRunState) {
    case 'failed':
      return 0;
    case 'succeeded':
      return 3;
    default:
      return 2;
  }
}

/** Failing first, healthy last, by name within each rank. */
export function sortByAttention(pipelines: Pipeline[]): Pipeline[] {
  return [...pipelines].sort(
    (a, b) =>
      attentionRank(a) - attentionRank(b) ||
      (a.title ?? a.name).localeCompare(b.title ?? b.name),
  );
}

/** The failing pipelines and the others, each once. */
export function withFailing(failing: Pipeline[], all: Pipeline[]): Pipeline[] {
  const ids = new Set(failing.map(p => p.id));
  return [...failing, ...all.filter(p => !ids.has(p.id))];
}
