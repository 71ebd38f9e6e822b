import {
  DemoDataset,
  DemoPipeline,
  DemoPlatform,
  PipelineStyle,
} from './demoPlatform';
import { hashUnit, hashUuid } from './seeded';

const PRODUCER = 'https://github.com/tributary-demo/demo-generator/v1';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MINUTE_MS = 60_000;
/** Runs of the last days carry output schemas and column lineage. */
const SCHEMA_DAYS = 3;

const facet = (name: string, body: Record<string, unknown>) => ({
  _producer: PRODUCER,
  _schemaURL: `https://openlineage.io/spec/facets/1-0-1/${name}.json#/$defs/${name}`,
  ...body,
});

const ERRORS: Record<PipelineStyle, string[]> = {
  luigi: [
    'RuntimeError: Unfulfilled dependency at run time: partition not found in kafka',
    'ConnectionResetError: [Errno 104] Connection reset by peer while reading from GCS',
  ],
  spark: [
    'org.apache.spark.SparkException: Job aborted due to stage failure: Task 12 in stage 3.0 failed 4 times (ExecutorLostFailure: container killed by YARN for exceeding memory limits)',
    'java.io.FileNotFoundException: No such file or directory: gs://tributary-raw/ (upstream not landed)',
  ],
  dbt: [
    'Database Error in model: Resources exceeded during query execution: The query could not be executed in the allotted memory.',
  ],
  flyte: [
    'Pod failed: OOMKilled (limit 16Gi) in task train_model',
    'FlyteScopedUserException: ValueError: Input contains NaN, infinity or a value too large',
  ],
  styx: [
    'Exit code 137: container killed (deadline exceeded after 3h)',
    'com.google.cloud.bigquery.BigQueryException: Quota exceeded: Your project exceeded quota for concurrent queries',
  ],
  airflow: [
    'Task exited with return code 1: google.api_core.exceptions.BadRequest: 400 Unrecognized name: country_code',
    'airflow.exceptions.AirflowTaskTimeout: Timeout, PID: 4121',
  ],
  simulated: ['Simulated failure'],
};

/** The error of a pipeline failing for days: the same every time. */
const PERSISTENT_ERROR =
  'google.api_core.exceptions.Forbidden: 403 Access Denied: Table tributary-prod:ads_marts.impressions_by_country: User does not have permission bigquery.tables.getData';

/** An OpenLineage event as JSON; the time is all this module reads back. */
export type DemoEvent = { eventTime: string } & Record<string, unknown>;

export interface DemoRun {
  runId: string;
  partition: Date;
  attempt: number;
  startedAt: Date;
  /** Absent while it runs. */
  endedAt?: Date;
  failed: boolean;
  errorMessage?: string;
}

function partitionMs(pipeline: DemoPipeline): number {
  return pipeline.cadence === 'hourly' ? HOUR_MS : DAY_MS;
}

function pipelineKey(seed: number, pipeline: DemoPipeline): string {
  return `${seed}|${pipeline.namespace}:${pipeline.name}`;
}

/**
 * Runs of the partitions due in the `historyDays` before `now`: each
 * partition starts after its end (plus the pipeline's delay), runs a seeded
 * duration around the mean and fails at the pipeline's rate; a failed first
 * attempt is retried once. Every draw is keyed by pipeline, partition and
 * attempt, so the same seed gives the same runs whatever `now` is.
 */
