import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  pipelines?: {
    providers?: {
      /** Flyte instances (FlyteAdmin REST API) the pipelines plugin polls. */
      flyte?: Array<{
        /** Instance id; the provider id is `flyte:<id>`. */
        id: string;
        /** Human name shown in the UI. */
        title?: string;
        /** FlyteAdmin's HTTP address, e.g. `https://flyte.example.com`. */
        baseUrl: string;
        /** Where the Flyte console is served, for links; defaults to baseUrl. */
        consoleUrl?: string;
        /** How often to poll; the backend's default when absent. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** Owner reported for every pipeline instead of its Flyte project. */
        owner?: string;
        /**
         * Pipeline-name glob (`*` any characters, `?` one) → owner, e.g.
         * `customer-analytics/production/ltv.*: team-ds`. First match wins,
         * before ownerLabel, owner and the project.
         */
        owners?: { [pattern: string]: string };
        /**
         * A label key (e.g. `team`) whose value on the launch plan, else on
         * its project, names the owner.
         */
        ownerLabel?: string;
        /**
         * Per-request timeout: milliseconds, an ISO 8601 duration or an
         * object such as `{ seconds: 30 }`. Defaults to 30 seconds.
         */
        timeout?:
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
        /** `limit` of every list call. Defaults to 100. */
        pageSize?: number;
        /** Pages of executions per project/domain in one listRuns call. Defaults to 10. */
        pagesPerPoll?: number;
        /**
         * How far before the last change seen each poll looks again, same
         * forms as timeout. Defaults to 1 minute.
         */
        cursorOverlap?:
          | number
          | string
          | {
              days?: number;
              hours?: number;
              minutes?: number;
              seconds?: number;
              milliseconds?: number;
            };
        /**
         * The first poll (no cursor) reads only executions updated this
         * recently, same forms as timeout. All of them by default.
         */
        initialLookback?:
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
        /**
         * Project/domain pairs to watch (all domains of a project when
         * `domain` is left out). By default every non-archived project from
         * FlyteAdmin × its domains.
         */
        projects?: Array<{ project: string; domain?: string }>;
        /** Projects left out of the default "every project". */
        excludeProjects?: string[];
        /**
         * The launch plan input that carries the partition, matched ignoring
         * case. By default the launch plan's `kickoff_time_input_arg`, else
         * `styx_parameter`; when set, this input is preferred.
         */
        partitionInput?: string;
        /**
         * How triggerRun writes a partition into a STRING input: `date`
         * (2026-10-15), `hour` (2026-10-15T03), `month` (2026-10), `iso`, or
         * `auto` (date at midnight, hour on the hour, else iso; the default).
         */
        partitionFormat?: 'auto' | 'date' | 'hour' | 'month' | 'iso';
        /** Ask Flyte to ignore cached task outputs in triggered executions. */
        overwriteCache?: boolean;
        /**
         * Static bearer token sent to FlyteAdmin.
         * @visibility secret
         */
        token?: string;
        /** OAuth2 client credentials; tokens are fetched and renewed. */
        clientCredentials?: {
          clientId: string;
          /** @visibility secret */
          clientSecret: string;
          /**
           * Token endpoint; by default the `token_endpoint` of
           * `<baseUrl>/.well-known/oauth-authorization-server`.
           */
          tokenUrl?: string;
          /** Space-separated scopes, e.g. `all` for FlyteAdmin's own auth server. */
          scope?: string;
          /** `audience` parameter, for IdPs that want one. */
          audience?: string;
        };
        /** Header for the bearer token. Defaults to `Authorization`. */
        authorizationHeader?: string;
      }>;
    };
  };
}
