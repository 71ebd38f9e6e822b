import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CatalogDataset,
  CatalogExportPage,
  CatalogPipeline,
} from '@tributary/plugin-pipelines-common';

/** Query parameters of the pipelines backend's catalog export endpoints. */
export interface CatalogExportQuery {
  /** Page size, 1 to 5000; the backend's default (1000) when absent. */
  limit?: number;
  /** The previous page's `nextCursor`. */
  after?: string;
  /** ISO-8601: only what changed at or after this time. */
  changedSince?: string;
}

/** Where the entity provider reads pipelines and datasets from. */
export interface PipelinesCatalogSource {
  listPipelines(
    query: CatalogExportQuery,
  ): Promise<CatalogExportPage<CatalogPipeline>>;
  listDatasets(
    query: CatalogExportQuery,
  ): Promise<CatalogExportPage<CatalogDataset>>;
}

/** Reads the catalog export of the pipelines backend plugin over HTTP. */
export class HttpPipelinesCatalogSource implements PipelinesCatalogSource {
  static create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
  }): HttpPipelinesCatalogSource {
    return new HttpPipelinesCatalogSource(options.discovery, options.auth);
  }

  private constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  listPipelines(
    query: CatalogExportQuery,
  ): Promise<CatalogExportPage<CatalogPipeline>> {
    return this.get('pipelines', query);
  }

  listDatasets(
    query: CatalogExportQuery,
  ): Promise<CatalogExportPage<CatalogDataset>> {
    return this.get('datasets', query);
  }

  private async get<T>(
    what: 'pipelines' | 'datasets',
    query: CatalogExportQuery,
  ): Promise<CatalogExportPage<T>> {
    const baseUrl = await this.discovery.getBaseUrl('pipelines');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'pipelines',
    });
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.after !== undefined) params.set('after', query.after);
    if (query.changedSince !== undefined) {
      params.set('changedSince', query.changedSince);
    }
    const search = params.size > 0 ? `?${params}` : '';
    const response = await fetch(`${baseUrl}/v1/catalog/${what}${search}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as CatalogExportPage<T>;
  }
}