export function demoRuns(
  pipeline: DemoPipeline,
  options: { seed: number; now: Date; historyDays: number },
): DemoRun[] {
  const step = partitionMs(pipeline);
  const now = options.now.getTime();
  const first = Math.floor((now - options.historyDays * DAY_MS) / step) * step;
  const failingFrom =
    pipeline.failingForDays !== undefined
      ? Math.floor((now - pipeline.failingForDays * DAY_MS) / DAY_MS) * DAY_MS
      : Infinity;
  const runs: DemoRun[] = [];
  for (let partition = first; partition + step <= now; partition += step) {
    const key = `${pipelineKey(options.seed, pipeline)}|${partition}`;
    const due = partition + step + pipeline.startDelayMinutes * MINUTE_MS;
    let startedAt = due + hashUnit(`${key}|queue`) * 3 * MINUTE_MS;
    for (let attempt = 1; attempt <= 2 && startedAt <= now; attempt++) {
      const attemptKey = `${key}|${attempt}`;
      const duration =
        pipeline.meanDurationMinutes *
        MINUTE_MS *
        (0.5 + 1.5 * hashUnit(`${attemptKey}|duration`));
      const endedAt = startedAt + duration;
      const persistent = partition >= failingFrom;
      const failed =
        persistent ||
        hashUnit(`${attemptKey}|outcome`) <
          (attempt === 1 ? pipeline.failureRate : 0.1);
      const errors = ERRORS[pipeline.style];
      runs.push({
        runId: hashUuid(attemptKey),
        partition: new Date(partition),
        attempt,
        startedAt: new Date(startedAt),
        endedAt: endedAt <= now ? new Date(endedAt) : undefined,
        failed,
        errorMessage: persistent
          ? PERSISTENT_ERROR
          : errors[Math.floor(hashUnit(`${attemptKey}|error`) * errors.length)],
      });
      if (!failed || endedAt > now) break;
      startedAt =
        endedAt + (5 + 10 * hashUnit(`${attemptKey}|retry`)) * MINUTE_MS;
    }
  }
  return runs;
}

function jobFacets(pipeline: DemoPipeline) {
  const repoUrl = pipeline.sourceCodeUrl.replace(/\/blob\/.*$/, '');
  return {
    jobType: facet('JobTypeJobFacet', {
      processingType: 'BATCH',
      integration: pipeline.style.toUpperCase(),
      jobType: pipeline.style === 'airflow' ? 'TASK' : 'JOB',
    }),
    ownership: facet('OwnershipJobFacet', {
      owners: [{ name: pipeline.sourceOwner, type: 'team' }],
    }),
    sourceCodeLocation: facet('SourceCodeLocationJobFacet', {
      type: 'git',
      url: pipeline.sourceCodeUrl,
      repoUrl,
      branch: 'main',
    }),
    documentation: facet('DocumentationJobFacet', {
      description: pipeline.description,
    }),
  };
}

function schemaFacet(dataset: DemoDataset) {
  return facet('SchemaDatasetFacet', { fields: dataset.columns });
}

/** Each output column from the same-named input column, else the first one. */
function columnLineageFacet(output: DemoDataset, inputs: DemoDataset[]) {
  const withColumns = inputs.filter(input => input.columns?.length);
  if (!output.columns?.length || withColumns.length === 0) return undefined;
  const fields: Record<string, unknown> = {};
  for (const column of output.columns) {
    const source =
      withColumns.find(input =>
        input.columns!.some(c => c.name === column.name),
      ) ?? withColumns[0];
    const sameName = source.columns!.find(c => c.name === column.name);
    fields[column.name] = {
      inputFields: [
        {
          namespace: source.namespace,
          name: source.name,
          field: sameName?.name ?? source.columns![0].name,
          transformations: [
            sameName
              ? { type: 'DIRECT', subtype: 'IDENTITY' }
              : { type: 'DIRECT', subtype: 'TRANSFORMATION' },
          ],
        },
      ],
    };
  }
  return facet('ColumnLineageDatasetFacet', { fields });
}

function qualityFacet(dataset: DemoDataset, key: string) {
  const column = dataset.columns?.[0]?.name;
  return facet('DataQualityAssertionsDatasetFacet', {
    assertions: [
      { assertion: 'row_count_above_zero', success: true },
      ...(column
        ? [
            {
              assertion: 'not_null',
              column,
              success: hashUnit(`${key}|quality`) > 0.05,
            },
          ]
        : []),
    ],
  });
}

