import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  pipelines?: {
    providers?: {
      /**
       * Styx schedulers to poll, one entry per instance. Each becomes the
       * provider `styx:<id>`.
       */
      styx?: Array<{
        /** Instance id, unique among the Styx instances; the provider id is `styx:<id>`. */
        id: string;
        /** Human name of the instance, shown in the UI. Defaults to `Styx <id>`. */
        title?: string;
        /**
         * Where Styx answers, e.g. `https://styx.example.net`. `/api/v3` is
         * added unless the URL already ends with it.
         */
        baseUrl: string;
        /**
         * Bearer token (a Google ID token) sent as `Authorization: Bearer …`.
         * Styx needs one for everything but GET: triggers and backfills.
         * Use `${STYX_TOKEN}` to read it from the environment.
         * @visibility secret
         */
        token?: string;
        /** How often to poll. Defaults to the pipelines backend's schedule. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** Owner reported for pipelines whose workflow names no component. */
        owner?: string;
        /**
         * Pipeline-name glob pattern (e.g. `marketing-etl/campaign-*`) → owner,
         * for pipelines whose workflow names no component. The first match wins.
         */
        owners?: { [pattern: string]: string };
        /**
         * Request timeout: milliseconds, a string such as `30s` or `PT30S`,
         * or a duration object such as `{ seconds: 30 }`. Defaults to 30 s.
         */
        timeout?:
          | number
          | SchedulerServiceTaskScheduleDefinitionConfig['timeout'];
        /**
         * Workflow instances asked per workflow and request (Styx's `limit`).
         * Defaults to 168, Styx's own default.
         */
        pageSize?: number;
        /**
         * On the first poll (no cursor), read only partitions this far back,
         * e.g. `{ days: 30 }`. Defaults to every partition Styx knows.
         */
        initialLookback?: SchedulerServiceTaskScheduleDefinitionConfig['timeout'];
      }>;
    };
  };
}
