import {
  fetchJson,
  SchedulerRequestError,
} from '@tributary/plugin-pipelines-node';

/** OAuth2 client credentials for FlyteAdmin (e.g. a service app in Okta). */
export interface FlyteClientCredentials {
  clientId: string;
  clientSecret: string;
  /**
   * The token endpoint. Defaults to the `token_endpoint` that
   * `<baseUrl>/.well-known/oauth-authorization-server` names (FlyteAdmin
   * serves that document, for its own auth server or an external one).
   */
  tokenUrl?: string;
  /** Space-separated scopes; FlyteAdmin's own auth server wants `all`. */
  scope?: string;
  /** Sent as `audience` when set (needed by some IdPs, e.g. Auth0). */
  audience?: string;
}

/** Renew tokens this long before they expire. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Credentials for FlyteAdmin requests: none, a static bearer token, or
 * tokens obtained with the OAuth2 client credentials grant and cached until
 * shortly before they expire.
 */
export class FlyteAuth {
  static none(): FlyteAuth {
    return new FlyteAuth('Authorization');
  }

  static create(options: {
    baseUrl: string;
    timeoutMs: number;
    /** Header carrying `Bearer <token>`; Flyte deployments sometimes use `flyte-authorization`. */
    header?: string;
    token?: string;
    clientCredentials?: FlyteClientCredentials;
  }): FlyteAuth {
    return new FlyteAuth(
      options.header ?? 'Authorization',
      options.token,
      options.clientCredentials,
      options.baseUrl,
      options.timeoutMs,
    );
  }

  private cached?: { token: string; expiresAt: number };
  private pending?: Promise<string>;

  private constructor(
    private readonly header: string,
    private readonly token?: string,
    private readonly clientCredentials?: FlyteClientCredentials,
    private readonly baseUrl?: string,
    private readonly timeoutMs: number = 30_000,
  ) {}

  /** What kind of credentials are configured, for logs. */
  get kind(): 'none' | 'token' | 'client-credentials' {
    if (this.clientCredentials) return 'client-credentials';
    return this.token ? 'token' : 'none';
  }

  async headers(signal?: AbortSignal): Promise<Record<string, string>> {
    if (this.clientCredentials) {
      return { [this.header]: `Bearer ${await this.accessToken(signal)}` };
    }
    if (this.token) {
      return { [this.header]: `Bearer ${this.token}` };
    }
    return {};
  }

  /** Forget a cached token, e.g. after FlyteAdmin answered 401. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async accessToken(signal?: AbortSignal): Promise<string> {
    if (this.cached && this.cached.expiresAt > Date.now()) {
      return this.cached.token;
    }
    if (!this.pending) {
      this.pending = this.requestToken(signal).finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async requestToken(signal?: AbortSignal): Promise<string> {
    const credentials = this.clientCredentials!;
    const tokenUrl =
      credentials.tokenUrl ?? (await this.discoverTokenUrl(signal));
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (credentials.scope) form.set('scope', credentials.scope);
    if (credentials.audience) form.set('audience', credentials.audience);
    const basic = Buffer.from(
      `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(
        credentials.clientSecret,
      )}`,
    ).toString('base64');

    // fetchJson only sends JSON bodies, and a token endpoint wants a form:
    // this one request is made here, with the same timeout and error style.
    const signals = [AbortSignal.timeout(this.timeoutMs)];
    if (signal) signals.push(signal);
    let response: Response;
    try {
      response = await fetch(tokenUrl, {
        method: 'POST',
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `Basic ${basic}`,
        },
        body: form.toString(),
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `timed out after ${this.timeoutMs} ms`
          : String(error instanceof Error ? error.message : error);
      throw new SchedulerRequestError(
        `Flyte token request POST ${tokenUrl} failed: ${reason}`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new SchedulerRequestError(
        `Flyte token request POST ${tokenUrl} answered ${response.status} ${
          response.statusText
        }: ${text.slice(0, 300)}`,
        response.status,
        text,
      );
    }
    let body: { access_token?: string; expires_in?: number };
    try {
      body = JSON.parse(text);
    } catch {
      throw new SchedulerRequestError(
        `Flyte token request POST ${tokenUrl} answered malformed JSON: ${text.slice(
          0,
          100,
        )}`,
        response.status,
        text,
      );
    }
    if (!body.access_token) {
      throw new SchedulerRequestError(
        `Flyte token request POST ${tokenUrl} answered no access_token`,
        response.status,
        text,
      );
    }
    const lifetimeMs = (Number(body.expires_in) || 300) * 1000;
    this.cached = {
      token: body.access_token,
      expiresAt:
        Date.now() + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2),
    };
    return body.access_token;
  }

  private async discoverTokenUrl(signal?: AbortSignal): Promise<string> {
    const metadata = await fetchJson<{ token_endpoint?: string }>(
      `${this.baseUrl}/.well-known/oauth-authorization-server`,
      { timeoutMs: this.timeoutMs, signal },
    );
    if (!metadata.token_endpoint) {
      throw new SchedulerRequestError(
        `${this.baseUrl}/.well-known/oauth-authorization-server names no token_endpoint; set clientCredentials.tokenUrl`,
      );
    }
    return metadata.token_endpoint;
  }
}
