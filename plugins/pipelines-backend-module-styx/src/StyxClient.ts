import {
  fetchJson,
  SchedulerRequestError,
} from '@tributary/plugin-pipelines-node';
import {
  StyxActiveStates,
  StyxBackfill,
  StyxBackfillInput,
  StyxBackfillPayload,
  StyxHaltRequest,
  StyxTriggerRequest,
  StyxTriggerResponse,
  StyxWorkflow,
  StyxWorkflowId,
  StyxWorkflowInstanceExecutionData,
  StyxWorkflowWithState,
} from './styxTypes';

/** @public */
export interface StyxClientOptions {
  /** Where Styx answers; `/api/v3` is added unless already there. */
  baseUrl: string;
  /** Bearer token (a Google ID token) for the calls that change things. */
  token?: string;
  timeoutMs: number;
}

/**
 * `https://styx.example.net` → `https://styx.example.net/api/v3`. The `.apib`
 * writes paths as `/{version}/…` and the server adds `/api`, so a base URL may
 * come with or without either part.
 */
export function styxApiRoot(baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  if (/\/api\/v3$/.test(trimmed)) return trimmed;
  if (/\/api$/.test(trimmed)) return `${trimmed}/v3`;
  return `${trimmed}/api/v3`;
}

const seg = encodeURIComponent;

/**
 * The calls this module makes to the Styx v3 API. Every call goes through
 * fetchJson, so failures name the URL, the status and Styx's reason phrase
 * (Styx puts its error text there, usually with an empty body).
 */
export class StyxClient {
  static create(options: StyxClientOptions): StyxClient {
    return new StyxClient(options);
  }

  private readonly root: string;

  private constructor(private readonly options: StyxClientOptions) {
    this.root = styxApiRoot(options.baseUrl);
  }

  private async request<T>(
    path: string,
    init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
  ): Promise<T> {
    return fetchJson<T>(`${this.root}${path}`, {
      method: init.method,
      body: init.body,
      signal: init.signal,
      timeoutMs: this.options.timeoutMs,
      headers: this.options.token
        ? { Authorization: `Bearer ${this.options.token}` }
        : undefined,
    });
  }

  /** For calls that may answer 2xx with an empty body (DELETE). */
  private async requestMaybeEmpty<T>(
    path: string,
    init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
  ): Promise<T | undefined> {
    try {
      return await this.request<T>(path, init);
    } catch (error) {
      if (
        error instanceof SchedulerRequestError &&
        error.status !== undefined &&
        error.status >= 200 &&
        error.status < 300 &&
        !error.body?.trim()
      ) {
        return undefined;
      }
      throw error;
    }
  }

  /** `GET /workflows?full=true`: every workflow with its state. */
  async listWorkflowsWithState(options: {
    signal?: AbortSignal;
  }): Promise<StyxWorkflowWithState[]> {
    const items = await this.request<unknown>('/workflows?full=true', options);
    if (!Array.isArray(items)) {
      throw new SchedulerRequestError(
        `GET ${this.root}/workflows?full=true answered something other than a list`,
      );
    }
    // A Styx that ignores `full` answers bare workflows.
    return items.map(item =>
      item && typeof item === 'object' && 'configuration' in item
        ? { workflow: item as StyxWorkflow, state: undefined }
        : (item as StyxWorkflowWithState),
    );
  }

  /** `GET /workflows`. */
  async listWorkflows(options: {
    signal?: AbortSignal;
  }): Promise<StyxWorkflow[]> {
    const items = await this.request<unknown>('/workflows', options);
    if (!Array.isArray(items)) {
      throw new SchedulerRequestError(
        `GET ${this.root}/workflows answered something other than a list`,
      );
    }
    return items as StyxWorkflow[];
  }

  /** `GET /workflows/{cid}/{wid}`. */
  async getWorkflow(
    componentId: string,
    workflowId: string,
  ): Promise<StyxWorkflow> {
    return this.request(`/workflows/${seg(componentId)}/${seg(workflowId)}`);
  }

  /**
   * `GET /workflows/{cid}/{wid}/instances?offset=&limit=`: up to `limit`
   * instances from the `offset` parameter on (inclusive), from the first
   * without an offset.
   */
  async listInstances(
    componentId: string,
    workflowId: string,
    query: { offset?: string; limit: number },
    options: { signal?: AbortSignal },
  ): Promise<StyxWorkflowInstanceExecutionData[]> {
    const params = new URLSearchParams();
    if (query.offset) params.set('offset', query.offset);
    params.set('limit', String(query.limit));
    const path = `/workflows/${seg(componentId)}/${seg(
      workflowId,
    )}/instances?${params}`;
    const items = await this.request<unknown>(path, options);
    if (!Array.isArray(items)) {
      throw new SchedulerRequestError(
        `GET ${this.root}${path} answered something other than a list`,
      );
    }
    return items as StyxWorkflowInstanceExecutionData[];
  }

  /** `GET /workflows/{cid}/{wid}/instances/{parameter}`; undefined on 404. */
  async getInstance(
    componentId: string,
    workflowId: string,
    parameter: string,
    options: { signal?: AbortSignal },
  ): Promise<StyxWorkflowInstanceExecutionData | undefined> {
    try {
      return await this.request(
        `/workflows/${seg(componentId)}/${seg(workflowId)}/instances/${seg(
          parameter,
        )}`,
        options,
      );
    } catch (error) {
      if (error instanceof SchedulerRequestError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  /**
   * `GET /status/activeStates`: the live state of every active instance, or
   * of one workflow's (`?component=&workflow=`).
   */
  async listActiveStates(options: {
    workflow?: StyxWorkflowId;
    signal?: AbortSignal;
  }): Promise<StyxActiveStates> {
    const query = options.workflow
      ? `?${new URLSearchParams({
          component: options.workflow.component_id,
          workflow: options.workflow.id,
        })}`
      : '';
    return this.request(`/status/activeStates${query}`, {
      signal: options.signal,
    });
  }

  /** `POST /backfills`. */
  async createBackfill(input: StyxBackfillInput): Promise<StyxBackfill> {
    return this.request('/backfills', { method: 'POST', body: input });
  }

  /** `GET /backfills/{id}?status=true`, with the status of each partition. */
  async getBackfill(id: string): Promise<StyxBackfillPayload> {
    return this.request(`/backfills/${seg(id)}?status=true`);
  }

  /**
   * `DELETE /backfills/{id}`: halts the backfill and its active instances
   * (no `graceful`). Styx answers 200 with an empty body.
   */
  async haltBackfill(id: string): Promise<void> {
    await this.requestMaybeEmpty(`/backfills/${seg(id)}`, { method: 'DELETE' });
  }

  /**
   * `POST /scheduler/halt`: halts one workflow instance. The body is the
   * instance as Styx's model serializes it, `{workflow_id, parameter}`: the
   * `.apib` shows `{"workflow_instance": "cid/wid/param"}`, but the scheduler
   * reads the body as a `WorkflowInstance` (as Styx's own client sends it),
   * and its JSON mapper refuses unknown keys.
   */
  async haltInstance(instance: StyxHaltRequest): Promise<void> {
    await this.requestMaybeEmpty('/scheduler/halt', {
      method: 'POST',
      body: instance,
    });
  }

  /** `POST /scheduler/trigger`: an ad-hoc run of one partition. */
  async trigger(
    body: StyxTriggerRequest,
  ): Promise<StyxTriggerResponse | undefined> {
    return this.requestMaybeEmpty('/scheduler/trigger', {
      method: 'POST',
      body,
    });
  }
}
