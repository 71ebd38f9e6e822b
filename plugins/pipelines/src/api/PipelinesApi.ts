import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  ListPipelinesQuery,
  ListPipelinesResponse,
} from '@tributary/plugin-pipelines-common';

/**
 * The frontend's view of the pipelines backend.
 *
 * @public
 */
export interface PipelinesApi {
  listPipelines(query?: ListPipelinesQuery): Promise<ListPipelinesResponse>;
}

/** @public */
export const pipelinesApiRef = createApiRef<PipelinesApi>().with({
  id: 'plugin.pipelines.api',
});
