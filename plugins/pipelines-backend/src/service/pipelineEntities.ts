import { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_PIPELINE_ID } from '@tributary/plugin-pipelines-common';

/** The catalog entity of a pipeline, found by its id annotation. */
export async function findPipelineEntityRef(
  catalog: CatalogService,
  auth: AuthService,
  pipelineId: string,
): Promise<string | undefined> {
  const { items } = await catalog.getEntities(
    {
      filter: {
        [`metadata.annotations.${ANNOTATION_PIPELINE_ID}`]: pipelineId,
      },
      fields: ['kind', 'metadata.namespace', 'metadata.name'],
    },
    { credentials: await auth.getOwnServiceCredentials() },
  );
  return items[0] ? stringifyEntityRef(items[0]) : undefined;
}

/** The app path of the pipeline tab of an entity. */
export function pipelineTabPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/pipeline`;
}
