/*
 * Minimal TypeScript types for the parts of OpenLineage events that the pipelines backend reads.
 *
 * The envelope (event, run, job and dataset identity, facet `_producer`/`_schemaURL`) is checked by
 * `OpenLineageValidator` against the core schema, so those fields can be trusted after validation.
 * Facet *contents* are NOT validated: real producers violate the facet schemas (dbt emits
 * `"type": null` in schema fields, date-only nominal times, ...). Every facet content field is
 * therefore optional, and readers must check the runtime type before using it.
 */

/** The run state transitions allowed by the core schema (`RunEvent.eventType`). */
export type OpenLineageEventType =
  | 'START'
  | 'RUNNING'
  | 'COMPLETE'
  | 'ABORT'
  | 'FAIL'
  | 'OTHER';

/** The envelope of every facet. `_producer` and `_schemaURL` are validated URIs. */
export interface OpenLineageFacet {
  _producer: string;
  _schemaURL: string;
  /** Job and dataset facets only: `true` deletes the facet. */
  _deleted?: boolean;
  [field: string]: unknown;
}

// ---------------------------------------------------------------------------
// Run facets

/** `run.facets.parent` (ParentRunFacet). */
export interface ParentRunFacet extends OpenLineageFacet {
  run?: { runId?: string; [field: string]: unknown };
  job?: { namespace?: string; name?: string; [field: string]: unknown };
  root?: {
    run?: { runId?: string; [field: string]: unknown };
    job?: { namespace?: string; name?: string; [field: string]: unknown };
  };
}

/** `run.facets.nominalTime` (NominalTimeRunFacet). Producers may send date-only values. */
export interface NominalTimeRunFacet extends OpenLineageFacet {
  nominalStartTime?: string;
  nominalEndTime?: string;
}

/** `run.facets.errorMessage` (ErrorMessageRunFacet). */
export interface ErrorMessageRunFacet extends OpenLineageFacet {
  message?: string;
  programmingLanguage?: string;
  stackTrace?: string;
}

export interface OpenLineageRunFacets {
  parent?: ParentRunFacet;
  nominalTime?: NominalTimeRunFacet;
  errorMessage?: ErrorMessageRunFacet;
  [facetKey: string]: OpenLineageFacet | undefined;
}

export interface OpenLineageRun {
  /** A UUID (validated). */
  runId: string;
  facets?: OpenLineageRunFacets;
}

// ---------------------------------------------------------------------------
// Job facets

/** An owner in an ownership facet (`{ name: "team:data", type: "MAINTAINER" }`). */
export interface OpenLineageOwner {
  name?: string;
  type?: string;
  [field: string]: unknown;
}

/** `job.facets.ownership` (OwnershipJobFacet). */
export interface OwnershipJobFacet extends OpenLineageFacet {
  owners?: OpenLineageOwner[];
}

/** `job.facets.sourceCodeLocation` (SourceCodeLocationJobFacet). */
export interface SourceCodeLocationJobFacet extends OpenLineageFacet {
  type?: string;
  url?: string;
  repoUrl?: string;
  path?: string;
  version?: string;
  tag?: string;
  branch?: string;
}

/** `job.facets.documentation` and `facets.documentation` on datasets. */
export interface DocumentationFacet extends OpenLineageFacet {
  description?: string;
  contentType?: string | null;
}

/** `job.facets.jobType` (JobTypeJobFacet), e.g. BATCH / DBT / JOB. */
export interface JobTypeJobFacet extends OpenLineageFacet {
  processingType?: string;
  integration?: string;
  jobType?: string;
}

export interface OpenLineageJobFacets {
  ownership?: OwnershipJobFacet;
  sourceCodeLocation?: SourceCodeLocationJobFacet;
  documentation?: DocumentationFacet;
  jobType?: JobTypeJobFacet;
  [facetKey: string]: OpenLineageFacet | undefined;
}

export interface OpenLineageJob {
  namespace: string;
  name: string;
  facets?: OpenLineageJobFacets;
}

// ---------------------------------------------------------------------------
// Dataset facets

/** A field of `facets.schema`. dbt sends `type: null` and `ordinal_position: null`. */
export interface SchemaDatasetFacetField {
  name?: string;
  type?: string | null;
  description?: string | null;
  ordinal_position?: number | null;
  fields?: SchemaDatasetFacetField[];
  [field: string]: unknown;
}

/** `facets.schema` (SchemaDatasetFacet). */
export interface SchemaDatasetFacet extends OpenLineageFacet {
  fields?: SchemaDatasetFacetField[];
}

/** An input field referenced by `facets.columnLineage`. */
export interface ColumnLineageInputField {
  namespace?: string;
  name?: string;
  field?: string;
  transformations?: Array<{
    type?: string;
    subtype?: string;
    [k: string]: unknown;
  }>;
  [field: string]: unknown;
}

