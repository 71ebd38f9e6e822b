import {
  LIST_PIPELINES_DEFAULT_LIMIT,
  RUN_STATES,
} from '@tributary/plugin-pipelines-common';
import { ListPipelinesOptions } from '../store/PipelinesStore';
import { parseQuery } from './queryParameters';

/** Latest runs a list answers per pipeline at most. */
export const MAX_RECENT_RUNS = 30;

/** Turns the list endpoint's query string into store options, or a 400. */
export function parseListPipelinesQuery(
  query: Record<string, unknown>,
  maxLimit: number,
): ListPipelinesOptions {
  const parsed = parseQuery(query, {
    offset: { type: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER },
    limit: { type: 'integer', min: 1, max: maxLimit },
    search: { type: 'string' },
    owner: { type: 'string' },
    source: { type: 'string' },
    state: { type: 'enum', values: RUN_STATES },
    recentRuns: { type: 'integer', min: 0, max: MAX_RECENT_RUNS },
    late: { type: 'enum', values: ['true', 'false'] },
  });
  const { owner, late, ...rest } = parsed;
  return {
    ...rest,
    ...(late === 'true' ? { late: true } : {}),
    owners: owner
      ?.split(',')
      .map(ref => ref.trim())
      .filter(Boolean),
    offset: parsed.offset ?? 0,
    limit: parsed.limit ?? Math.min(LIST_PIPELINES_DEFAULT_LIMIT, maxLimit),
  };
}
