/*
 * Posts pre-serialized request bodies with Node's http client from a worker thread,
 * so that the client's CPU (undici, JSON) does not run on the server's event
 * loop: the figures are those of the server, as with a remote producer.
 */
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, bodies, concurrency, authorization, acceptedPerBody } = workerData;
// Node's http client with kept-alive sockets: much less CPU per request than
// fetch, which shares the server's two cores.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
function post(body) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization,
        },
      },
      response => {
        const chunks = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
// Posts once told to: the bodies are copied here before the timed window.
parentPort.once('message', () => run().catch(error => parentPort.postMessage({ elapsed: 0, failures: bodies.length, firstError: String(error), latencies: [] })));
parentPort.postMessage('ready');
async function run() {
  let next = 0;
  let failures = 0;
  let firstError;
  const latencies = new Float64Array(bodies.length);
  const started = performance.now();
  async function lane() {
    for (;;) {
      const i = next++;
      if (i >= bodies.length) return;
      const t0 = performance.now();
      let ok = false;
      let detail = '';
      try {
        const { status, text } = await post(bodies[i]);
        ok = status >= 200 && status < 300;
        detail = status + ' ' + text.slice(0, 500);
        if (ok && acceptedPerBody) {
          const answer = JSON.parse(text);
          ok = answer.accepted === acceptedPerBody[i] && answer.rejected === 0;
        }
      } catch (error) {
        detail = String(error);
      }
      latencies[i] = performance.now() - t0;
      if (!ok) {
        failures++;
        if (firstError === undefined) firstError = detail;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsed = performance.now() - started;
  parentPort.postMessage({ elapsed, failures, firstError, latencies: Array.from(latencies) });
}
`;

export interface PostResult {
  /** Wall time from the first request sent to the last answer received. */
  elapsed: number;
  failures: number;
  firstError?: string;
  /** Per request, in ms. */
  latencies: number[];
}

interface PostOptions {
  url: string;
  bodies: string[];
  concurrency: number;
  authorization: string;
  acceptedPerBody?: number[];
}

/**
 * Starts a client thread holding the bodies; the answer POSTs every body to
 * url, `concurrency` requests in flight. For batches, `acceptedPerBody[i]`
 * is how many events body i must have accepted.
 */
export function preparePosts(
  options: PostOptions,
): Promise<() => Promise<PostResult>> {
  return new Promise((resolveReady, rejectReady) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: options,
    });
    let result: Promise<PostResult> | undefined;
    const post = () => {
      result ??= new Promise<PostResult>((resolve, reject) => {
        worker.once('message', (answer: PostResult) => {
          resolve(answer);
          worker.terminate().catch(() => {});
        });
        worker.once('error', reject);
        worker.postMessage('start');
      });
      return result;
    };
    worker.once('message', () => resolveReady(post));
    worker.once('error', rejectReady);
  });
}

/** preparePosts, then post. */
export async function postAll(options: PostOptions): Promise<PostResult> {
  const post = await preparePosts(options);
  return post();
}
