import {
  fetchJson,
  SchedulerRequestError,
} from '@tributary/plugin-pipelines-node';
import { LuigiTaskMap } from './luigiTypes';

/** @public */
export interface LuigiClientOptions {
  /** Where luigid's API answers; credentials in it move to a header. */
  baseUrl: string;
  timeoutMs?: number;
  /** Basic-auth credentials, for a proxy in front of luigid. */
  username?: string;
  password?: string;
  /** Extra headers, for a proxy in front of luigid. */
  headers?: Record<string, string>;
  /** Sent as `max_shown_tasks` with every `task_list` request. */
  maxShownTasks?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decodes a task's failure explanation. Workers send it JSON-encoded
 * (`json.dumps(expl)`), so the scheduler answers a string holding a JSON
 * string literal; older workers and `on_failure` overrides may send plain text.
 */
export function decodeExplanation(error: unknown): string | undefined {
  if (typeof error !== 'string') return undefined;
  let text = error;
  if (text.startsWith('"')) {
    try {
      const decoded: unknown = JSON.parse(text);
      if (typeof decoded === 'string') text = decoded;
    } catch {
      // Not JSON after all: keep it as it came.
    }
  }
  text = text.trim();
  return text ? text : undefined;
}

/**
 * The JSON-RPC-over-GET API of Luigi's central scheduler: every method is
 * `GET /api/<method>?data=<url-encoded JSON arguments>` and answers
 * `{"response": ...}`.
 */
export class LuigiClient {
  static create(options: LuigiClientOptions): LuigiClient {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new Error(`Invalid Luigi baseUrl '${options.baseUrl}'`);
    }
    let username = options.username;
    let password = options.password;
    if (url.username || url.password) {
      // fetch refuses URLs with credentials, and error messages name the URL.
      username ??= decodeURIComponent(url.username);
      password ??= decodeURIComponent(url.password);
      url.username = '';
      url.password = '';
    }
    const headers: Record<string, string> = {};
    if (username !== undefined || password !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(
        `${username ?? ''}:${password ?? ''}`,
      ).toString('base64')}`;
    }
    Object.assign(headers, options.headers);
    return new LuigiClient(
      url.toString().replace(/\/+$/, ''),
      options.timeoutMs,
      headers,
      options.maxShownTasks,
    );
  }

  private constructor(
    readonly baseUrl: string,
    private readonly timeoutMs: number | undefined,
    private readonly headers: Record<string, string>,
    private readonly maxShownTasks: number | undefined,
  ) {}

  /** Calls one RPC method and answers its `response`. */
  async call<T = unknown>(
    method: string,
    data: Record<string, unknown> | undefined,
    signal?: AbortSignal,
  ): Promise<T> {
    const url = `${this.baseUrl}/api/${method}${
      data ? `?data=${encodeURIComponent(JSON.stringify(data))}` : ''
    }`;
    let body: unknown;
    try {
      body = await fetchJson(url, {
        headers: this.headers,
        timeoutMs: this.timeoutMs,
        signal,
      });
    } catch (error) {
      if (
        error instanceof SchedulerRequestError &&
        (error.status === 401 || error.status === 403)
      ) {
        throw new SchedulerRequestError(
          `${error.message} (luigid itself has no auth: check the username, password or headers configured for this provider against the proxy in front of it)`,
          error.status,
          error.body,
        );
      }
      throw error;
    }
    if (!isRecord(body) || !('response' in body)) {
      throw new SchedulerRequestError(
        `GET ${url} answered JSON without the "response" field of Luigi's API: ${JSON.stringify(
          body,
        ).slice(0, 100)}`,
      );
    }
    return body.response as T;
  }

  /**
   * `task_list` for one status (and, for PENDING, one upstream status).
   * Throws when luigid answers only a count because the list is over its
   * `max_shown_tasks` cap, rather than letting a poll store nothing.
   */
  async taskList(
    status: string,
    upstreamStatus: string,
    signal?: AbortSignal,
  ): Promise<LuigiTaskMap> {
    const data: Record<string, unknown> = {
      status,
      upstream_status: upstreamStatus,
      search: '',
    };
    if (this.maxShownTasks !== undefined) {
      data.max_shown_tasks = this.maxShownTasks;
    }
    const response = await this.call('task_list', data, signal);
    if (!isRecord(response)) {
      throw new SchedulerRequestError(
        `Luigi at ${
          this.baseUrl
        } answered task_list ${status} with ${JSON.stringify(response).slice(
          0,
          100,
        )} instead of a task map`,
      );
    }
    if (typeof response.num_tasks === 'number') {
      const count =
        response.num_tasks < 0
          ? 'more tasks than'
          : `${response.num_tasks} tasks, more than`;
      throw new SchedulerRequestError(
        `Luigi at ${
          this.baseUrl
        } has ${count} its max_shown_tasks with status ${status}${
          upstreamStatus ? ` (${upstreamStatus})` : ''
        }, so task_list answered a count instead of the tasks. Raise max_shown_tasks in the [scheduler] section of luigid's configuration${
          this.maxShownTasks === undefined
            ? ' (100000 by default), or set maxShownTasks for this provider'
            : `, or maxShownTasks (${this.maxShownTasks}) for this provider`
        }.`,
      );
    }
    return response as LuigiTaskMap;
  }

  /** Every task the scheduler knows, with its `deps`. */
  async graph(signal?: AbortSignal): Promise<LuigiTaskMap> {
    const response = await this.call('graph', undefined, signal);
    if (!isRecord(response)) {
      throw new SchedulerRequestError(
        `Luigi at ${this.baseUrl} answered graph with ${JSON.stringify(
          response,
        ).slice(0, 100)} instead of a task map`,
      );
    }
    return response as LuigiTaskMap;
  }

  /** The failure explanation of a task, decoded; undefined when it has none. */
  async fetchError(
    taskId: string,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const response = await this.call(
      'fetch_error',
      { task_id: taskId },
      signal,
    );
    return isRecord(response) ? decodeExplanation(response.error) : undefined;
  }

  /**
   * Whether the whole scheduler is paused (no worker gets work). Undefined
   * when this luigid has no `is_paused` method (older than 2.7).
   */
  async isPaused(signal?: AbortSignal): Promise<boolean | undefined> {
    try {
      const response = await this.call('is_paused', undefined, signal);
      return isRecord(response) && typeof response.paused === 'boolean'
        ? response.paused
        : undefined;
    } catch (error) {
      if (error instanceof SchedulerRequestError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }
}
