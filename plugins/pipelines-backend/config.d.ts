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
  };
}
