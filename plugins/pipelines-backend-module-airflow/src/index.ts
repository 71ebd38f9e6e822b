/**
 * Tributary scheduler provider for Apache Airflow 3 (REST API v2): DAGs as
 * pipelines, DAG runs as runs, triggered runs and Airflow's own backfills.
 *
 * @packageDocumentation
 */

export { airflowModule as default } from './module';
export { AirflowProvider } from './AirflowProvider';
export type {
  AirflowBackfillRequest,
  AirflowProviderOptions,
} from './AirflowProvider';
export type { AirflowCredentials } from './AirflowTokenSource';
export type { AirflowReprocessBehavior } from './airflowTypes';
