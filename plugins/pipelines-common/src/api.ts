import { RunState } from './runStates';

/**
 * A pipeline as the pipelines API returns it.
 *
 * @public
 */
export interface Pipeline {
  /** `<source>:<name>`, stable across polls and events. */
  id: string;
  /** Where the pipeline comes from: a scheduler instance or an OpenLineage namespace. */
  source: string;
  namespace: string;
  name: string;
  title?: string;
  description?: string;
  /** Catalog entity ref of the owner, when known. */
  owner?: string;
  system?: string;
  schedule?: string;
  freshnessTarget?: string;
  entityRef?: string;
  sourceUrl?: string;
  firstSeenAt: string;
  lastSeenAt: string;
  latestRunState?: RunState;
  latestRunAt?: string;
}

/** @public */
export interface ListPipelinesResponse {
  items: Pipeline[];
  totalCount: number;
  offset: number;
  limit: number;
}

/**
 * Query parameters of `GET /pipelines`.
 *
 * @public
 */
export interface ListPipelinesQuery {
  offset?: number;
  limit?: number;
  /** Case-insensitive substring of id, name or title. */
  search?: string;
  owner?: string;
  source?: string;
  state?: RunState;
}

/** @public */
export const LIST_PIPELINES_DEFAULT_LIMIT = 50;
/** @public */
export const LIST_PIPELINES_MAX_LIMIT = 500;
