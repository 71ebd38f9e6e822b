import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_DATASET_ID,
  ANNOTATION_PIPELINE_ID,
  LineageNode,
} from '@tributary/plugin-pipelines-common';
import { useCallback } from 'react';
import { useNavigate } from 'react-router-dom';

/**
 * Opens a lineage node's catalog entity page. Entity names are hashed, so the
 * entity is found by its id annotation. Resolves false when there is none.
 */
export function useOpenEntity(): (node: LineageNode) => Promise<boolean> {
  const catalogApi = useApi(catalogApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const navigate = useNavigate();
  return useCallback(
    async (node: LineageNode) => {
      const annotation =
        node.kind === 'pipeline'
          ? ANNOTATION_PIPELINE_ID
          : ANNOTATION_DATASET_ID;
      const { items } = await catalogApi.getEntities({
        filter: { [`metadata.annotations.${annotation}`]: node.id },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
        limit: 1,
      });
      if (!items[0]) {
        return false;
      }
      navigate(entityRoute(entityRouteParams(items[0])));
      return true;
    },
    [catalogApi, entityRoute, navigate],
  );
}
