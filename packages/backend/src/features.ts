import appBackend from '@backstage/plugin-app-backend';
import authBackend from '@backstage/plugin-auth-backend';
import guestAuthProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogBackend from '@backstage/plugin-catalog-backend';
import notificationsBackend from '@backstage/plugin-notifications-backend';
import permissionBackend from '@backstage/plugin-permission-backend';
import searchBackend from '@backstage/plugin-search-backend';
import searchCatalogCollator from '@backstage/plugin-search-backend-module-catalog';
import signalsBackend from '@backstage/plugin-signals-backend';
import pipelinesCatalogModule from '@tributary/plugin-catalog-backend-module-pipelines';
import pipelinesBackend from '@tributary/plugin-pipelines-backend';
import airflowProvider from '@tributary/plugin-pipelines-backend-module-airflow';
import flyteProvider from '@tributary/plugin-pipelines-backend-module-flyte';
import pipelinesDemo from '@tributary/plugin-pipelines-backend-module-demo';
import luigiProvider from '@tributary/plugin-pipelines-backend-module-luigi';
import styxProvider from '@tributary/plugin-pipelines-backend-module-styx';
import { tributaryPermissionPolicyModule } from './permissions/module';

/**
 * Every feature of the Tributary backend. The entry point adds them to a real
 * backend; the start-up test adds the same list, so a release skew between them
 * fails a test instead of a deployment. Static imports because Jest cannot run
 * dynamic ones.
 */
export const backendFeatures = [
  appBackend,
  authBackend,
  guestAuthProvider,
  catalogBackend,
  // Emits pipelines as Components and datasets as APIs into the catalog.
  pipelinesCatalogModule,
  permissionBackend,
  // Everyone reads; owners and admin groups backfill.
  tributaryPermissionPolicyModule,
  searchBackend,
  searchCatalogCollator,
  notificationsBackend,
  signalsBackend,
  pipelinesBackend,
  // Each polls the instances configured under pipelines.providers.<scheduler>.
  luigiProvider,
  styxProvider,
  flyteProvider,
  airflowProvider,
  // The embedded default's demo data and simulated scheduler; only when
  // pipelines.demo.enabled is set.
  pipelinesDemo,
];
