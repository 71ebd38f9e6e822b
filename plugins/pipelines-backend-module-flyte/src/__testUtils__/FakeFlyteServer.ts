import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { FlyteExecution, FlyteLaunchPlan, FlyteProject } from '../types';

export function readFixture<T = any>(name: string): T {
  return JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', '__fixtures__', name), 'utf8'),
  );
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The raw query string, as sent. */
  rawQuery: string;
  headers: http.IncomingHttpHeaders;
  body?: any;
  rawBody: string;
}

export interface Answer {
  status?: number;
  body?: string;
  delayMs?: number;
}

/** Answer instead of the fake's own logic, e.g. a 500 or a slow reply. */
export type Override = (request: RecordedRequest) => Answer | undefined;

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT']);

/**
 * A small FlyteAdmin REST gateway over the recorded fixtures. It pages with
 * offset tokens (a token whenever a page is full), applies `filters` the way
 * flyteadmin splits them (on `+`, after URL decoding), sorts by `sort_by`,
 * and keeps created and terminated executions.
 */
export class FakeFlyteServer {
  static async start(): Promise<FakeFlyteServer> {
    const fake = new FakeFlyteServer();
    await new Promise<void>(resolve =>
      fake.server.listen(0, '127.0.0.1', () => resolve()),
    );
    return fake;
  }

