import { mockServices } from '@backstage/backend-test-utils';
import { AuthenticationError } from '@backstage/errors';
import { AirflowProvider, AirflowProviderOptions } from './AirflowProvider';
import { AirflowTokenSource, jwtExpiry } from './AirflowTokenSource';
import {
  FakeAirflow,
  makeJwt,
  startFakeAirflow,
} from './__testUtils__/fakeAirflow';

describe('Airflow API tokens', () => {
  let airflow: FakeAirflow;

  beforeEach(async () => {
    airflow = await startFakeAirflow({ tokenLifetimeSeconds: 600 });
  });

  afterEach(async () => {
    await airflow.close();
  });

  function provider(options: Partial<AirflowProviderOptions> = {}) {
    return AirflowProvider.create({
      id: 'central',
      baseUrl: airflow.url,
      credentials: { username: 'backstage', password: 's3cr3t' },
      logger: mockServices.logger.mock(),
      ...options,
    });
  }

  it('gets a token from /auth/token once and sends it as a bearer token', async () => {
    const p = provider();
    await p.listPipelines({});
    await p.listPipelines({});

    const tokens = airflow.tokenRequests();
    expect(tokens).toHaveLength(1);
    expect(tokens[0].method).toBe('POST');
    expect(tokens[0].headers['content-type']).toBe('application/json');
    expect(tokens[0].body).toEqual({
      username: 'backstage',
      password: 's3cr3t',
    });
    const issued = [...airflow.validTokens][0];
    expect(airflow.apiRequests().map(r => r.headers.authorization)).toEqual([
      `Bearer ${issued}`,
      `Bearer ${issued}`,
    ]);
  });

  it('asks for the token under the base path Airflow is served at', async () => {
    airflow.use(req => {
      if (req.path === '/airflow/auth/token') {
        return { status: 201, body: { access_token: 'sub-path-token' } };
      }
      if (req.path === '/airflow/api/v2/dags') {
        return { body: { dags: [], total_entries: 0 } };
      }
      return undefined;
    });
    await provider({ baseUrl: `${airflow.url}/airflow` }).listPipelines({});
    expect(airflow.requests.map(r => r.path)).toEqual([
      '/airflow/auth/token',
      '/airflow/api/v2/dags',
    ]);
    expect(airflow.requests[1].headers.authorization).toBe(
      'Bearer sub-path-token',
    );
  });

  it('shares one token request between concurrent calls', async () => {
    const p = provider();
    await Promise.all([p.listPipelines({}), p.listPipelines({})]);
    expect(airflow.tokenRequests()).toHaveLength(1);
  });

  it('renews the token shortly before it expires', async () => {
    let now = Date.now();
    const p = provider({ now: () => new Date(now) });
    await p.listPipelines({});
    now += 7 * 60_000; // 3 of its 10 minutes left: keep it
    await p.listPipelines({});
    expect(airflow.tokenRequests()).toHaveLength(1);
    now += 2 * 60_000; // 1 minute left: renew
    await p.listPipelines({});
    expect(airflow.tokenRequests()).toHaveLength(2);
    const [first, , third] = airflow.apiRequests();
    expect(third.headers.authorization).not.toBe(first.headers.authorization);
  });

  it('renews the token once when Airflow answers 401 Token Expired', async () => {
    const p = provider();
    await p.listPipelines({});
    airflow.validTokens.clear(); // e.g. the server's clock ran ahead

    await expect(p.listPipelines({})).resolves.toHaveLength(3);
    expect(airflow.tokenRequests()).toHaveLength(2);
    const calls = airflow.apiRequests();
    expect(calls).toHaveLength(3);
    expect(calls[1].headers.authorization).toBe(calls[0].headers.authorization);
    expect(calls[2].headers.authorization).not.toBe(
      calls[1].headers.authorization,
    );
  });

  it('renews the token once on 403 Invalid JWT token (rotated signing key)', async () => {
    const p = provider();
    await p.listPipelines({});
    const old = [...airflow.validTokens][0];
    airflow.use(req =>
      req.headers.authorization === `Bearer ${old}`
        ? { status: 403, body: { detail: 'Invalid JWT token' } }
        : undefined,
    );
    await expect(p.listPipelines({})).resolves.toHaveLength(3);
    expect(airflow.tokenRequests()).toHaveLength(2);
  });

  it('gives up when a freshly issued token is rejected too', async () => {
    airflow.use(req =>
      req.path.startsWith('/api/')
        ? { status: 401, body: { detail: 'Token Expired' } }
        : undefined,
    );
    const error = await provider()
      .listPipelines({})
      .catch(e => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(
      /^Airflow rejected a freshly issued token of user 'backstage': GET .*\/api\/v2\/dags\?.* answered 401 Token Expired$/,
    );
    // exactly one renewal and one retry
    expect(airflow.tokenRequests()).toHaveLength(2);
    expect(airflow.apiRequests()).toHaveLength(2);
  });

  it('explains refused credentials without repeating the password', async () => {
    const error = await provider({
      credentials: { username: 'backstage', password: 'wrong' },
    })
      .listPipelines({})
      .catch(e => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(
      /^Airflow at http:\/\/127\.0\.0\.1:\d+ refused an API token to user 'backstage': POST .*\/auth\/token answered 401 Invalid credentials$/,
    );
    expect(error.message).not.toContain('wrong');
    expect(airflow.apiRequests()).toHaveLength(0);
  });

  it('reads jwt_token when an older auth manager names the field so', async () => {
    airflow.use(req =>
      req.path === '/auth/token'
        ? { status: 201, body: { jwt_token: 'legacy-token' } }
        : undefined,
    );
    airflow.validTokens.add('legacy-token');
    await provider().listPipelines({});
    expect(airflow.apiRequests()[0].headers.authorization).toBe(
      'Bearer legacy-token',
    );
  });

  it('fails clearly when the token answer has no token', async () => {
    airflow.use(req =>
      req.path === '/auth/token' ? { status: 201, body: {} } : undefined,
    );
    await expect(provider().listPipelines({})).rejects.toThrow(
      /answered POST .*\/auth\/token without an access_token/,
    );
  });

  it('sends a pre-issued token and fails clearly when it is rejected', async () => {
    airflow.validTokens.add('static-token');
    const p = provider({ credentials: { token: 'static-token' } });
    await p.listPipelines({});
    expect(airflow.apiRequests()[0].headers.authorization).toBe(
      'Bearer static-token',
    );

    airflow.validTokens.clear();
    const error = await p.listPipelines({}).catch(e => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(
      /^Airflow rejected the configured token \(GET .* answered 401 Token Expired\); configure auth.username and auth.password/,
    );
    expect(airflow.tokenRequests()).toHaveLength(0);
  });

  it('falls back from a rejected pre-issued token to username and password', async () => {
    const p = provider({
      credentials: {
        token: 'revoked-token',
        username: 'backstage',
        password: 's3cr3t',
      },
    });
    await expect(p.listPipelines({})).resolves.toHaveLength(3);
    expect(airflow.tokenRequests()).toHaveLength(1);
    expect(airflow.apiRequests()[0].headers.authorization).toBe(
      'Bearer revoked-token',
    );
  });
});

describe('AirflowTokenSource', () => {
  it('reads exp from a JWT without verifying it', () => {
    expect(jwtExpiry(makeJwt({ exp: 1_800_000_000 }))).toBe(1_800_000_000_000);
    expect(jwtExpiry('not-a-jwt')).toBeUndefined();
    expect(jwtExpiry('a.bm90IGpzb24.c')).toBeUndefined();
  });

  it('sends an expired pre-issued token only when it cannot renew', async () => {
    const expired = makeJwt({ exp: 1_000 });
    const tokens = AirflowTokenSource.create({
      baseUrl: 'http://127.0.0.1:1',
      credentials: { token: expired },
      timeoutMs: 1000,
    });
    expect(tokens.canRenew()).toBe(false);
    await expect(tokens.getToken()).resolves.toBe(expired);
  });

  it('sends nothing without credentials', async () => {
    const tokens = AirflowTokenSource.create({
      baseUrl: 'http://127.0.0.1:1',
      timeoutMs: 1000,
    });
    await expect(tokens.getToken()).resolves.toBeUndefined();
  });
});
