import { Pipeline, RunState } from '@tributary/plugin-pipelines-common';

/** What a source knows about a pipeline when it reports it. */
export interface PipelineUpsert {
  id: string;
  source: string;
  namespace: string;
  name: string;
  title?: string;
  description?: string;
  owner?: string;
  system?: string;
  schedule?: string;
  freshnessTarget?: string;
  entityRef?: string;
  sourceUrl?: string;
  latestRunState?: RunState;
  latestRunAt?: Date;
  /** When the source saw it; first/last seen are kept from these. */
  seenAt: Date;
}

export interface ListPipelinesOptions {
  offset: number;
  limit: number;
  search?: string;
  owner?: string;
  source?: string;
  state?: RunState;
}

export interface PipelinesPage {
  items: Pipeline[];
  totalCount: number;
}

/** The plugin's persistent state. One implementation per storage technology. */
export interface PipelinesStore {
  /** Inserts new pipelines and updates known ones, in one transaction. */
  upsertPipelines(pipelines: PipelineUpsert[]): Promise<void>;
  getPipeline(id: string): Promise<Pipeline | undefined>;
  listPipelines(options: ListPipelinesOptions): Promise<PipelinesPage>;
}
