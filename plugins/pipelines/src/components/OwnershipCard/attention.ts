import { Pipeline } from '@tributary/plugin-pipelines-common';

/**
 * Where a pipeline goes in an owner's list: lower ranks first. Failing, then
 * late against its freshness target, then the rest, healthy ones last.
 */
export function attentionRank(pipeline: Pipeline): number {
  if (pipeline.latestRunState === 'failed') {
    return 0;
  }
  if (pipeline.late) {
    return 1;
  }
  return pipeline.latestRunState === 'succeeded' && !pipeline.stale ? 3 : 2;
}

/** Failing first, then late, healthy last, by name within each rank. */
export function sortByAttention(pipelines: Pipeline[]): Pipeline[] {
  return [...pipelines].sort(
    (a, b) =>
      attentionRank(a) - attentionRank(b) ||
      (a.title ?? a.name).localeCompare(b.title ?? b.name),
  );
}

/** The pipelines of every list, each once, in the order first seen. */
export function mergeById(...lists: Pipeline[][]): Pipeline[] {
  const seen = new Set<string>();
  return lists.flat().filter(p => {
    if (seen.has(p.id)) {
      return false;
    }
    seen.add(p.id);
    return true;
  });
}
