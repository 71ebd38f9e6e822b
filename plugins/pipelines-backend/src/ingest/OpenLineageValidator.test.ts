import fs from 'fs';
import path from 'path';
import {
  OpenLineageValidator,
  rememberingFormat,
  ValidationProblem,
  ValidationResult,
} from './OpenLineageValidator';

/** Copies of /work/shared/openlineage/events/*.ndjson (see its README). */
const FIXTURES_DIR = path.resolve(__dirname, '__fixtures__');

function readFixtureEvents(): Array<{ name: string; event: unknown }> {
  return fs
    .readdirSync(FIXTURES_DIR)
    .filter(file => file.endsWith('.ndjson'))
    .sort()
    .flatMap(file =>
      fs
        .readFileSync(path.join(FIXTURES_DIR, file), 'utf8')
        .split('\n')
        .map((line, index) => ({ line, name: `${file}:${index + 1}` }))
        .filter(({ line }) => line.trim() !== '')
        .map(({ line, name }) => ({ name, event: JSON.parse(line) })),
    );
}

const fixtureEvents = readFixtureEvents();

/** A minimal valid RunEvent; each test gets a fresh copy to break. */
function runEvent(): Record<string, any> {
  return {
    eventType: 'START',
    eventTime: '2024-05-01T12:00:00.000Z',
    run: {
      runId: '019cfc38-c724-795b-93b2-7dac1aff55af',
      facets: {
        nominalTime: {
          _producer: 'https://example.com/producer',
          _schemaURL:
            'https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet',
          nominalStartTime: '2024-05-01T12:00:00Z',
        },
      },
    },
    job: { namespace: 'dbt-test-namespace', name: 'dbt-run-jaffle_shop' },
    inputs: [{ namespace: 'duckdb://db', name: 'main.raw_orders' }],
    outputs: [],
    producer: 'https://example.com/producer',
    schemaURL:
      'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  };
}

function problemsOf(result: ValidationResult): ValidationProblem[] {
  if (result.valid) {
    throw new Error(
      `expected the event to be invalid, but it is a valid ${result.kind}`,
    );
  }
  return result.problems;
}

describe('OpenLineageValidator', () => {
  const validator = OpenLineageValidator.create();

  describe('the developer corpus', () => {
    it('has the 18 events of the two NDJSON files', () => {
      expect(fixtureEvents).toHaveLength(18);
    });

    it.each(fixtureEvents.map(({ name, event }) => [name, event]))(
      'accepts %s',
      (_name, event) => {
        const result = validator.validate(event);
        expect(result).toEqual({
          valid: true,
          event,
          kind: expect.any(String),
        });
      },
    );

    it('finds 16 RunEvents, 1 JobEvent and 1 DatasetEvent', () => {
      const counts: Record<string, number> = {};
      for (const { event } of fixtureEvents) {
        const result = validator.validate(event);
        const kind = result.valid ? result.kind : 'invalid';
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
      expect(counts).toEqual({ RunEvent: 16, JobEvent: 1, DatasetEvent: 1 });
    });

    it('accepts facet contents that violate the facet schemas (dbt "type": null)', () => {
      const withNullType = fixtureEvents.filter(({ event }) =>
        JSON.stringify(event).includes('"type":null'),
      );
      expect(withNullType.length).toBeGreaterThan(0);
      for (const { event } of withNullType) {
        expect(validator.validate(event).valid).toBe(true);
      }
    });
  });

  describe('kind detection', () => {
    const python = fixtureEvents
      .filter(({ name }) => name.startsWith('python_client_examples.ndjson'))
      .map(({ event }) => event as Record<string, unknown>);

    it('detects a RunEvent (run and job)', () => {
      const result = validator.validate(python[0]);
      expect(result).toMatchObject({ valid: true, kind: 'RunEvent' });
      expect(result.valid && result.event).toBe(python[0]);
    });

    it('detects a JobEvent (job, no run)', () => {
      expect(validator.validate(python[2])).toMatchObject({
        valid: true,
        kind: 'JobEvent',
      });
    });

    it('detects a DatasetEvent (dataset)', () => {
      expect(validator.validate(python[3])).toMatchObject({
        valid: true,
        kind: 'DatasetEvent',
      });
    });

    it('accepts a RunEvent without eventType (optional in the schema)', () => {
      const event = runEvent();
      delete event.eventType;
      expect(validator.validate(event)).toMatchObject({
        valid: true,
        kind: 'RunEvent',
      });
    });

    it('accepts a JobEvent that has an eventType', () => {
      const event = runEvent();
      delete event.run;
      expect(validator.validate(event)).toMatchObject({
        valid: true,
        kind: 'JobEvent',
      });
    });

    it('reports a valid DatasetEvent when job + dataset has an invalid JobEvent part', () => {
      const event = runEvent();
      delete event.run;
      event.inputs = 5;
      event.dataset = { namespace: 'duckdb://db', name: 'main.orders' };
      expect(validator.validate(event)).toMatchObject({
        valid: true,
        kind: 'DatasetEvent',
      });
    });
  });

  describe('malformed events', () => {
    it('accepts the base event of these tests', () => {
      expect(validator.validate(runEvent())).toMatchObject({
        valid: true,
        kind: 'RunEvent',
      });
    });

    it('reports a missing eventTime at its own path', () => {
      const event = runEvent();
      delete event.eventTime;
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.eventTime', message: 'is required' },
      ]);
    });

    it('reports a runId that is not a UUID', () => {
      const event = runEvent();
      event.run.runId = 'run-42';
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.run.runId', message: 'must match format "uuid"' },
      ]);
    });

    it('reports a missing runId', () => {
      const event = runEvent();
      delete event.run.runId;
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.run.runId', message: 'is required' },
      ]);
    });

    it('reports an unknown eventType with the allowed values', () => {
      const event = runEvent();
      event.eventType = 'DONE';
      expect(problemsOf(validator.validate(event))).toEqual([
        {
          path: '$.eventType',
          message:
            'must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER',
        },
      ]);
    });

    it('reports an eventTime that is a number', () => {
      const event = runEvent();
      event.eventTime = 1714564800000;
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.eventTime', message: 'must be string' },
      ]);
    });

    it('reports an eventTime without a time zone offset', () => {
      const event = runEvent();
      event.eventTime = '2021-11-03T10:53:52.427343';
      expect(problemsOf(validator.validate(event))).toEqual([
        {
          path: '$.eventTime',
          message:
            'must match format "date-time" (RFC 3339 with a time zone offset, e.g. 2024-01-31T12:00:00Z)',
        },
      ]);
    });

    it('reports inputs that is an object', () => {
      const event = runEvent();
      event.inputs = { namespace: 'duckdb://db', name: 'main.raw_orders' };
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.inputs', message: 'must be array' },
      ]);
    });

    it.each([
      ['null', null],
      ['a string', 'main.raw_orders'],
    ])('reports inputs that is %s', (_name, inputs) => {
      const event = runEvent();
      event.inputs = inputs;
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.inputs', message: 'must be array' },
      ]);
    });

    it.each([
      ['null', null],
      ['an array', [{ namespace: 'duckdb://db', name: 'main.raw_orders' }]],
      ['a string', 'main.raw_orders'],
    ])('reports an input dataset that is %s', (_name, input) => {
      const event = runEvent();
      event.inputs = [
        { namespace: 'duckdb://db', name: 'main.raw_orders' },
        input,
      ];
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.inputs[1]', message: 'must be object' },
      ]);
    });

    it('reports wrong and missing fields of an output dataset', () => {
      const event = runEvent();
      event.outputs = [{ namespace: 7 }];
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.outputs[0].name', message: 'is required' },
        { path: '$.outputs[0].namespace', message: 'must be string' },
      ]);
    });

    it('reports a missing job of an event with a run', () => {
      const event = runEvent();
      delete event.job;
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.job', message: 'is required' },
      ]);
    });

    it('reports a job without name', () => {
      const event = runEvent();
      delete event.job.name;
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.job.name', message: 'is required' },
      ]);
    });

    it('reports the facet envelope, without the "anyOf" summary', () => {
      const event = runEvent();
      event.run.facets['my-facet'] = { value: 1 };
      delete event.run.facets.nominalTime._producer;
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.run.facets.nominalTime._producer', message: 'is required' },
        { path: "$.run.facets['my-facet']._producer", message: 'is required' },
        { path: "$.run.facets['my-facet']._schemaURL", message: 'is required' },
      ]);
    });

    it('reports a facet that is not an object', () => {
      const event = runEvent();
      event.job.facets = { sql: 'select 1' };
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.job.facets.sql', message: 'must be object' },
      ]);
    });

    it('reports every missing field of an empty object as a RunEvent', () => {
      expect(problemsOf(validator.validate({}))).toEqual([
        { path: '$.eventTime', message: 'is required' },
        { path: '$.producer', message: 'is required' },
        { path: '$.schemaURL', message: 'is required' },
        { path: '$.run', message: 'is required' },
        { path: '$.job', message: 'is required' },
      ]);
    });

    it('reports the problems of a DatasetEvent against the DatasetEvent schema', () => {
      const event = runEvent();
      delete event.run;
      delete event.job;
      event.dataset = { namespace: 'duckdb://db' };
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.dataset.name', message: 'is required' },
      ]);
    });

    it('reports an event that is both a JobEvent and a DatasetEvent', () => {
      const event = runEvent();
      delete event.run;
      event.dataset = { namespace: 'duckdb://db', name: 'main.orders' };
      expect(problemsOf(validator.validate(event))).toEqual([
        {
          path: '$',
          message:
            'must match exactly one of RunEvent, JobEvent or DatasetEvent, but matches JobEvent and DatasetEvent',
        },
      ]);
    });

    it.each([
      ['an array', [runEvent()]],
      ['a string', JSON.stringify(runEvent())],
      ['null', null],
      ['a number', 42],
      ['undefined', undefined],
    ])('rejects %s with one problem at $', (_name, value) => {
      expect(problemsOf(validator.validate(value))).toEqual([
        {
          path: '$',
          message:
            'must be an OpenLineage RunEvent, JobEvent or DatasetEvent object',
        },
      ]);
    });
  });

  describe('deduplication', () => {
    it('reports a non-object input dataset once, although three subschemas require an object', () => {
      const event = runEvent();
      event.inputs = [null];
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.inputs[0]', message: 'must be object' },
      ]);
    });

    it('never reports the same problem twice', () => {
      const event = runEvent();
      delete event.eventTime;
      event.run.runId = 42;
      event.eventType = 'DONE';
      event.inputs = [null, 'x', [], { name: 1 }];
      event.outputs = { name: 'x' };
      event.job.facets = { a: {}, b: 'x' };
      const problems = problemsOf(validator.validate(event));
      const keys = problems.map(p => `${p.path} ${p.message}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(problems).toEqual([
        { path: '$.eventTime', message: 'is required' },
        {
          path: '$.eventType',
          message:
            'must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER',
        },
        { path: '$.run.runId', message: 'must be string' },
        { path: '$.job.facets.a._producer', message: 'is required' },
        { path: '$.job.facets.a._schemaURL', message: 'is required' },
        { path: '$.job.facets.b', message: 'must be object' },
        { path: '$.inputs[0]', message: 'must be object' },
        { path: '$.inputs[1]', message: 'must be object' },
        { path: '$.inputs[2]', message: 'must be object' },
        { path: '$.inputs[3].namespace', message: 'is required' },
        { path: '$.inputs[3].name', message: 'must be string' },
        { path: '$.outputs', message: 'must be array' },
      ]);
    });
  });

  it('rejects a producer that is not a URI, however often it comes', () => {
    const event = { ...runEvent(), producer: 'not a uri' };
    for (let i = 0; i < 3; i++) {
      expect(problemsOf(validator.validate(event))).toEqual([
        { path: '$.producer', message: 'must match format "uri"' },
      ]);
      expect(validator.validate(runEvent()).valid).toBe(true);
    }
  });

  it('remembers format answers, testing each text once', () => {
    const test = jest.fn((text: string) => text.startsWith('https://'));
    const remembering = rememberingFormat(test);
    expect(
      ['https://a', 'b', 'https://a', 'b'].map(text => remembering(text)),
    ).toEqual([true, false, true, false]);
    expect(test).toHaveBeenCalledTimes(2);
  });

  it('does not modify the validated event', () => {
    const event = runEvent();
    const copy = JSON.parse(JSON.stringify(event));
    validator.validate(event);
    expect(event).toEqual(copy);
  });

  describe('fromDirectory', () => {
    it('fails for a directory without the core schema', () => {
      expect(() =>
        OpenLineageValidator.fromDirectory(path.join(FIXTURES_DIR, 'missing')),
      ).toThrow(/Cannot read OpenLineage schema .*OpenLineage\.json/);
    });
  });
});
