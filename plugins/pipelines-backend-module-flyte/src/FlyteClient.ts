import {
  fetchJson,
  SchedulerRequestError,
} from '@tributary/plugin-pipelines-node';
import { FlyteAuth } from './FlyteAuth';
import {
  FlyteExecution,
  FlyteExecutionCreateRequest,
  FlyteExecutionCreateResponse,
  FlyteExecutionList,
  FlyteExecutionTerminateRequest,
  FlyteLaunchPlan,
  FlyteLaunchPlanList,
  FlyteProject,
  FlyteProjectList,
} from './types';

/** Stop following `token`s after this many pages of one listing. */
const MAX_LIST_PAGES = 1000;

type Query = Array<[string, string | number | undefined]>;

/**
 * The FlyteAdmin REST calls this module makes, through fetchJson. Path
 * segments and query values are URL-encoded whole, so that a filter's `+`
 * (the AND of two expressions) is not read as a space.
 */
export class FlyteClient {
  static create(options: {
    baseUrl: string;
    timeoutMs: number;
    pageSize: number;
    auth: FlyteAuth;
  }): FlyteClient {
    return new FlyteClient(
      options.baseUrl.replace(/\/+$/, ''),
      options.timeoutMs,
      options.pageSize,
      options.auth,
    );
  }

  private constructor(
    readonly baseUrl: string,
    private readonly timeoutMs: number,
    readonly pageSize: number,
    private readonly auth: FlyteAuth,
  ) {}

  async listProjects(signal?: AbortSignal): Promise<FlyteProject[]> {
    const projects: FlyteProject[] = [];
    await this.paginate<FlyteProjectList>(
      token =>
        this.request('GET', '/api/v1/projects', {
          query: [
            ['limit', this.pageSize],
            ['token', token],
          ],
          signal,
        }),
      page => projects.push(...(page.projects ?? [])),
    );
    return projects;
  }

  /** Every version of every launch plan of a project and domain, newest first. */
  async listLaunchPlans(
    project: string,
    domain: string,
    signal?: AbortSignal,
  ): Promise<FlyteLaunchPlan[]> {
    const launchPlans: FlyteLaunchPlan[] = [];
    await this.paginate<FlyteLaunchPlanList>(
      token =>
        this.request(
          'GET',
          `/api/v1/launch_plans/${seg(project)}/${seg(domain)}`,
          {
            query: [
              ['limit', this.pageSize],
              ['token', token],
              ['sort_by.key', 'created_at'],
              ['sort_by.direction', 'DESCENDING'],
            ],
            signal,
          },
        ),
      page => launchPlans.push(...(page.launch_plans ?? [])),
    );
    return launchPlans;
  }

  /** The ACTIVE version of a launch plan; undefined when none is (404). */
  async getActiveLaunchPlan(
    project: string,
    domain: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<FlyteLaunchPlan | undefined> {
    try {
      return await this.request<FlyteLaunchPlan>(
        'GET',
        `/api/v1/active_launch_plans/${seg(project)}/${seg(domain)}/${seg(
          name,
        )}`,
        { signal },
      );
    } catch (error) {
      if (error instanceof SchedulerRequestError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  /** The most recently registered version of a launch plan, if any. */
  async getLatestLaunchPlan(
    project: string,
    domain: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<FlyteLaunchPlan | undefined> {
    const page = await this.request<FlyteLaunchPlanList>(
      'GET',
      `/api/v1/launch_plans/${seg(project)}/${seg(domain)}/${seg(name)}`,
      {
        query: [
          ['limit', 1],
          ['sort_by.key', 'created_at'],
          ['sort_by.direction', 'DESCENDING'],
        ],
        signal,
      },
    );
    return page.launch_plans?.[0];
  }

  async listExecutionsPage(
    project: string,
    domain: string,
    options: {
      limit: number;
      token?: string;
      filters?: string;
      sortKey: string;
      direction: 'ASCENDING' | 'DESCENDING';
      signal?: AbortSignal;
    },
  ): Promise<FlyteExecutionList> {
    return this.request<FlyteExecutionList>(
      'GET',
      `/api/v1/executions/${seg(project)}/${seg(domain)}`,
      {
        query: [
          ['limit', options.limit],
          ['token', options.token],
          ['filters', options.filters],
          ['sort_by.key', options.sortKey],
          ['sort_by.direction', options.direction],
        ],
        signal: options.signal,
      },
    );
  }

  async getExecution(
    project: string,
    domain: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<FlyteExecution> {
    return this.request<FlyteExecution>(
      'GET',
      `/api/v1/executions/${seg(project)}/${seg(domain)}/${seg(name)}`,
      { signal },
    );
  }

  async createExecution(
    body: FlyteExecutionCreateRequest,
    signal?: AbortSignal,
  ): Promise<FlyteExecutionCreateResponse> {
    return this.request('POST', '/api/v1/executions', { body, signal });
  }

  /** DELETE with a JSON body: FlyteAdmin reads the id and cause from it. */
  async terminateExecution(
    body: FlyteExecutionTerminateRequest,
    signal?: AbortSignal,
  ): Promise<void> {
    const { project, domain, name } = body.id;
    await this.request(
      'DELETE',
      `/api/v1/executions/${seg(project)}/${seg(domain)}/${seg(name)}`,
      { body, signal },
    );
  }

  /** Follows `token` until a page comes without one (missing = last page). */
  private async paginate<T extends { token?: string }>(
    fetchPage: (token?: string) => Promise<T>,
    onPage: (page: T) => void,
  ): Promise<void> {
    let token: string | undefined;
    const seen = new Set<string>();
    for (let i = 0; i < MAX_LIST_PAGES; i++) {
      const page = await fetchPage(token);
      onPage(page);
      token = page.token || undefined;
      if (!token || seen.has(token)) return;
      seen.add(token);
    }
  }

  async request<T>(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown; signal?: AbortSignal } = {},
  ): Promise<T> {
    const query = (options.query ?? [])
      .filter(([, value]) => value !== undefined && value !== '')
      .map(
        ([key, value]) =>
          `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`,
      )
      .join('&');
    const url = `${this.baseUrl}${path}${query ? `?${query}` : ''}`;
    try {
      return await fetchJson<T>(url, {
        method,
        body: options.body,
        timeoutMs: this.timeoutMs,
        signal: options.signal,
        headers: await this.auth.headers(options.signal),
      });
    } catch (error) {
      if (
        error instanceof SchedulerRequestError &&
        (error.status === 401 || error.status === 403)
      ) {
        this.auth.invalidate();
        throw new SchedulerRequestError(
          `${error.message} (FlyteAdmin refused the credentials: check the provider's token or clientCredentials; configured: ${this.auth.kind})`,
          error.status,
          error.body,
        );
      }
      throw error;
    }
  }
}

function seg(value: string): string {
  return encodeURIComponent(value);
}
