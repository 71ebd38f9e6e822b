import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { SchedulerProvider } from './SchedulerProvider';

/** @public */
export interface SchedulerProvidersExtensionPoint {
  addProvider(...providers: SchedulerProvider[]): void;
}

/**
 * Through this, backend modules register the schedulers the pipelines plugin
 * polls.
 *
 * @public
 */
export const schedulerProvidersExtensionPoint =
  createExtensionPoint<SchedulerProvidersExtensionPoint>({
    id: 'pipelines.scheduler-providers',
  });
