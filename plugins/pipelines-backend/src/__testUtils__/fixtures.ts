import fs from 'fs';
import path from 'path';

const FIXTURES_DIR = path.resolve(__dirname, '../ingest/__fixtures__');

/** The copies of ../shared/openlineage/events: every event file, each tested. */
export const EVENT_FILES = fs
  .readdirSync(FIXTURES_DIR)
  .filter(file => file.endsWith('.ndjson'))
  .sort();

/** The originals, where the repository sits next to them (not in CI). */
export const SHARED_EVENTS_DIR = path.resolve(
  __dirname,
  '../../../../../shared/openlineage/events',
);

export function readEvents(file: string): any[] {
  return fs
    .readFileSync(path.join(FIXTURES_DIR, file), 'utf8')
    .split('\n')
    .filter(line => line.trim())
    .map(line => JSON.parse(line));
}

export function readExpectedLineage(): any {
  return JSON.parse(
    fs.readFileSync(path.join(FIXTURES_DIR, 'expected_lineage.json'), 'utf8'),
  );
}

let counter = 0;

/** A minimal valid RunEvent; every call gets a fresh runId unless given. */
export function runEvent(options: {
  eventType?: string;
  eventTime: string;
  runId?: string;
  job?: string;
  inputs?: string[];
  outputs?: string[];
  extra?: Record<string, unknown>;
  runFacets?: Record<string, unknown>;
}) {
  counter += 1;
  const dataset = (name: string) => ({ namespace: 'warehouse', name });
  return {
    eventType: options.eventType ?? 'START',
    eventTime: options.eventTime,
    producer: 'https://example.com/test-producer',
    schemaURL:
      'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: {
      runId:
        options.runId ??
        `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
      facets: options.runFacets ?? {},
    },
    job: { namespace: 'tests', name: options.job ?? 'job' },
    inputs: (options.inputs ?? []).map(dataset),
    outputs: (options.outputs ?? []).map(dataset),
    ...options.extra,
  };
}

/** A JobEvent: lineage without a run. */
export function jobEvent(job: string, inputs: string[], outputs: string[]) {
  const dataset = (name: string) => ({ namespace: 'warehouse', name });
  return {
    eventTime: '2026-11-01T00:00:00Z',
    producer: 'https://example.com/test-producer',
    schemaURL:
      'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent',
    job: { namespace: 'tests', name: job },
    inputs: inputs.map(dataset),
    outputs: outputs.map(dataset),
  };
}
