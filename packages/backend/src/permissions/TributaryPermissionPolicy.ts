import {
  RootConfigService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  pipelinesBackfillCancelPermission,
  pipelinesBackfillCreatePermission,
} from '@tributary/plugin-pipelines-common';

/** Where the policy's admin groups are configured. */
export const ADMIN_GROUPS_CONFIG_KEY = 'pipelines.backfill.adminGroups';

/**
 * Everyone reads; a pipeline's backfills may be started and cancelled by the
 * owners of its catalog entity (through the user's ownership claims, so
 * membership of the owning group counts) and by the configured admin groups.
 */
export class TributaryPermissionPolicy implements PermissionPolicy {
  static fromConfig(
    config: RootConfigService,
    userInfo: UserInfoService,
  ): TributaryPermissionPolicy {
    return new TributaryPermissionPolicy(
      config.getOptionalStringArray(ADMIN_GROUPS_CONFIG_KEY) ?? [],
      userInfo,
    );
  }

  constructor(
    private readonly adminGroups: string[],
    private readonly userInfo: UserInfoService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (
      !isPermission(permission, pipelinesBackfillCreatePermission) &&
      !isPermission(permission, pipelinesBackfillCancelPermission)
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) {
      // Services hold no ownership: only users backfill.
      return { result: AuthorizeResult.DENY };
    }
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    if (ownershipEntityRefs.some(ref => this.adminGroups.includes(ref))) {
      return { result: AuthorizeResult.ALLOW };
    }
    return createCatalogConditionalDecision(
      permission,
      catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
    );
  }
}
