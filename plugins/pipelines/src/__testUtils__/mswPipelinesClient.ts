import { PipelinesClient } from '../api';

/** Where tests' msw handlers answer the pipelines backend. */
export const PIPELINES_BASE_URL = 'http://localhost:7007/api/pipelines';

/** The real client against msw: `fetch` is looked up per call because msw
 * replaces the global one when it starts listening. */
export function createMswPipelinesClient(): PipelinesClient {
  return new PipelinesClient({
    discoveryApi: { getBaseUrl: async () => PIPELINES_BASE_URL },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
}
