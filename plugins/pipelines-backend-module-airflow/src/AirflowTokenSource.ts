import { AuthenticationError } from '@backstage/errors';
import {
  fetchJson,
  SchedulerRequestError,
} from '@tributary/plugin-pipelines-node';
import { AirflowTokenResponse } from './airflowTypes';

/**
 * How to authenticate against Airflow's API. With a username and password the
 * module asks the auth manager's `POST /auth/token` for JWTs itself; a `token`
 * is a pre-issued JWT (for auth managers without a password flow). Both may be
 * given: the token is used until it is rejected or expires, then the password.
 *
 * @public
 */
export interface AirflowCredentials {
  username?: string;
  password?: string;
  token?: string;
}

/** Refresh at most this long before a token's `exp`. */
const MAX_REFRESH_MARGIN_MS = 2 * 60_000;

interface CachedToken {
  value: string;
  /** When to stop using it; undefined when its `exp` is unknown. */
  refreshAt?: number;
}

/** Reads a JWT's `exp` (seconds) without verifying it. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Obtains, caches and renews the JWTs Airflow 3's API wants. Airflow issues no
 * refresh tokens: a new token comes from `POST {baseUrl}/auth/token` with the
 * username and password, shortly before the cached one's `exp` or after the
 * API rejected it.
 */
export class AirflowTokenSource {
  private cached?: CachedToken;
  private staticToken?: CachedToken;
  private pending?: Promise<string>;

  static create(options: {
    baseUrl: string;
    credentials?: AirflowCredentials;
    timeoutMs: number;
    now?: () => number;
  }): AirflowTokenSource {
    return new AirflowTokenSource(
      options.baseUrl,
      options.credentials ?? {},
      options.timeoutMs,
      options.now ?? Date.now,
    );
  }

  private constructor(
    private readonly baseUrl: string,
    private readonly credentials: AirflowCredentials,
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {
    if (credentials.token) {
      this.staticToken = this.withRefreshTime(credentials.token);
    }
  }

  /** Whether a rejected token can be replaced by asking `/auth/token`. */
  canRenew(): boolean {
    return Boolean(this.credentials.username && this.credentials.password);
  }

  /** Who the module authenticates as, for error messages. */
  describe(): string {
    if (this.canRenew()) return `user '${this.credentials.username}'`;
    if (this.credentials.token) return 'the configured token';
    return 'no credentials';
  }

  /** A token to send, or undefined when no credentials are configured. */
  async getToken(signal?: AbortSignal): Promise<string | undefined> {
    if (this.staticToken && !this.isDue(this.staticToken)) {
      return this.staticToken.value;
    }
    if (!this.canRenew()) {
      // An expired static token is still sent: Airflow's 401 then says so.
      return this.staticToken?.value ?? this.credentials.token;
    }
    if (this.cached && !this.isDue(this.cached)) {
      return this.cached.value;
    }
    if (!this.pending) {
      this.pending = this.requestToken(signal).finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  /** The API rejected this token: do not send it again. */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
    if (this.staticToken?.value === token) this.staticToken = undefined;
  }

  private isDue(token: CachedToken): boolean {
    return token.refreshAt !== undefined && this.now() >= token.refreshAt;
  }

  private withRefreshTime(value: string): CachedToken {
    const expiresAt = jwtExpiry(value);
    if (expiresAt === undefined) return { value };
    const margin = Math.min(
      MAX_REFRESH_MARGIN_MS,
      Math.max(0, (expiresAt - this.now()) / 2),
    );
    return { value, refreshAt: expiresAt - margin };
  }

  private async requestToken(signal?: AbortSignal): Promise<string> {
    const url = `${this.baseUrl}/auth/token`;
    let response: AirflowTokenResponse;
    try {
      response = await fetchJson<AirflowTokenResponse>(url, {
        method: 'POST',
        body: {
          username: this.credentials.username,
          password: this.credentials.password,
        },
        timeoutMs: this.timeoutMs,
        signal,
      });
    } catch (error) {
      if (
        error instanceof SchedulerRequestError &&
        error.status !== undefined &&
        error.status >= 400 &&
        error.status < 500
      ) {
        throw new AuthenticationError(
          `Airflow at ${
            this.baseUrl
          } refused an API token to ${this.describe()}: POST ${url} answered ${
            error.status
          } ${detailOf(error.body)}`,
        );
      }
      throw error;
    }
    // The generated specs name it access_token; older material jwt_token.
    const value = response?.access_token ?? response?.jwt_token;
    if (typeof value !== 'string' || !value) {
      throw new AuthenticationError(
        `Airflow at ${this.baseUrl} answered POST ${url} without an access_token`,
      );
    }
    this.cached = this.withRefreshTime(value);
    return value;
  }
}

/** The `detail` of an Airflow error body, readable; the raw text otherwise. */
export function detailOf(body: string | undefined): string {
  if (!body) return '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.slice(0, 300);
  }
  const detail = (parsed as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    // FastAPI's HTTPValidationError: [{loc, msg, type, input, ctx}]
    return detail
      .map(item => {
        const entry = item as { loc?: unknown[]; msg?: unknown };
        const where = Array.isArray(entry.loc) ? entry.loc.join('.') : '';
        const msg =
          typeof entry.msg === 'string' ? entry.msg : JSON.stringify(item);
        return where ? `${where}: ${msg}` : msg;
      })
      .join('; ');
  }
  if (detail !== undefined) return JSON.stringify(detail);
  return body.slice(0, 300);
}
