import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import dags from '../__fixtures__/get_dags.response.json';
import dagRuns from '../__fixtures__/get_dag_runs.response.json';
import failedTasks from '../__fixtures__/get_task_instances.failed_run.response.json';
import listBackfills from '../__fixtures__/list_backfills.response.json';
import postBackfill from '../__fixtures__/post_backfill.response.json';
import dryRun from '../__fixtures__/post_backfill_dry_run.response.json';
import cancelBackfill from '../__fixtures__/cancel_backfill.response.json';
import { AirflowDagRun } from '../airflowTypes';
import notAuthenticated from '../__fixtures__/error_401.response.json';

export const fixtures = {
  dags,
  dagRuns,
  failedTasks,
  listBackfills,
  postBackfill,
  dryRun,
  cancelBackfill,
};

export interface RecordedRequest {
  method: string;
  /** Decoded path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body?: any;
}

export interface FakeResponse {
  status?: number;
  body?: unknown;
  /** Sent as is instead of JSON. */
  raw?: string;
  delayMs?: number;
}

export type FakeHandler = (
  request: RecordedRequest,
) => FakeResponse | undefined | Promise<FakeResponse | undefined>;

/** A JWT with the given claims; the signature is not checked by anyone. */
export function makeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS512', typ: 'JWT' })}.${part(claims)}.sig`;
}

export interface FakeAirflow {
  url: string;
  requests: RecordedRequest[];
  /** Requests other than the token endpoint. */
  apiRequests(): RecordedRequest[];
  tokenRequests(): RecordedRequest[];
  /** Handlers are asked newest first; the first answer wins. */
  use(handler: FakeHandler): void;
  /** Tokens the fake accepts; `/auth/token` adds the ones it issues. */
  validTokens: Set<string>;
  /**
   * The DAG runs `GET`/`PATCH .../dagRuns/{dag_run_id}` read and change: a
   * copy of the recorded ones.
   */
  runs: AirflowDagRun[];
  close(): Promise<void>;
}

/**
 * A local Airflow 3 API server answering the recorded fixtures: `/auth/token`
 * issues JWTs for user `backstage`/`s3cr3t`, `/api/v2` wants one of them.
 */
