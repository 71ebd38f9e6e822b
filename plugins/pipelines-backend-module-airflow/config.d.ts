import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

/** Durations: milliseconds, a string like `30s` / `PT30S`, or an object. */
type AirflowDurationConfig =
  | number
  | string
  | {
      years?: number;
      months?: number;
      weeks?: number;
      days?: number;
      hours?: number;
      minutes?: number;
      seconds?: number;
      milliseconds?: number;
    };

export interface Config {
  pipelines?: {
    providers?: {
      /** Airflow 3 instances (REST API v2) the pipelines plugin polls. */
      airflow?: Array<{
        /** Instance id; the provider id is `airflow:<id>`. */
        id: string;
        /** Shown in the UI; `Airflow <id>` by default. */
        title?: string;
        /**
         * Root of the Airflow API server, including the `[api] base_url` path
         * when Airflow is served under one, e.g. `https://airflow.example.com`.
         */
        baseUrl: string;
        /** Root of the Airflow UI for links, when it differs from baseUrl. */
        webUrl?: string;
        /** How often to poll; the pipelines plugin's default when absent. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** Owner of DAGs that name none (Airflow reports `airflow` then). */
        owner?: string;
        /**
         * DAG-id glob pattern (`*`, `?`) → owner, for DAGs that name none;
         * the first matching pattern wins, then `owner`.
         */
        owners?: { [pattern: string]: string };
        /** Timeout of each request; 30 s by default. */
        timeout?: AirflowDurationConfig;
        /**
         * Credentials. With username and password the module gets JWTs from
         * `POST <baseUrl>/auth/token` and renews them; `token` is a pre-issued
         * JWT for auth managers without a password flow.
         */
        auth?: {
          username?: string;
          /** @visibility secret */
          password?: string;
          /** @visibility secret */
          token?: string;
        };
        /** Page size of list calls; Airflow clamps it to 100 by default. */
        pageSize?: number;
        /** How far each poll reaches back before the last; 2 min by default. */
        cursorOverlap?: AirflowDurationConfig;
        /**
         * On a first poll, failed runs that ended longer ago than this get no
         * error message (saves one task-instance request per run). 7 days by
         * default.
         */
        errorLookback?: AirflowDurationConfig;
        backfill?: {
          /**
           * Airflow's reprocess_behavior for partitions that already have a
           * run: `none` (skip them; default), `failed` or `completed`.
           */
          reprocessBehavior?: 'none' | 'failed' | 'completed';
        };
      }>;
    };
  };
}
