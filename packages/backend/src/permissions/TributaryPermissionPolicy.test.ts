import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  pipelinesBackfillCancelPermission,
  pipelinesBackfillCreatePermission,
} from '@tributary/plugin-pipelines-common';
import { TributaryPermissionPolicy } from './TributaryPermissionPolicy';

const ADMINS = 'group:default/pipeline-admins';

function policyFor(ownershipEntityRefs: string[]) {
  const userInfo = mockServices.userInfo.mock({
    getUserInfo: async () => ({
      userEntityRef: ownershipEntityRefs[0],
      ownershipEntityRefs,
    }),
  });
  return TributaryPermissionPolicy.fromConfig(
    mockServices.rootConfig({
      data: { pipelines: { backfill: { adminGroups: [ADMINS] } } },
    }),
    userInfo,
  );
}

const userQuery = (ref: string) => ({
  credentials: mockCredentials.user(ref),
  info: { userEntityRef: ref, ownershipEntityRefs: [] },
});

describe('TributaryPermissionPolicy', () => {
  it('lets everyone read', async () => {
    const policy = policyFor(['user:default/sam']);
    await expect(
      policy.handle(
        { permission: catalogEntityReadPermission },
        userQuery('user:default/sam'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it.each([
    pipelinesBackfillCreatePermission,
    pipelinesBackfillCancelPermission,
  ])(
    'gives $name to the owners of the entity, by their ownership claims',
    async permission => {
      const claims = ['user:default/olive', 'group:default/royalties'];
      const decision = await policyFor(claims).handle(
        { permission },
        userQuery('user:default/olive'),
      );
      expect(decision).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims },
        },
      });
    },
  );

  it('allows members of an admin group outright', async () => {
    const decision = await policyFor(['user:default/ada', ADMINS]).handle(
      { permission: pipelinesBackfillCreatePermission },
      userQuery('user:default/ada'),
    );
    expect(decision).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('denies backfills to callers without a user', async () => {
    const decision = await policyFor([]).handle({
      permission: pipelinesBackfillCreatePermission,
    });
    expect(decision).toEqual({ result: AuthorizeResult.DENY });
  });
});
