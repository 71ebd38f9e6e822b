/**
 * Every feature of the Tributary backend. The entry point adds them to a real
 * backend; the start-up test adds the same list, so a release skew between them
 * fails a test instead of a deployment.
 */
export const backendFeatures = [
  import('@backstage/plugin-app-backend'),

  import('@backstage/plugin-auth-backend'),
  import('@backstage/plugin-auth-backend-module-guest-provider'),

  import('@backstage/plugin-catalog-backend'),

  // Allow-all until the backfill permission policy replaces it.
  import('@backstage/plugin-permission-backend'),
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),

  import('@backstage/plugin-search-backend'),
  import('@backstage/plugin-search-backend-module-catalog'),

  import('@backstage/plugin-notifications-backend'),
  import('@backstage/plugin-signals-backend'),

  import('@tributary/plugin-pipelines-backend'),
];
