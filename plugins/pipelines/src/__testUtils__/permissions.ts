import { mockApis } from '@backstage/frontend-test-utils';

/**
 * The decisions the permission mock takes, typed from the mock itself so the
 * tests need no dependency on permission-common for its `AuthorizeResult`.
 */
type Decision = Exclude<
  NonNullable<
    NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize']
  >,
  (...args: any[]) => unknown
>;

const ALLOW = 'ALLOW' as Decision;
const DENY = 'DENY' as Decision;

/** A permission API that allows the permissions `allowed` accepts by name. */
export function mockPermissions(allowed: (permissionName: string) => boolean) {
  return mockApis.permission({
    authorize: request => (allowed(request.permission.name) ? ALLOW : DENY),
  });
}
