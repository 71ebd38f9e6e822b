import {
  isRunState,
  ListPipelinesQuery,
  ListPipelinesResponse,
} from '@tributary/plugin-pipelines-common';
import { PipelinesApi } from '../../api';

export const ROWS_PER_PAGE_OPTIONS = [25, 50, 100];
export const RECENT_RUNS = 14;

/** The filters, as the URL keeps them. */
export interface Filters {
  search: string;
  mine: boolean;
  owner: string;
  source: string;
  state: string;
  /** Only pipelines past a freshness deadline. */
  late: boolean;
  page: number;
  size: number;
}

export function readFilters(params: URLSearchParams): Filters {
  const size = Number(params.get('size'));
  return {
    search: params.get('q') ?? '',
    mine: params.get('owned') === 'mine',
    owner: params.get('owner') ?? '',
    source: params.get('source') ?? '',
    state: isRunState(params.get('state')) ? params.get('state')! : '',
    late: params.get('late') === '1',
    page: Math.max(0, Number(params.get('page')) || 0),
    size: ROWS_PER_PAGE_OPTIONS.includes(size)
      ? size
      : ROWS_PER_PAGE_OPTIONS[1],
  };
}

/** The page of pipelines the filters ask for; `owners` for "mine". */
export function pipelinesQuery(
  filters: Filters,
  owners?: string[],
): ListPipelinesQuery {
  return {
    offset: filters.page * filters.size,
    limit: filters.size,
    search: filters.search || undefined,
    owner: owners ?? (filters.owner || undefined),
    source: filters.source || undefined,
    state: isRunState(filters.state) ? filters.state : undefined,
    late: filters.late || undefined,
    recentRuns: RECENT_RUNS,
  };
}

/** How long a prefetched page may wait for the table before it is stale. */
const PREFETCH_TTL_MS = 10_000;

let prefetched:
  | {
      key: string;
      at: number;
      answer: Promise<ListPipelinesResponse>;
      /** The answer, once it came. */
      value?: ListPipelinesResponse;
    }
  | undefined;

/** The prefetched answer if it is for `query` and fresh. */
function freshFor(query: ListPipelinesQuery) {
  const ready = prefetched;
  return ready &&
    ready.key === JSON.stringify(query) &&
    Date.now() - ready.at < PREFETCH_TTL_MS
    ? ready
    : undefined;
}

/**
 * Asks for the page of pipelines that `search` (the URL's query) shows while
 * the page's code still loads: on a full page load the answer is there by the
 * time the table is. Not for "mine", which needs the user's groups first.
 */
export function prefetchFirstPage(api: PipelinesApi, search: string): void {
  const filters = readFilters(new URLSearchParams(search));
  if (filters.mine) {
    return;
  }
  const query = pipelinesQuery(filters);
  const answer = api.listPipelines(query);
  const entry = { key: JSON.stringify(query), at: Date.now(), answer };
  prefetched = entry;
  answer.then(
    value => Object.assign(entry, { value }),
    () => {}, // The table asks again and shows the error.
  );
}

/**
 * The prefetched page of `query` if it has come and is fresh, for the
 * table's first drawing; `listPipelinesOnce` still takes it.
 */
export function readyFirstPage(
  query: ListPipelinesQuery,
): ListPipelinesResponse | undefined {
  return freshFor(query)?.value;
}

/**
 * The pipelines of `query`: the prefetched answer once if it is for this
 * query and fresh, else a new request.
 */
export function listPipelinesOnce(
  api: PipelinesApi,
  query: ListPipelinesQuery,
): Promise<ListPipelinesResponse> {
  const ready = freshFor(query);
  prefetched = undefined;
  if (ready) {
    return ready.answer.catch(() => api.listPipelines(query));
  }
  return api.listPipelines(query);
}
