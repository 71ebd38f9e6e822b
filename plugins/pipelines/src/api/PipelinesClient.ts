import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ListPipelinesQuery,
  ListPipelinesResponse,
} from '@tributary/plugin-pipelines-common';
import { PipelinesApi } from './PipelinesApi';

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

  async listPipelines(
    query: ListPipelinesQuery = {},
  ): Promise<ListPipelinesResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') {
        params.set(key, String(value));
      }
    }
    const suffix = params.size > 0 ? `?${params}` : '';
    return this.get<ListPipelinesResponse>(`/v1/pipelines${suffix}`);
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('pipelines');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