/** `facets.columnLineage` (ColumnLineageDatasetFacet): output column → input columns. */
export interface ColumnLineageDatasetFacet extends OpenLineageFacet {
  fields?: Record<
    string,
    { inputFields?: ColumnLineageInputField[]; [field: string]: unknown }
  >;
  dataset?: ColumnLineageInputField[];
}

/** `facets.symlinks` (SymlinksDatasetFacet): other names of the same dataset. */
export interface SymlinksDatasetFacet extends OpenLineageFacet {
  identifiers?: Array<{
    namespace?: string;
    name?: string;
    type?: string;
    [field: string]: unknown;
  }>;
}

/** One assertion of a `dataQualityAssertions` facet (a dbt test, a Great Expectations check, ...). */
export interface DataQualityAssertion {
  assertion?: string;
  success?: boolean;
  column?: string;
  severity?: string;
  name?: string;
  [field: string]: unknown;
}

/**
 * `dataQualityAssertions` (DataQualityAssertionsDatasetFacet). The spec puts it in
 * `inputs[].inputFacets`, but dbt puts it in `inputs[].facets`: read both.
 */
export interface DataQualityAssertionsDatasetFacet extends OpenLineageFacet {
  assertions?: DataQualityAssertion[];
}

/**
 * `dataQualityMetrics`: DataQualityMetricsInputDatasetFacet in
 * `inputs[].inputFacets`, DataQualityMetricsDatasetFacet in `facets`.
 */
export interface DataQualityMetricsFacet extends OpenLineageFacet {
  rowCount?: number;
  bytes?: number;
  fileCount?: number;
  lastUpdated?: string;
  columnMetrics?: Record<
    string,
    {
      nullCount?: number;
      distinctCount?: number;
      sum?: number;
      count?: number;
      min?: number;
      max?: number;
      quantiles?: Record<string, number>;
    }
  >;
}

/** `facets.ownership` (OwnershipDatasetFacet). */
export interface OwnershipDatasetFacet extends OpenLineageFacet {
  owners?: OpenLineageOwner[];
}

export interface OpenLineageDatasetFacets {
  schema?: SchemaDatasetFacet;
  columnLineage?: ColumnLineageDatasetFacet;
  symlinks?: SymlinksDatasetFacet;
  dataQualityAssertions?: DataQualityAssertionsDatasetFacet;
  dataQualityMetrics?: DataQualityMetricsFacet;
  ownership?: OwnershipDatasetFacet;
  documentation?: DocumentationFacet;
  [facetKey: string]: OpenLineageFacet | undefined;
}

export interface OpenLineageInputDatasetFacets {
  dataQualityAssertions?: DataQualityAssertionsDatasetFacet;
  dataQualityMetrics?: DataQualityMetricsFacet;
  [facetKey: string]: OpenLineageFacet | undefined;
}

export interface OpenLineageOutputDatasetFacets {
  [facetKey: string]: OpenLineageFacet | undefined;
}

/** A dataset: the `dataset` of a DatasetEvent, or an entry of `inputs` / `outputs`. */
export interface OpenLineageDataset {
  namespace: string;
  name: string;
  facets?: OpenLineageDatasetFacets;
  /** Only on entries of `inputs`. */
  inputFacets?: OpenLineageInputDatasetFacets;
  /** Only on entries of `outputs`. */
  outputFacets?: OpenLineageOutputDatasetFacets;
}

// ---------------------------------------------------------------------------
// Events

/** Fields common to every event (validated). */
export interface OpenLineageBaseEvent {
  /** RFC 3339 date-time with a time zone offset. */
  eventTime: string;
  /** URI of the producer. */
  producer: string;
  /** URI of the schema the event claims to follow. */
  schemaURL: string;
}

/** A run state transition of a job (has `run` and `job`). */
export interface RunEvent extends OpenLineageBaseEvent {
  /** Optional in the schema. */
  eventType?: OpenLineageEventType;
  run: OpenLineageRun;
  job: OpenLineageJob;
  inputs?: OpenLineageDataset[];
  outputs?: OpenLineageDataset[];
}

/** Static job metadata, without a run (has `job`, no `run`). */
export interface JobEvent extends OpenLineageBaseEvent {
  job: OpenLineageJob;
  inputs?: OpenLineageDataset[];
  outputs?: OpenLineageDataset[];
}

/** Static dataset metadata (has `dataset`, not both `run` and `job`). */
export interface DatasetEvent extends OpenLineageBaseEvent {
  dataset: OpenLineageDataset;
}

export type OpenLineageEvent = RunEvent | JobEvent | DatasetEvent;

export type OpenLineageEventKind = 'RunEvent' | 'JobEvent' | 'DatasetEvent';