function runEvents(
  pipeline: DemoPipeline,
  run: DemoRun,
  seed: number,
  withSchemas: boolean,
): DemoEvent[] {
  const step = partitionMs(pipeline);
  const job = {
    namespace: pipeline.namespace,
    name: pipeline.name,
    facets: jobFacets(pipeline),
  };
  const nominalTime = facet('NominalTimeRunFacet', {
    nominalStartTime: run.partition.toISOString(),
    nominalEndTime: new Date(run.partition.getTime() + step).toISOString(),
  });
  const base = {
    producer: PRODUCER,
    schemaURL:
      'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    job,
  };
  const plainInputs = pipeline.inputs.map(d => ({
    namespace: d.namespace,
    name: d.name,
  }));
  const plainOutputs = pipeline.outputs.map(d => ({
    namespace: d.namespace,
    name: d.name,
  }));
  const events: DemoEvent[] = [
    {
      ...base,
      eventType: 'START',
      eventTime: run.startedAt.toISOString(),
      run: { runId: run.runId, facets: { nominalTime } },
      inputs: plainInputs,
      outputs: plainOutputs,
    },
  ];
  if (!run.endedAt) return events;

  const key = `${seed}|${run.runId}`;
  events.push({
    ...base,
    eventType: run.failed ? 'FAIL' : 'COMPLETE',
    eventTime: run.endedAt.toISOString(),
    run: {
      runId: run.runId,
      facets: {
        nominalTime,
        ...(run.failed && {
          errorMessage: facet('ErrorMessageRunFacet', {
            message: run.errorMessage,
            programmingLanguage: pipeline.style === 'spark' ? 'JVM' : 'PYTHON',
          }),
        }),
      },
    },
    inputs: pipeline.inputs.map(d => ({
      namespace: d.namespace,
      name: d.name,
      ...(d.checked &&
        !run.failed && {
          inputFacets: { dataQualityAssertions: qualityFacet(d, key) },
        }),
    })),
    // Schemas and column lineage ride on recent runs only: the dataset keeps
    // the last one it saw, and the demo stays small.
    outputs:
      run.failed || !withSchemas
        ? plainOutputs
        : pipeline.outputs.map(d => {
            const columnLineage = columnLineageFacet(d, pipeline.inputs);
            return {
              namespace: d.namespace,
              name: d.name,
              facets: {
                ...(d.columns && { schema: schemaFacet(d) }),
                ...(columnLineage && { columnLineage }),
              },
              outputFacets: {
                outputStatistics: facet('OutputStatisticsOutputDatasetFacet', {
                  rowCount: Math.round(1e4 + hashUnit(`${key}|rows`) * 1e7),
                }),
              },
            };
          }),
  });
  return events;
}

/** A JobEvent with a pipeline's lineage, for pipelines whose runs come from a scheduler. */
function lineageEvent(pipeline: DemoPipeline, now: Date) {
  // The day, not the instant: a restart the same day sends the same event.
  const day = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return {
    eventTime: new Date(day).toISOString(),
    producer: PRODUCER,
    schemaURL:
      'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent',
    job: {
      namespace: pipeline.namespace,
      name: pipeline.name,
      facets: {
        sourceCodeLocation: jobFacets(pipeline).sourceCodeLocation,
      },
    },
    inputs: pipeline.inputs.map(d => ({
      namespace: d.namespace,
      name: d.name,
    })),
    outputs: pipeline.outputs.map(d => ({
      namespace: d.namespace,
      name: d.name,
      ...(d.columns && { facets: { schema: schemaFacet(d) } }),
    })),
  };
}

export interface DemoEventsOptions {
  seed: number;
  now: Date;
  historyDays: number;
  /** Only events after this time: what a live feed adds since its last call. */
  after?: Date;
}

/**
 * The OpenLineage events the demo's sources would have sent up to `now`:
 * run events of every pipeline except the simulated scheduler's, whose runs
 * come from polling it. Those get a JobEvent with their lineage, once.
 */
export function demoEvents(
  platform: DemoPlatform,
  options: DemoEventsOptions,
): DemoEvent[] {
  const after = options.after?.getTime() ?? -Infinity;
  const events: DemoEvent[] = [];
  for (const pipeline of platform.pipelines) {
    if (pipeline.style === 'simulated') {
      if (!options.after) {
        events.push(lineageEvent(pipeline, options.now));
      }
      continue;
    }
    const recent =
      Math.floor(options.now.getTime() / DAY_MS) * DAY_MS -
      SCHEMA_DAYS * DAY_MS;
    for (const run of demoRuns(pipeline, options)) {
      events.push(
        ...runEvents(
          pipeline,
          run,
          options.seed,
          run.partition.getTime() >= recent,
        ),
      );
    }
  }
  return events.filter(event => Date.parse(event.eventTime) > after);
}
