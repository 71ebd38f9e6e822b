import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { LuigiTaskMap } from '../luigiTypes';

/** A recorded answer of luigid, parsed: `{ response: ... }`. */
export function readFixture<T = any>(name: string): T {
  return JSON.parse(
    fs.readFileSync(
      resolvePackagePath(
        '@tributary/plugin-pipelines-backend-module-luigi',
        'src/__fixtures__',
        name,
      ),
      'utf8',
    ),
  );
}

export interface FakeLuigiRequest {
  /** The RPC method; the API may sit under a path prefix. */
  method: string;
  path: string;
  data: any;
  headers: http.IncomingHttpHeaders;
}

/** What a test may answer instead of the scheduler state. */
export interface FakeLuigiOverride {
  status?: number;
  body?: string;
  delayMs?: number;
}

/**
 * A luigid stand-in on 127.0.0.1 answering the recorded fixtures: the same
 * `GET /api/<method>?data=<JSON>` → `{"response": ...}` API. Its state is
 * plain data tests may change between polls.
 */
export class FakeLuigiServer {
  static async start(): Promise<FakeLuigiServer> {
    const fake = new FakeLuigiServer();
    await new Promise<void>(resolve =>
      fake.server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = fake.server.address() as AddressInfo;
    fake.url = `http://127.0.0.1:${port}`;
    return fake;
  }

  url = '';
  readonly requests: FakeLuigiRequest[] = [];
  /** task_list answers by `STATUS` or `STATUS:UPSTREAM_STATUS`. */
  lists: Record<string, LuigiTaskMap | { num_tasks: number }> = {
    PENDING: readFixture('task_list_PENDING.json').response,
    'PENDING:UPSTREAM_FAILED': readFixture(
      'task_list_PENDING_upstream_failed.json',
    ).response,
    RUNNING: readFixture('task_list_RUNNING.json').response,
    DONE: readFixture('task_list_DONE.json').response,
    FAILED: readFixture('task_list_FAILED.json').response,
    DISABLED: readFixture('task_list_DISABLED.json').response,
  };
  graph: LuigiTaskMap = readFixture('graph.json').response;
  /** fetch_error answers by task id; others answer an empty error. */
  errors: Record<string, unknown> = (() => {
    const recorded = readFixture('fetch_error.json').response;
    return { [recorded.taskId]: recorded };
  })();
  paused: boolean | undefined = false;
  /** Answers instead of the state when it returns something. */
  override?: (request: FakeLuigiRequest) => FakeLuigiOverride | undefined;

  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly bodies = new WeakMap<object, string>();

  private readonly server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /\/api\/([a-z_]+)$/.exec(url.pathname);
    const rawData = url.searchParams.get('data');
    const request: FakeLuigiRequest = {
      method: match?.[1] ?? url.pathname,
      path: url.pathname,
      data: rawData === null ? undefined : JSON.parse(rawData),
      headers: req.headers,
    };
    this.requests.push(request);
    const override = this.override?.(request);
    const answer = override ?? this.answer(request);
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(answer.status ?? 200, {
        'Content-Type': 'application/json',
      });
      res.end(answer.body);
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

  private answer(request: FakeLuigiRequest): FakeLuigiOverride {
    const respond = (response: unknown) => {
      // Large states are serialized once, as a server would not count.
      if (typeof response !== 'object' || response === null) {
        return { body: JSON.stringify({ response }) };
      }
      let body = this.bodies.get(response);
      if (body === undefined) {
        body = JSON.stringify({ response });
        this.bodies.set(response, body);
      }
      return { body };
    };
    switch (request.method) {
      case 'task_list': {
        const { status, upstream_status: upstream } = request.data ?? {};
        return respond(
          this.lists[upstream ? `${status}:${upstream}` : status] ?? {},
        );
      }
      case 'graph':
        return respond(this.graph);
      case 'fetch_error': {
        const taskId = request.data?.task_id;
        return respond(this.errors[taskId] ?? { taskId, error: '' });
      }
      case 'is_paused':
        return this.paused === undefined
          ? { status: 404, body: '<html>404: Not Found</html>' }
          : respond({ paused: this.paused });
      default:
        return { status: 404, body: '<html>404: Not Found</html>' };
    }
  }

  /** Requests of one RPC method. */
  calls(method: string): FakeLuigiRequest[] {
    return this.requests.filter(r => r.method === method);
  }

  async stop(): Promise<void> {
    this.timers.forEach(timer => clearTimeout(timer));
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }
}
