export interface Config {
  pipelines?: {
    /**
     * The embedded default's demo: a generated data platform fed through the
     * OpenLineage ingest, and a simulated scheduler. Leave it out of
     * production configuration.
     */
    demo?: {
      /** Generates the demo data and registers the simulated scheduler. */
      enabled?: boolean;
      /** The same seed gives the same platform and runs. Defaults to 42. */
      seed?: number;
      /** Days of run history generated at start-up. Defaults to 30. */
      historyDays?: number;
      /**
       * Runs triggered or backfilled in the simulated scheduler run this many
       * times faster than its scheduled runs. Defaults to 30.
       */
      actionSpeedup?: number;
    };
  };
}
