/*
 * Realistic OpenLineage RunEvents for the ingest benchmark: an Airflow-like
 * estate of a few thousand tasks, each reading and writing 1-3 datasets,
 * reporting START and COMPLETE (some FAIL) of hourly runs with a nominalTime.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../src/ingest/mapOpenLineageEvent';
import { Random } from './benchUtils';

export const JOBS = 3000;
const DATASETS = 8000;
const PRODUCER =
  'https://github.com/apache/airflow/tree/providers-openlineage/1.14.0';
const FACET_SCHEMA = (name: string) =>
  `https://openlineage.io/spec/facets/1-0-1/${name}.json#/$defs/${name}`;
const BASE_TIME = Date.parse('2026-11-01T00:00:00Z');

interface DatasetRef {
  namespace: string;
  name: string;
}

interface JobSpec {
  namespace: string;
  name: string;
  inputs: DatasetRef[];
  outputs: DatasetRef[];
}

export interface EventCatalog {
  jobs: JobSpec[];
}

function datasetRef(n: number): DatasetRef {
  switch (n % 3) {
    case 0:
      return {
        namespace: 'postgres://warehouse.internal:5432',
        name: `analytics.schema_${n % 40}.table_${n}`,
      };
    case 1:
      return {
        namespace: 's3://acme-data-lake',
        name: `domain_${n % 40}/tier_${n % 7}/table_${n}`,
      };
    default:
      return {
        namespace: 'bigquery',
        name: `acme-prod.dataset_${n % 40}.table_${n}`,
      };
  }
}

/** The jobs and datasets of the estate: fixed for a seed. */
export function createCatalog(random: Random): EventCatalog {
  const jobs: JobSpec[] = [];
  const pick = (count: number) => {
    const chosen = new Set<number>();
    while (chosen.size < count) {
      chosen.add(random.int(DATASETS));
    }
    return [...chosen].map(datasetRef);
  };
  for (let j = 0; j < JOBS; j++) {
    jobs.push({
      namespace: `airflow://prod-${j % 12}`,
      name: `team_${j % 40}_dag_${Math.floor(j / 8)}.task_${j}`,
      inputs: pick(1 + random.int(3)),
      outputs: pick(1 + random.int(3)),
    });
  }
  return { jobs };
}

function facet(name: string, body: Record<string, unknown>) {
  return { _producer: PRODUCER, _schemaURL: FACET_SCHEMA(name), ...body };
}

function runEvent(
  job: JobSpec,
  runId: string,
  eventType: 'START' | 'COMPLETE' | 'FAIL',
  eventTime: number,
  nominalStart: number,
) {
  const dataset = (ref: DatasetRef) => ({
    namespace: ref.namespace,
    name: ref.name,
    facets: {},
  });
  return {
    eventType,
    eventTime: new Date(eventTime).toISOString(),
    producer: PRODUCER,
    schemaURL:
      'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: {
      runId,
      facets: {
        nominalTime: facet('NominalTimeRunFacet', {
          nominalStartTime: new Date(nominalStart).toISOString(),
          nominalEndTime: new Date(nominalStart + 3_600_000).toISOString(),
        }),
        ...(eventType === 'FAIL'
          ? {
              errorMessage: facet('ErrorMessageRunFacet', {
                message: 'Task exited with return code 1',
                programmingLanguage: 'python',
              }),
            }
          : {}),
      },
    },
    job: {
      namespace: job.namespace,
      name: job.name,
      facets: {
        jobType: facet('JobTypeJobFacet', {
          processingType: 'BATCH',
          integration: 'AIRFLOW',
          jobType: 'TASK',
        }),
      },
    },
    inputs: job.inputs.map(dataset),
    outputs: job.outputs.map(dataset),
  };
}

/**
 * `runs` runs of random jobs as a stream of 2 * runs events, in the order a
 * collector would send them: every run's START, and its COMPLETE (or FAIL) a
 * few hundred events later, interleaved with other runs.
 */
export function createEventStream(
  catalog: EventCatalog,
  random: Random,
  runs: number,
  startHour: number,
): object[] {
  const LAG = 300;
  const events: object[] = [];
  const ends: object[] = [];
  for (let r = 0; r < runs; r++) {
    const job = random.pick(catalog.jobs);
    const runId = random.uuid();
    const nominal = BASE_TIME + (startHour + Math.floor(r / 100)) * 3_600_000;
    const started = nominal + random.int(600_000);
    const ended = started + 30_000 + random.int(1_200_000);
    events.push(runEvent(job, runId, 'START', started, nominal));
    ends.push(
      runEvent(
        job,
        runId,
        random.next() < 0.05 ? 'FAIL' : 'COMPLETE',
        ended,
        nominal,
      ),
    );
    if (r >= LAG) {
      events.push(ends[r - LAG]);
    }
  }
  events.push(...ends.slice(Math.max(0, runs - LAG)));
  return events;
}

/** A row of the events table, as the baseline inserts it. */
export interface RawEventRow {
  id: string;
  event_type: string | null;
  event_time: Date;
  run_id: string | null;
  job: string | null;
  received_at: Date;
  payload: string;
}

/** The raw rows the store would write for these events (same id and payload). */
export function rawEventRows(events: object[]): RawEventRow[] {
  const receivedAt = new Date();
  return events.map(event => {
    const e = event as {
      eventType: string;
      eventTime: string;
      run: { runId: string };
      job: { namespace: string; name: string };
    };
    const payload = canonicalJson(event);
    return {
      id: createHash('sha256').update(payload).digest('hex'),
      event_type: e.eventType,
      event_time: new Date(e.eventTime),
      run_id: e.run.runId,
      job: `${e.job.namespace}:${e.job.name}`,
      received_at: receivedAt,
      payload,
    };
  });
}
