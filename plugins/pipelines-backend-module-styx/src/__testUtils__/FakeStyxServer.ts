import { readFileSync } from 'node:fs';
import {
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  StyxBackfill,
  StyxBackfillPayload,
  StyxRunStateData,
  StyxTrigger,
  StyxWorkflowInstanceExecutionData,
} from '../styxTypes';

/** A fixture from `src/__fixtures__`, freshly parsed (so tests may mutate it). */
export function loadFixture<T = any>(name: string): T {
  return JSON.parse(
    readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8'),
  );
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body?: unknown;
}

export interface FakeResponse {
  status?: number;
  /** Styx puts its error text in the reason phrase. */
  reason?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, instead of `body`. */
  raw?: string;
  delayMs?: number;
}

type Handler = (
  request: RecordedRequest,
  params: string[],
) => FakeResponse | undefined;

/** What the fake Styx knows; tests change it between polls. */
export interface StyxWorld {
  workflowsFull: any[];
  /** `cid/wid` → instances. */
  instances: Record<string, StyxWorkflowInstanceExecutionData[]>;
  activeStates: StyxRunStateData[];
  backfills: Record<string, StyxBackfillPayload>;
  createdBackfill: StyxBackfill;
}

function trigger(
  id: string,
  at: string,
  statuses: Array<[string, string, string?]>,
  complete: boolean,
): StyxTrigger {
  return {
    trigger_id: id,
    timestamp: at,
    complete,
    executions: [
      {
        execution_id: `styx-run-${id}-${at}`,
        docker_image: 'example:1',
        runner_id: 'production',
        statuses: statuses.map(([timestamp, status, message]) => ({
          timestamp,
          status,
          message: message ?? null,
        })),
      },
    ],
  };
}

/** A workflow instance with one natural trigger of one execution. */
export function instance(
  componentId: string,
  workflowId: string,
  parameter: string,
  statuses: Array<[string, string, string?]>,
  complete = true,
): StyxWorkflowInstanceExecutionData {
  return {
    workflow_instance: {
      workflow_id: { component_id: componentId, id: workflowId },
      parameter,
    },
    triggers: [
      trigger('natural-trigger', statuses[0]?.[0] ?? '', statuses, complete),
    ],
  };
}

/**
 * The system of the fixtures as of 2026-11-01T05:00:00Z: the four workflows,
 * the recorded instances of daily-orders-rollup plus a few of the others (one
 * per parameter form), and the backfill's two active partitions.
 */
export function fixtureWorld(): StyxWorld {
  const backfill = loadFixture<StyxBackfillPayload>('get_backfill.json');
  const activeStates = backfill.statuses!.active_states!.filter(
    s => s.state === 'RUNNING' || s.state === 'QUEUED',
  );
  return {
    workflowsFull: loadFixture('get_workflows_full.json'),
    instances: {
      'analytics-pipelines/daily-orders-rollup': loadFixture(
        'get_workflow_instances.json',
      ),
      'analytics-pipelines/hourly-events-ingest': [
        instance(
          'analytics-pipelines',
          'hourly-events-ingest',
          '2026-11-01T03',
          [
            ['2026-11-01T04:00:03.000Z', 'SUBMITTED'],
            ['2026-11-01T04:00:10.000Z', 'STARTED'],
            ['2026-11-01T04:20:00.000Z', 'SUCCESS'],
          ],
        ),
        instance(
          'analytics-pipelines',
          'hourly-events-ingest',
          '2026-11-01T04',
          [
            ['2026-11-01T05:00:02.000Z', 'SUBMITTED'],
            ['2026-11-01T05:45:02.000Z', 'TIMEOUT'],
          ],
        ),
      ],
      'analytics-pipelines/weekly-customer-ltv': [
        instance('analytics-pipelines', 'weekly-customer-ltv', '2026-10-19', [
          ['2026-10-26T00:00:04.000Z', 'SUBMITTED'],
          ['2026-10-26T00:00:30.000Z', 'STARTED'],
          ['2026-10-26T03:10:00.000Z', 'SUCCESS'],
        ]),
      ],
      'marketing-etl/campaign-attribution': [
        instance('marketing-etl', 'campaign-attribution', '2026-10-30T06:00Z', [
          ['2026-10-30T06:00:05.000Z', 'SUBMITTED'],
          ['2026-10-30T06:00:20.000Z', 'STARTED'],
          ['2026-10-30T06:02:00.000Z', 'HALTED'],
        ]),
      ],
    },
    activeStates,
    backfills: { [backfill.backfill.id]: backfill },
    createdBackfill: loadFixture('post_backfill_response.json'),
  };
}

/**
 * A local HTTP server that answers like Styx's v3 API from a StyxWorld, and
 * records every request. Routes added with `route` take precedence.
 */
export class FakeStyxServer {
  static async start(
    world: StyxWorld = fixtureWorld(),
  ): Promise<FakeStyxServer> {
    const fake = new FakeStyxServer(world);
    await new Promise<void>(resolve =>
      fake.server.listen(0, '127.0.0.1', resolve),
    );
    return fake;
  }

