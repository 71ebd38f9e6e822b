import { layoutLineage } from './lineageLayout';
import type { LayoutRequest } from './lineageLayout.worker';

describe('lineage layout worker', () => {
  it('answers a request with its id and the layout', async () => {
    const postMessage = jest
      .spyOn(window, 'postMessage')
      .mockImplementation(() => {});
    await import('./lineageLayout.worker');
    const request: LayoutRequest = {
      id: 7,
      graph: { nodes: ['a', 'b'], edges: [{ from: 'a', to: 'b' }] },
      options: { nodeWidth: 100 },
    };

    window.onmessage!(new MessageEvent('message', { data: request }));

    expect(postMessage).toHaveBeenCalledWith({
      id: 7,
      layout: layoutLineage(request.graph, request.options),
    });
  });
});
