/**
 * Tributary's frontend plugin. The main entry serves apps on the legacy frontend
 * system; `@tributary/plugin-pipelines/alpha` serves the new one.
 *
 * @packageDocumentation
 */

export { pipelinesPlugin, PipelinesPage } from './plugin';
export { pipelinesApiRef, PipelinesClient } from './api';
export type { PipelinesApi } from './api';
export { rootRouteRef } from './routes';