  readonly requests: RecordedRequest[] = [];
  private readonly routes: Array<{
    method: string;
    pattern: RegExp;
    handler: Handler;
  }> = [];
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(public world: StyxWorld) {
    this.server = createServer((req, res) => this.handle(req, res));
    this.addDefaultRoutes();
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers `method path` (a regexp over the path) with the handler first. */
  route(method: string, pattern: RegExp, handler: Handler): void {
    this.routes.unshift({ method, pattern, handler });
  }

  /** `METHOD /path?query` of the requests so far, for assertions. */
  requestLines(): string[] {
    return this.requests.map(r => {
      const query = new URLSearchParams(r.query).toString();
      return `${r.method} ${r.path}${query ? `?${query}` : ''}`;
    });
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    // A delayed answer nobody waits for any more must not keep Jest alive.
    this.timers.forEach(timer => clearTimeout(timer));
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    let text = '';
    req.on('data', chunk => (text += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      this.requests.push(recorded);
      let answer: FakeResponse | undefined;
      for (const route of this.routes) {
        const match =
          route.method === recorded.method && url.pathname.match(route.pattern);
        if (match) {
          answer = route.handler(
            recorded,
            match.slice(1).map(decodeURIComponent),
          );
          if (answer) break;
        }
      }
      answer ??= { status: 404, reason: 'Not Found' };
      const send = () => {
        if (res.destroyed) return;
        res.statusCode = answer!.status ?? 200;
        if (answer!.reason) res.statusMessage = answer!.reason;
        if (answer!.raw !== undefined) {
          res.end(answer!.raw);
        } else if (answer!.body !== undefined) {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify(answer!.body));
        } else {
          res.end();
        }
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
  }

  private addDefaultRoutes() {
    const api = '/api/v3';
    const w = () => this.world;
    this.route('GET', new RegExp(`^${api}/workflows$`), req => ({
      body:
        req.query.full === 'true'
          ? w().workflowsFull
          : w().workflowsFull.map(item => item.workflow),
    }));
    this.route(
      'GET',
      new RegExp(`^${api}/workflows/([^/]+)/([^/]+)$`),
      (_req, [cid, wid]) => {
        const found = w().workflowsFull.find(
          item =>
            item.workflow.component_id === cid &&
            item.workflow.workflow_id === wid,
        );
        return found
          ? { body: found.workflow }
          : { status: 404, reason: 'workflow not found' };
      },
    );
    this.route(
      'GET',
      new RegExp(`^${api}/workflows/([^/]+)/([^/]+)/instances$`),
      (req, [cid, wid]) => {
        const all = [...(w().instances[`${cid}/${wid}`] ?? [])].sort((a, b) =>
          a.workflow_instance.parameter < b.workflow_instance.parameter
            ? -1
            : 1,
        );
        const limit = Number(req.query.limit ?? 168);
        const offset = req.query.offset;
        return {
          body: all
            .filter(i => !offset || i.workflow_instance.parameter >= offset)
            .slice(0, limit),
        };
      },
    );
    this.route(
      'GET',
      new RegExp(`^${api}/workflows/([^/]+)/([^/]+)/instances/([^/]+)$`),
      (_req, [cid, wid, parameter]) => {
        const found = (w().instances[`${cid}/${wid}`] ?? []).find(
          i => i.workflow_instance.parameter === parameter,
        );
        return found
          ? { body: found }
          : { status: 404, reason: 'workflow instance not found' };
      },
    );
    this.route('GET', new RegExp(`^${api}/status/activeStates$`), req => ({
      body: {
        active_states: w().activeStates.filter(state => {
          const id = state.workflow_instance.workflow_id;
          return (
            (!req.query.component ||
              id?.component_id === req.query.component) &&
            (!req.query.workflow || id?.id === req.query.workflow)
          );
        }),
      },
    }));
    // Styx reads the body as a WorkflowInstance; unknown keys fail parsing.
    this.route('POST', new RegExp(`^${api}/scheduler/halt$`), req => {
      const body = req.body as any;
      const keys = Object.keys(body ?? {})
        .sort()
        .join(',');
      if (
        keys !== 'parameter,workflow_id' ||
        typeof body.workflow_id?.component_id !== 'string' ||
        typeof body.workflow_id?.id !== 'string'
      ) {
        return { status: 400, reason: 'Payload parsing failed' };
      }
      const index = w().activeStates.findIndex(
        state =>
          state.workflow_instance.workflow_id?.component_id ===
            body.workflow_id.component_id &&
          state.workflow_instance.workflow_id?.id === body.workflow_id.id &&
          state.workflow_instance.parameter === body.parameter,
      );
      if (index < 0) {
        return {
          status: 400,
          reason: `Received event for unknown workflow instance: halt{${body.workflow_id.component_id}#${body.workflow_id.id}#${body.parameter}}`,
        };
      }
      w().activeStates.splice(index, 1);
      return { body };
    });
    this.route(
      'GET',
      new RegExp(`^${api}/backfills/([^/]+)$`),
      (_req, [id]) => {
        const found = w().backfills[id];
        return found
          ? { body: found }
          : { status: 404, reason: 'backfill not found' };
      },
    );
    this.route('POST', new RegExp(`^${api}/backfills$`), () => ({
      body: w().createdBackfill,
    }));
    this.route(
      'DELETE',
      new RegExp(`^${api}/backfills/([^/]+)$`),
      (_req, [id]) => {
        const found = w().backfills[id];
        if (!found) return { status: 404, reason: 'backfill not found' };
        found.backfill.halted = true;
        found.backfill.last_modified = '2026-11-01T05:30:00Z';
        return { status: 200 };
      },
    );
    this.route('POST', new RegExp(`^${api}/scheduler/trigger$`), req => ({
      body: { ...(req.body as object), trigger_id: 'UNKNOWN' },
    }));
  }
}
