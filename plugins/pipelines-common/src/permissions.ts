import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Start a backfill of a pipeline. A resource permission on the pipeline's
 * catalog entity, so policies can use the catalog's `isEntityOwner` rule.
 *
 * @public
 */
export const pipelinesBackfillCreatePermission = createPermission({
  name: 'pipelines.backfill.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Cancel a backfill of a pipeline; checked against the pipeline's entity.
 *
 * @public
 */
export const pipelinesBackfillCancelPermission = createPermission({
  name: 'pipelines.backfill.cancel',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** @public */
export const pipelinesPermissions = [
  pipelinesBackfillCreatePermission,
  pipelinesBackfillCancelPermission,
];
