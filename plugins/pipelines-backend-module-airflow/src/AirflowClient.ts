import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  fetchJson,
  SchedulerRequestError,
} from '@tributary/plugin-pipelines-node';
import { AirflowTokenSource, detailOf } from './AirflowTokenSource';

/** Query values; arrays are sent by repeating the key, as Airflow wants. */
export type AirflowQuery = Record<
  string,
  string | number | boolean | string[] | undefined
>;

export interface AirflowRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  query?: AirflowQuery;
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * Airflow's `detail` of the errors this client threw, for callers that word
 * their own message. (A `cause` would repeat itself in the message.)
 */
const details = new WeakMap<object, string>();

/** Airflow's `detail` behind an error from {@link AirflowClient}. */
export function airflowDetail(error: unknown): string {
  if (typeof error === 'object' && error !== null && details.has(error)) {
    return details.get(error)!;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Airflow answers 401 for a missing or expired token, 403 for a foreign one. */
function isRejectedToken(error: unknown): error is SchedulerRequestError {
  if (!(error instanceof SchedulerRequestError)) return false;
  if (error.status === 401) return true;
  return error.status === 403 && /invalid jwt token/i.test(error.body ?? '');
}

/**
 * Calls Airflow 3's REST API (`/api/v2`) with a bearer token, renewing the
 * token once when the API rejects it. Client errors (4xx) become the matching
 * `@backstage/errors` error with Airflow's `detail` in the message; server,
 * network, timeout and JSON errors stay `SchedulerRequestError`s.
 */
export class AirflowClient {
  static create(options: {
    baseUrl: string;
    tokens: AirflowTokenSource;
    timeoutMs: number;
  }): AirflowClient {
    return new AirflowClient(
      options.baseUrl,
      options.tokens,
      options.timeoutMs,
    );
  }

  private constructor(
    readonly baseUrl: string,
    private readonly tokens: AirflowTokenSource,
    private readonly timeoutMs: number,
  ) {}

  url(path: string, query?: AirflowQuery): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        // URLSearchParams encodes `+` as %2B, so offsets survive.
        params.append(key, String(item));
      }
    }
    const search = params.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  async request<T>(path: string, request: AirflowRequest = {}): Promise<T> {
    const url = this.url(path, request.query);
    const token = await this.tokens.getToken(request.signal);
    try {
      return await this.send<T>(url, token, request);
    } catch (error) {
      if (!isRejectedToken(error)) throw this.translate(error, url, request);
      if (!token) {
        throw new AuthenticationError(
          `Airflow wants a token (${request.method ?? 'GET'} ${url} answered ${
            error.status
          } ${detailOf(
            error.body,
          )}); configure auth.username and auth.password, or auth.token`,
        );
      }
      if (!this.tokens.canRenew()) {
        throw new AuthenticationError(
          `Airflow rejected ${this.tokens.describe()} (${
            request.method ?? 'GET'
          } ${url} answered ${error.status} ${detailOf(
            error.body,
          )}); configure auth.username and auth.password so the module can get new tokens, or a valid auth.token`,
        );
      }
    }
    // Expired or rejected: get a new token once and try again once.
    if (token) this.tokens.invalidate(token);
    const fresh = await this.tokens.getToken(request.signal);
    try {
      return await this.send<T>(url, fresh, request);
    } catch (error) {
      if (isRejectedToken(error)) {
        throw new AuthenticationError(
          `Airflow rejected a freshly issued token of ${this.tokens.describe()}: ${
            request.method ?? 'GET'
          } ${url} answered ${error.status} ${detailOf(error.body)}`,
        );
      }
      throw this.translate(error, url, request);
    }
  }

  private send<T>(
    url: string,
    token: string | undefined,
    request: AirflowRequest,
  ): Promise<T> {
    return fetchJson<T>(url, {
      method: request.method ?? 'GET',
      body: request.body,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      timeoutMs: this.timeoutMs,
      signal: request.signal,
    });
  }

  private translate(error: unknown, url: string, request: AirflowRequest) {
    if (!(error instanceof SchedulerRequestError) || !error.status) {
      return error;
    }
    const detail = detailOf(error.body);
    const message = `${request.method ?? 'GET'} ${url} answered ${
      error.status
    }: ${detail}`;
    let translated: Error;
    switch (error.status) {
      case 400:
      case 422:
        translated = new InputError(message);
        break;
      case 401:
        translated = new AuthenticationError(message);
        break;
      case 403:
        translated = new NotAllowedError(
          `${message} (the Airflow role of ${this.tokens.describe()} lacks a permission)`,
        );
        break;
      case 404:
        translated = new NotFoundError(message);
        break;
      case 409:
        translated = new ConflictError(message);
        break;
      default:
        return error;
    }
    details.set(translated, detail);
    return translated;
  }
}