export async function startFakeAirflow(
  options: { tokenLifetimeSeconds?: number } = {},
): Promise<FakeAirflow> {
  const requests: RecordedRequest[] = [];
  const handlers: FakeHandler[] = [];
  const validTokens = new Set<string>();
  let issued = 0;
  const runs: FakeAirflow['runs'] = structuredClone(dagRuns.dag_runs);

  /** `PATCH .../dagRuns/{id}` as Airflow's route does it (DAGRunPatchBody). */
  const patchRun = (
    run: FakeAirflow['runs'][number],
    req: RecordedRequest,
  ): FakeResponse => {
    const body = req.body ?? {};
    const extra = Object.keys(body).filter(k => k !== 'state' && k !== 'note');
    if (extra.length > 0) {
      return {
        status: 422,
        body: {
          detail: extra.map(key => ({
            type: 'extra_forbidden',
            loc: ['body', key],
            msg: 'Extra inputs are not permitted',
            input: body[key],
          })),
        },
      };
    }
    if (
      'state' in body &&
      !['queued', 'success', 'failed'].includes(body.state)
    ) {
      return {
        status: 422,
        body: {
          detail: [
            {
              type: 'enum',
              loc: ['body', 'state'],
              msg: "Input should be 'queued', 'success' or 'failed'",
              input: body.state,
            },
          ],
        },
      };
    }
    const mask = req.query.getAll('update_mask');
    const fields = Object.keys(body).filter(
      key => mask.length === 0 || mask.includes(key),
    );
    for (const field of fields) {
      if (field === 'state') {
        run.state = body.state;
        if (body.state !== 'queued') run.end_date = '2026-11-28T07:21:00Z';
      } else {
        run.note = body.note;
      }
    }
    return { body: run };
  };

  const defaults: FakeHandler = req => {
    if (req.method === 'POST' && req.path === '/auth/token') {
      if (
        req.body?.username !== 'backstage' ||
        req.body?.password !== 's3cr3t'
      ) {
        return { status: 401, body: { detail: 'Invalid credentials' } };
      }
      issued += 1;
      const token = makeJwt({
        sub: 'backstage',
        n: issued,
        exp:
          Math.floor(Date.now() / 1000) +
          (options.tokenLifetimeSeconds ?? 86400),
      });
      validTokens.add(token);
      return { status: 201, body: { access_token: token } };
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return { status: 401, body: notAuthenticated };
    if (!validTokens.has(token)) {
      return { status: 401, body: { detail: 'Token Expired' } };
    }
    if (req.method === 'GET' && req.path === '/api/v2/dags') {
      return { body: dags };
    }
    if (req.method === 'GET' && req.path === '/api/v2/dags/~/dagRuns') {
      return { body: dagRuns };
    }
    if (
      req.method === 'GET' &&
      req.path ===
        '/api/v2/dags/daily_sales_etl/dagRuns/scheduled__2026-11-27T02:00:00+00:00/taskInstances'
    ) {
      return { body: failedTasks };
    }
    const runPath = /^\/api\/v2\/dags\/([^/]+)\/dagRuns\/([^/]+)$/.exec(
      req.path,
    );
    if (runPath && (req.method === 'GET' || req.method === 'PATCH')) {
      const [, dagId, runId] = runPath;
      const run = runs.find(r => r.dag_id === dagId && r.dag_run_id === runId);
      if (!run) {
        return {
          status: 404,
          body: {
            detail: `The DagRun with dag_id: \`${dagId}\` and run_id: \`${runId}\` was not found`,
          },
        };
      }
      return req.method === 'GET' ? { body: run } : patchRun(run, req);
    }
    if (req.method === 'GET' && req.path === '/api/v2/backfills') {
      return { body: listBackfills };
    }
    if (req.method === 'POST' && req.path === '/api/v2/backfills') {
      return { body: postBackfill };
    }
    if (req.method === 'POST' && req.path === '/api/v2/backfills/dry_run') {
      return { body: dryRun };
    }
    if (req.method === 'GET' && req.path === '/api/v2/backfills/7') {
      return { body: listBackfills.backfills[1] };
    }
    if (req.method === 'PUT' && req.path === '/api/v2/backfills/7/cancel') {
      return { body: cancelBackfill };
    }
    if (req.method === 'PUT' && req.path === '/api/v2/backfills/7/pause') {
      return { body: { ...listBackfills.backfills[1], is_paused: true } };
    }
    if (
      req.method === 'GET' &&
      req.path === '/api/v2/dags/daily_sales_etl/dagRuns'
    ) {
      // Backfill progress counts: 6 runs, 4 done, 1 of them failed.
      const states = req.query.getAll('state');
      let total = 6;
      if (states.length === 2) total = 4;
      if (states.length === 1) total = 1;
      return { body: { dag_runs: [], total_entries: total } };
    }
    return undefined;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const text = Buffer.concat(chunks).toString();
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname.split('/').map(decodeURIComponent).join('/'),
        query: url.searchParams,
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      requests.push(recorded);
      let answer: FakeResponse | undefined;
      for (const handler of [...handlers].reverse().concat(defaults)) {
        answer = await handler(recorded);
        if (answer) break;
      }
      answer ??= { status: 404, body: { detail: 'Not Found' } };
      if (answer.delayMs) {
        await new Promise(resolve =>
          setTimeout(resolve, answer!.delayMs).unref(),
        );
      }
      if (res.destroyed) return;
      res.statusCode = answer.status ?? 200;
      res.setHeader('Content-Type', 'application/json');
      res.end(answer.raw ?? JSON.stringify(answer.body));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    apiRequests: () => requests.filter(r => r.path !== '/auth/token'),
    tokenRequests: () => requests.filter(r => r.path === '/auth/token'),
    use: handler => handlers.push(handler),
    validTokens,
    runs,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
