import {
  Layout,
  LayoutGraph,
  layoutLineage,
  LayoutOptions,
} from './lineageLayout';

/** A request to the layout worker; `id` pairs it with its answer. */
export interface LayoutRequest {
  id: number;
  graph: LayoutGraph;
  options?: Partial<LayoutOptions>;
}

export type LayoutAnswer =
  | { id: number; layout: Layout }
  | { id: number; error: string };

// The repo compiles against the DOM lib, not WebWorker: type just what is used.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(answer: LayoutAnswer): void;
};

scope.onmessage = event => {
  const { id, graph, options } = event.data;
  try {
    scope.postMessage({ id, layout: layoutLineage(graph, options) });
  } catch (error) {
    scope.postMessage({ id, error: String(error) });
  }
};
