import {
  Layout,
  LayoutGraph,
  layoutLineage,
  LayoutOptions,
} from '../../lib/lineageLayout';
import type {
  LayoutAnswer,
  LayoutRequest,
} from '../../lib/lineageLayout.worker';

// This file alone holds `import.meta`, which Jest cannot parse: component
// tests mock it with the synchronous layout.

interface Pending {
  request: LayoutRequest;
  resolve(layout: Layout): void;
  reject(error: Error): void;
}

/**
 * Graphs this small are laid out here while the worker still starts (it takes
 * a browser longer to start one than to lay these out: some 10 ms).
 */
export const LAYOUT_HERE_MAX_NODES = 250;
/** The id of the request that tells when the worker is up. */
const WARM_UP = 0;

let worker: Worker | undefined;
let workerFailed = false;
let workerReady = false;
let nextId = 1;
const pending = new Map<number, Pending>();

function settleHere(job: Pending) {
  try {
    job.resolve(layoutLineage(job.request.graph, job.request.options));
  } catch (error) {
    job.reject(error as Error);
  }
}

/**
 * Runs `run` in a task of its own, right after the current one: a layout on
 * the main thread then blocks the page apart from the rendering around it.
 */
function inTaskOfItsOwn(run: () => void) {
  if (typeof MessageChannel === 'undefined') {
    setTimeout(run, 0);
    return;
  }
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    run();
  };
  channel.port2.postMessage(undefined);
}

function getWorker(): Worker | undefined {
  if (worker || workerFailed || typeof Worker === 'undefined') {
    return worker;
  }
  try {
    // The bundler (webpack or rspack) emits the worker as its own chunk.
    worker = new Worker(
      new URL('../../lib/lineageLayout.worker.ts', import.meta.url),
    );
  } catch {
    // E.g. a Content-Security-Policy without worker-src: lay out here.
    workerFailed = true;
    return undefined;
  }
  worker.onmessage = (event: MessageEvent<LayoutAnswer>) => {
    const answer = event.data;
    if (answer.id === WARM_UP) {
      workerReady = true;
      return;
    }
    const job = pending.get(answer.id);
    pending.delete(answer.id);
    if (!job) {
      return;
    }
    if ('layout' in answer) {
      job.resolve(answer.layout);
    } else {
      job.reject(new Error(answer.error));
    }
  };
  worker.onerror = () => {
    // A worker that cannot load fails every job: finish them here instead.
    worker?.terminate();
    worker = undefined;
    workerFailed = true;
    const jobs = [...pending.values()];
    pending.clear();
    jobs.forEach(settleHere);
  };
  const warmUp: LayoutRequest = {
    id: WARM_UP,
    graph: { nodes: [], edges: [] },
  };
  worker.postMessage(warmUp);
  return worker;
}

/**
 * Starts the layout worker ahead of the first layout, e.g. while the graph
 * loads: loading it takes a while.
 */
export function prepareLayout(): void {
  getWorker();
}

/**
 * Lays out a graph in a Web Worker, off the main thread; where there are no
 * workers (tests, server rendering, a blocked worker) it lays out directly,
 * and so it does a small graph while the worker starts.
 */
export function runLayout(
  graph: LayoutGraph,
  options?: Partial<LayoutOptions>,
): Promise<Layout> {
  return new Promise((resolve, reject) => {
    const job = { request: { id: nextId++, graph, options }, resolve, reject };
    const target = getWorker();
    if (
      !target ||
      (!workerReady && graph.nodes.length <= LAYOUT_HERE_MAX_NODES)
    ) {
      // Not in the task that asked, which renders the answer that came.
      inTaskOfItsOwn(() => settleHere(job));
      return;
    }
    pending.set(job.request.id, job);
    target.postMessage(job.request);
  });
}
