import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Tributary pipelines backend plugin. */
  pipelines?: {
    api?: {
      /**
       * The largest page the list endpoints answer; a larger `limit` is a 400.
       * Defaults to 500.
       */
      maxPageSize?: number;
    };
    ingest?: {
      /** Largest accepted OpenLineage event, in bytes. Defaults to 1 MiB. */
      maxEventBytes?: number;
      /** Largest accepted batch request body, in bytes. Defaults to 16 MiB. */
      maxBatchBytes?: number;
    };
    events?: {
      /**
       * How long raw OpenLineage events are kept, e.g. `{ days: 14 }` or
       * `P14D`. Defaults to 14 days.
       */
      retention?: HumanDuration | string;
    };
  };
}
