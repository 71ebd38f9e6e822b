import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * The catalog entity provider that emits Tributary pipelines as
       * `data-pipeline` Components and their datasets as `dataset` APIs.
       */
      tributaryPipelines?: {
        /** Spec values for pipelines and datasets whose source does not say. */
        defaults?: {
          /**
           * Owner entity ref of pipelines and datasets without a resolved
           * owner. Defaults to `group:default/unowned`, so unowned entities
           * are easy to find rather than invalid.
           */
          owner?: string;
          /**
           * System entity ref of pipelines and datasets without one; none
           * when absent.
           */
          system?: string;
          /** `spec.lifecycle` of every entity. Defaults to `production`. */
          lifecycle?: string;
        };
        /**
         * How often to read changes from the pipelines backend. Defaults to
         * every 30 seconds with a 10 minute timeout.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
