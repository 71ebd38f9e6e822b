import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { TributaryPermissionPolicy } from './TributaryPermissionPolicy';

/** Installs {@link TributaryPermissionPolicy} as the permission policy. */
export const tributaryPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'tributary-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          TributaryPermissionPolicy.fromConfig(config, userInfo),
        );
      },
    });
  },
});
