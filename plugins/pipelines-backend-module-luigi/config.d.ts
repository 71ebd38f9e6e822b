import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  pipelines?: {
    providers?: {
      /**
       * Luigi central schedulers (`luigid`) the pipelines plugin polls. Each
       * entry becomes the provider `luigi:<id>`.
       */
      luigi?: Array<{
        /**
         * Instance id, unique among the Luigi providers; letters, digits, `.`,
         * `_` and `-`. The provider id is `luigi:<id>`.
         */
        id: string;
        /** Human name shown in the UI. Defaults to `Luigi (<id>)`. */
        title?: string;
        /**
         * Where the scheduler's API answers, e.g. `http://luigid:8082` or a
         * proxy path such as `https://proxy.example.com/luigi`.
         */
        baseUrl: string;
        /**
         * Base of the links into Luigi's web UI, when the browser reaches it
         * elsewhere than `baseUrl`. Defaults to `baseUrl`.
         */
        uiUrl?: string;
        /** How often to poll; the pipelines backend's default when absent. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** Owner reported for every pipeline no `owners` pattern matches. */
        owner?: string;
        /**
         * Owners by task family (pipeline name) glob pattern, e.g.
         * `Extract*: group:default/ingestion`. The first matching pattern
         * wins; `*` matches any characters and `?` one character.
         */
        owners?: { [pattern: string]: string };
        /**
         * Timeout of each request to the scheduler: milliseconds, or a
         * duration such as `{ seconds: 20 }` or `PT20S`. Defaults to 30 s.
         */
        timeout?:
          | number
          | SchedulerServiceTaskScheduleDefinitionConfig['timeout'];
        /** Basic-auth user, for a proxy in front of luigid (which has no auth). */
        username?: string;
        /**
         * Basic-auth password.
         * @visibility secret
         */
        password?: string;
        /**
         * Extra request headers, e.g. a token a proxy in front of luigid expects.
         * @visibility secret
         */
        headers?: { [name: string]: string };
        /**
         * Sent as `max_shown_tasks` with every `task_list` request, raising
         * luigid's cap for this client only. When absent, luigid's own
         * `[scheduler] max_shown_tasks` (100000 by default) applies.
         */
        maxShownTasks?: number;
        /**
         * How long the family → family dependency graph (read with one
         * `graph` request) is reused before it is read again. It is also read
         * again whenever a task family it does not know appears. Defaults to
         * 15 minutes.
         */
        dependencyRefresh?:
          | number
          | SchedulerServiceTaskScheduleDefinitionConfig['timeout'];
      }>;
    };
  };
}