  readonly requests: RecordedRequest[] = [];
  projects: FlyteProject[] = readFixture('list_projects.json').projects;
  /** By `<project>/<domain>`. */
  launchPlans = new Map<string, FlyteLaunchPlan[]>([
    [
      'customer-analytics/production',
      readFixture('list_launch_plans.json').launch_plans,
    ],
  ]);
  executions = new Map<string, FlyteExecution[]>([
    [
      'customer-analytics/production',
      readFixture('list_executions.json').executions,
    ],
  ]);
  override?: Override;
  /** When set, API calls need `Authorization: Bearer <token>`. */
  requiredToken?: string;
  /** Client id and secret the token endpoint accepts. */
  clientCredentials?: { clientId: string; clientSecret: string; token: string };
  /** created_at of executions created through the API. */
  now = '2026-11-01T05:00:00.000000Z';

  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://localhost');
        let body: any;
        try {
          body = rawBody ? JSON.parse(rawBody) : undefined;
        } catch {
          body = undefined;
        }
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: decodeURIComponent(url.pathname),
          query: url.searchParams,
          rawQuery: url.search.replace(/^\?/, ''),
          headers: req.headers,
          body,
          rawBody,
        };
        this.requests.push(recorded);
        const answer: Answer =
          this.override?.(recorded) ?? this.handle(recorded);
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status ?? 200, {
            'Content-Type': 'application/json',
          });
          res.end(answer.body ?? '{}');
        };
        if (answer.delayMs) {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            send();
          }, answer.delayMs);
          this.timers.add(timer);
        } else {
          send();
        }
      });
    });
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Requests to one path prefix (decoded path), oldest first. */
  requestsTo(method: string, prefix: string): RecordedRequest[] {
    return this.requests.filter(
      r => r.method === method && r.path.startsWith(prefix),
    );
  }

  async stop(): Promise<void> {
    this.timers.forEach(timer => clearTimeout(timer));
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private handle(req: RecordedRequest): { status?: number; body?: string } {
    if (req.path === '/.well-known/oauth-authorization-server') {
      return json({ token_endpoint: `${this.url}/oauth2/token` });
    }
    if (req.path === '/oauth2/token') return this.token(req);
    if (this.requiredToken) {
      if (req.headers.authorization !== `Bearer ${this.requiredToken}`) {
        return error(401, 16, 'authentication required');
      }
    }
    const parts = req.path.split('/').filter(Boolean);
    if (parts[0] !== 'api' || parts[1] !== 'v1') {
      return error(404, 5, `no route ${req.path}`);
    }
    const [, , resource, project, domain, name] = parts;
    const pair = `${project}/${domain}`;
    if (req.method === 'GET' && resource === 'projects') {
      return this.list(req, 'projects', this.projects);
    }
    if (req.method === 'GET' && resource === 'launch_plans') {
      const all = this.launchPlans.get(pair) ?? [];
      return this.list(
        req,
        'launch_plans',
        name ? all.filter(lp => lp.id.name === name) : all,
      );
    }
    if (req.method === 'GET' && resource === 'active_launch_plans' && name) {
      const active = (this.launchPlans.get(pair) ?? []).find(
        lp => lp.id.name === name && lp.closure?.state === 'ACTIVE',
      );
      return active
        ? json(active)
        : error(404, 5, `missing entity of type LAUNCH_PLAN with name ${name}`);
    }
    if (resource === 'executions') {
      if (req.method === 'POST' && !project) return this.create(req);
      const all = this.executions.get(pair) ?? [];
      if (req.method === 'GET' && !name) {
        return this.list(req, 'executions', all);
      }
      const execution = all.find(e => e.id.name === name);
      if (!execution) {
        return error(404, 5, `missing entity of type execution ${name}`);
      }
      if (req.method === 'GET') return json(execution);
      if (req.method === 'DELETE') return this.terminate(req, execution);
    }
    return error(404, 5, `no route ${req.method} ${req.path}`);
  }

  private list(
    req: RecordedRequest,
    key: string,
    items: any[],
  ): { status?: number; body?: string } {
    const limit = Number(req.query.get('limit') ?? 0);
    if (!limit) {
      return error(400, 3, 'invalid value for limit: 0');
    }
    let selected = [...items];
    const filters = req.query.get('filters');
    if (filters) {
      for (const expression of filters.split('+')) {
        const match = /^(\w+)\(([\w.]+),\s?(.+)\)$/.exec(expression);
        if (!match) return error(400, 3, `invalid filter ${expression}`);
        const [, fn, field, raw] = match;
        const value = field.endsWith('_at') ? normTime(raw)! : raw;
        selected = selected.filter(item => {
          const actual = fieldOf(item, field);
          if (fn === 'eq') return actual === value;
          if (fn === 'gte') return actual !== undefined && actual >= value;
          if (fn === 'value_in') return value.split(';').includes(actual!);
          throw new Error(`fake: unsupported filter ${fn}`);
        });
      }
    }
    const sortKey = req.query.get('sort_by.key');
    if (sortKey) {
      const direction = req.query.get('sort_by.direction') ?? 'DESCENDING';
      selected.sort((a, b) => {
        const x = fieldOf(a, sortKey) ?? '';
        const y = fieldOf(b, sortKey) ?? '';
        const order = x < y ? -1 : Number(x > y);
        return direction === 'ASCENDING' ? order : -order;
      });
    }
    const offset = Number(req.query.get('token') ?? 0);
    const page = selected.slice(offset, offset + limit);
    return json({
      [key]: page,
      ...(page.length === limit ? { token: String(offset + limit) } : {}),
    });
  }

  private create(req: RecordedRequest): { status?: number; body?: string } {
    const body = req.body;
    if (!body?.project || !body?.domain || !body?.spec?.launch_plan?.version) {
      return error(400, 3, 'missing project, domain or launch plan version');
    }
    if (!/^[a-z][a-z0-9-]*$/.test(body.name) || body.name.length > 20) {
      return error(400, 3, `invalid execution name ${body.name}`);
    }
    const pair = `${body.project}/${body.domain}`;
    const all = this.executions.get(pair) ?? [];
    if (all.some(e => e.id.name === body.name)) {
      return error(
        409,
        6,
        `execution with name ${body.name} already exists in ${pair}`,
      );
    }
    const id = { project: body.project, domain: body.domain, name: body.name };
    all.push({
      id,
      spec: {
        launch_plan: body.spec.launch_plan,
        inputs: body.inputs,
        labels: body.spec.labels,
        annotations: body.spec.annotations,
      },
      closure: { created_at: this.now, updated_at: this.now },
    });
    this.executions.set(pair, all);
    return json({ id });
  }

  private terminate(
    req: RecordedRequest,
    execution: FlyteExecution,
  ): { status?: number; body?: string } {
    if (!req.body?.id?.name) return error(400, 3, 'missing id');
    const phase = execution.closure?.phase ?? 'UNDEFINED';
    if (TERMINAL.has(String(phase))) {
      return error(
        400,
        9,
        'Cannot abort an already terminated workflow execution',
      );
    }
    execution.closure = {
      ...execution.closure,
      phase: 'ABORTED',
      abort_metadata: { cause: req.body.cause, principal: 'tributary' },
      updated_at: this.now,
    };
    return json(readFixture('terminate_execution_response.json'));
  }

  private token(req: RecordedRequest): { status?: number; body?: string } {
    const expected = this.clientCredentials;
    const basic = expected
      ? `Basic ${Buffer.from(
          `${expected.clientId}:${expected.clientSecret}`,
        ).toString('base64')}`
      : undefined;
    const form = new URLSearchParams(req.rawBody);
    if (
      !expected ||
      req.headers.authorization !== basic ||
      form.get('grant_type') !== 'client_credentials'
    ) {
      return { status: 401, body: JSON.stringify({ error: 'invalid_client' }) };
    }
    return json({
      access_token: expected.token,
      token_type: 'bearer',
      expires_in: 3600,
    });
  }
}

function json(value: unknown) {
  return { status: 200, body: JSON.stringify(value) };
}

function error(status: number, code: number, message: string) {
  return { status, body: JSON.stringify({ error: message, code, message }) };
}

/** A timestamp with microseconds, so that strings compare like times. */
function normTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(value);
  if (!match) return value;
  return `${match[1]}.${(match[2] ?? '').padEnd(6, '0').slice(0, 6)}`;
}

/** Filter and sort fields the way the fake understands them. */
function fieldOf(item: any, field: string): string | undefined {
  switch (field) {
    case 'updated_at':
      return normTime(item.closure?.updated_at);
    case 'created_at':
      return normTime(item.closure?.created_at ?? item.closure?.updated_at);
    case 'execution_created_at':
      return normTime(item.closure?.created_at);
    case 'phase':
      return item.closure?.phase ?? 'UNDEFINED';
    case 'launch_plan.name':
      return item.spec?.launch_plan?.name;
    case 'name':
      return item.id?.name ?? item.id;
    default:
      throw new Error(`fake: unknown field ${field}`);
  }
}
