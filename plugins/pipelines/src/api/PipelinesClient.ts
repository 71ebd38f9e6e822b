import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  Backfill,
  BackfillCreateRequest,
  BackfillPlan,
  BackfillPlanRequest,
  ColumnLineageEntry,
  DatasetDetails,
  LineageResponse,
  ListPipelinesQuery,
  ListBackfillsResponse,
  ListPipelinesResponse,
  ListQualityMetricsResponse,
  ListRunsResponse,
  ListSourcesResponse,
  OwnerHealth,
  Pipeline,
  QualityResult,
  Run,
} from '@tributary/plugin-pipelines-common';
import { LineageQuery, ListRunsQuery, PipelinesApi } from './PipelinesApi';

type QueryValue = string | number | boolean | string[] | undefined;

/**
 * `?a=1&b=x` from the set values; lists are sent comma-separated, flags as
 * `true` when set and left out when not.
 */
function queryString(query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    const text = Array.isArray(value) ? value.join(',') : value;
    if (text !== undefined && text !== '' && text !== false) {
      params.set(key, String(text));
    }
  }
  return params.size > 0 ? `?${params}` : '';
}

const segment = encodeURIComponent;

/**
 * Talks to the pipelines backend over HTTP with the signed-in user's credentials.
 *
 * @public
 */
export class PipelinesClient implements PipelinesApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  listPipelines(
    query: ListPipelinesQuery = {},
  ): Promise<ListPipelinesResponse> {
    return this.get(`/v1/pipelines${queryString({ ...query })}`);
  }

  listSources(): Promise<ListSourcesResponse> {
    return this.get('/v1/sources');
  }

  getPipeline(id: string): Promise<Pipeline> {
    return this.get(`/v1/pipelines/${segment(id)}`);
  }

  listRuns(
    pipelineId: string,
    query: ListRunsQuery = {},
  ): Promise<ListRunsResponse> {
    return this.get(
      `/v1/pipelines/${segment(pipelineId)}/runs${queryString({ ...query })}`,
    );
  }

  getRun(runId: string): Promise<Run> {
    return this.get(`/v1/runs/${segment(runId)}`);
  }

  getDataset(id: string): Promise<DatasetDetails> {
    return this.get(`/v1/datasets/${segment(id)}`);
  }

  listColumnLineage(
    datasetId: string,
    field?: string,
  ): Promise<{ items: ColumnLineageEntry[] }> {
    return this.get(
      `/v1/datasets/${segment(datasetId)}/column-lineage${queryString({
        field,
      })}`,
    );
  }

  listQualityResults(
    datasetId: string,
    limit?: number,
  ): Promise<{ items: QualityResult[] }> {
    return this.get(
      `/v1/datasets/${segment(datasetId)}/quality${queryString({ limit })}`,
    );
  }

  listQualityMetrics(
    datasetId: string,
    limit?: number,
  ): Promise<ListQualityMetricsResponse> {
    return this.get(
      `/v1/datasets/${segment(datasetId)}/metrics${queryString({ limit })}`,
    );
  }

  getLineage(query: LineageQuery): Promise<LineageResponse> {
    return this.get(`/v1/lineage${queryString({ ...query })}`);
  }

  planBackfill(
    pipelineId: string,
    request: BackfillPlanRequest,
  ): Promise<BackfillPlan> {
    return this.post(
      `/v1/pipelines/${segment(pipelineId)}/backfills/plan`,
      request,
    );
  }

  createBackfill(
    pipelineId: string,
    request: BackfillCreateRequest,
  ): Promise<Backfill> {
    return this.post(`/v1/pipelines/${segment(pipelineId)}/backfills`, request);
  }

  listBackfills(pipelineId: string): Promise<ListBackfillsResponse> {
    return this.get(`/v1/pipelines/${segment(pipelineId)}/backfills`);
  }

  getBackfill(backfillId: string): Promise<Backfill> {
    return this.get(`/v1/backfills/${segment(backfillId)}`);
  }

  cancelBackfill(backfillId: string): Promise<Backfill> {
    return this.post(`/v1/backfills/${segment(backfillId)}/cancel`);
  }

  getOwnerHealth(owners: string[]): Promise<OwnerHealth> {
    return this.get(`/v1/health${queryString({ owner: owners })}`);
  }

  private get<T>(path: string): Promise<T> {
    return this.request(path);
  }

  private post<T>(path: string, body?: unknown): Promise<T> {
    return this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('pipelines');
    const url = `${baseUrl}${path}`;
    const response = await (init
      ? this.fetchApi.fetch(url, init)
      : this.fetchApi.fetch(url));
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
