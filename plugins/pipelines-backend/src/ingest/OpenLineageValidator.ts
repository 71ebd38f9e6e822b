import fs from 'fs';
import path from 'path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { OpenLineageEvent, OpenLineageEventKind } from './openLineageTypes';

type FormatTest = (text: string) => boolean;

const REMEMBERED_FORMAT_RESULTS = 10_000;

/**
 * A format test that remembers its answers. Every event and facet carries a
 * `producer` and a `schemaURL`, of a few distinct values in all, and the full
 * `uri` test is a long regular expression.
 */
export function rememberingFormat(test: FormatTest): FormatTest {
  const results = new Map<string, boolean>();
  return text => {
    let result = results.get(text);
    if (result === undefined) {
      result = test(text);
      // Bounded: a client sending ever new URIs must not grow it forever.
      if (results.size >= REMEMBERED_FORMAT_RESULTS) {
        results.clear();
      }
      results.set(text, result);
    }
    return result;
  };
}

/** One reason why an event was rejected. */
export interface ValidationProblem {
  /** JSON path of the offending value, e.g. `$.run.runId` or `$.inputs[0].name`. */
  path: string;
  /** What is wrong with it, e.g. `is required` or `must match format "uuid"`. */
  message: string;
}

export type ValidationResult =
  | { valid: true; event: OpenLineageEvent; kind: OpenLineageEventKind }
  | { valid: false; problems: ValidationProblem[] };

/** `$id` of the vendored core schema (`schemas/openlineage/OpenLineage.json`). */
export const OPENLINEAGE_CORE_SCHEMA_ID =
  'https://openlineage.io/spec/2-0-2/OpenLineage.json';

const NOT_AN_EVENT_MESSAGE =
  'must be an OpenLineage RunEvent, JobEvent or DatasetEvent object';

const KINDS: readonly OpenLineageEventKind[] = [
  'RunEvent',
  'JobEvent',
  'DatasetEvent',
];

/** Keywords whose errors only summarise the errors of their subschemas. */
const COMBINATOR_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf']);

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJson(file: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read OpenLineage schema ${file}: ${error}`);
  }
  if (!isObject(parsed) || typeof parsed.$id !== 'string') {
    throw new Error(`OpenLineage schema ${file} has no $id`);
  }
  return parsed;
}

/**
 * Validates OpenLineage events against the OpenLineage core JSON Schema
 * (`https://openlineage.io/spec/2-0-2/OpenLineage.json`).
 *
 * Only the core schema is enforced: it checks the event envelope and that every facet is an object
 * with `_producer` and `_schemaURL`. The contents of facets are not checked against the facet
 * schemas, because real producers (dbt, for one) violate them; the facet schemas are registered
 * only so that references between schemas resolve offline.
 *
 * Schemas are compiled once, in {@link OpenLineageValidator.create}; `validate` is cheap.
 */
export class OpenLineageValidator {
  /** Loads the schemas vendored in this package (`schemas/openlineage`). */
  static create(): OpenLineageValidator {
    return OpenLineageValidator.fromDirectory(
      resolvePackagePath(
        '@tributary/plugin-pipelines-backend',
        'schemas/openlineage',
      ),
    );
  }

  /**
   * Loads `OpenLineage.json` and `facets/*.json` from `dir` and compiles them.
   * Throws if a file is unreadable or is not a valid JSON Schema.
   */
  static fromDirectory(dir: string): OpenLineageValidator {
    const core = readJson(path.join(dir, 'OpenLineage.json'));
    if (core.$id !== OPENLINEAGE_CORE_SCHEMA_ID) {
      throw new Error(
        `Expected ${path.join(
          dir,
          'OpenLineage.json',
        )} to have $id ${OPENLINEAGE_CORE_SCHEMA_ID}, got ${core.$id}`,
      );
    }
    const facetsDir = path.join(dir, 'facets');
    const facets = fs.existsSync(facetsDir)
      ? fs
          .readdirSync(facetsDir)
          .filter(name => name.endsWith('.json'))
          .sort()
          .map(name => readJson(path.join(facetsDir, name)))
      : [];

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat(
      'uri',
      rememberingFormat(addFormats.get('uri') as FormatTest),
    );
    // The core schema first: every facet schema $refs it by its absolute $id.
    ajv.addSchema(core);
    for (const facet of facets) {
      ajv.addSchema(facet);
    }

    const compile = (ref: string): ValidateFunction => {
      const validate = ajv.getSchema(ref);
      if (!validate) {
        throw new Error(`OpenLineage schema ${ref} not found`);
      }
      return validate;
    };
    return new OpenLineageValidator(compile(OPENLINEAGE_CORE_SCHEMA_ID), {
      RunEvent: compile(`${OPENLINEAGE_CORE_SCHEMA_ID}#/$defs/RunEvent`),
      JobEvent: compile(`${OPENLINEAGE_CORE_SCHEMA_ID}#/$defs/JobEvent`),
      DatasetEvent: compile(
        `${OPENLINEAGE_CORE_SCHEMA_ID}#/$defs/DatasetEvent`,
      ),
    });
  }

  private constructor(
    private readonly validateEvent: ValidateFunction,
    private readonly validateKind: Record<
      OpenLineageEventKind,
      ValidateFunction
    >,
  ) {}

  /**
   * Checks `event` (a parsed JSON value) against the core schema. On success, returns it typed,
   * with its kind; otherwise returns the problems, deduplicated, with JSON paths.
   */
  validate(event: unknown): ValidationResult {
    if (!isObject(event)) {
      return {
        valid: false,
        problems: [{ path: '$', message: NOT_AN_EVENT_MESSAGE }],
      };
    }
    const intended = intendedKind(event);

    if (this.validateEvent(event)) {
      return {
        valid: true,
        event: event as unknown as OpenLineageEvent,
        kind: this.matchedKind(event, intended),
      };
    }

    // The root is `oneOf` RunEvent/DatasetEvent/JobEvent, and its errors mix the failures of all
    // three branches. Report the failures of the branch the event was meant to be instead.
    const validateIntended = this.validateKind[intended];
    if (!validateIntended(event)) {
      return {
        valid: false,
        problems: toProblems(validateIntended.errors ?? [], event),
      };
    }

    // The intended branch matches but `oneOf` failed, so another branch matches too.
    const matching = KINDS.filter(kind => this.validateKind[kind](event));
    return {
      valid: false,
      problems: [
        {
          path: '$',
          message: `must match exactly one of RunEvent, JobEvent or DatasetEvent, but matches ${matching.join(
            ' and ',
          )}`,
        },
      ],
    };
  }

  /** The branch of `oneOf` that a valid event matched. */
  private matchedKind(
    event: JsonObject,
    intended: OpenLineageEventKind,
  ): OpenLineageEventKind {
    // With `run` and `job`, only RunEvent can match; without `job`, only DatasetEvent can (and
    // `intended` is already right). With `job` but no `run`, JobEvent or DatasetEvent matches: an
    // event with `job` and `dataset` whose JobEvent part (e.g. `inputs`) is invalid is a DatasetEvent.
    if (intended === 'JobEvent' && !this.validateKind.JobEvent(event)) {
      return 'DatasetEvent';
    }
    return intended;
  }
}

function has(event: JsonObject, key: string): boolean {
  return event[key] !== undefined;
}

/**
 * The kind the sender evidently meant, used to pick the `oneOf` branch whose errors are reported:
 * `run` and `job` → RunEvent, else `job` → JobEvent, else `dataset` → DatasetEvent, else RunEvent
 * (the most common kind; its errors then say that `run` and `job` are required).
 */
function intendedKind(event: JsonObject): OpenLineageEventKind {
  if (has(event, 'run') && has(event, 'job')) {
    return 'RunEvent';
  }
  if (has(event, 'job')) {
    return 'JobEvent';
  }
  if (has(event, 'dataset')) {
    return 'DatasetEvent';
  }
  return 'RunEvent';
}

/** Turns ajv errors into readable, deduplicated problems. */
function toProblems(
  errors: readonly ErrorObject[],
  event: unknown,
): ValidationProblem[] {
  const specific = errors.filter(e => !COMBINATOR_KEYWORDS.has(e.keyword));
  const problems: ValidationProblem[] = [];
  const seen = new Set<string>();
  const add = (problem: ValidationProblem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  };

  for (const error of errors) {
    if (COMBINATOR_KEYWORDS.has(error.keyword)) {
      // "must match a schema in anyOf" only summarises the errors of its branches: skip it when
      // those are reported at the same value or below it.
      const prefix = error.instancePath;
      if (
        specific.some(
          e =>
            e.instancePath === prefix ||
            e.instancePath.startsWith(`${prefix}/`),
        )
      ) {
        continue;
      }
    }
    const segments = parsePointer(error.instancePath);
    if (error.keyword === 'required') {
      add({
        path: toJsonPath(
          [...segments, String(error.params.missingProperty)],
          event,
        ),
        message: 'is required',
      });
      continue;
    }
    add({ path: toJsonPath(segments, event), message: describe(error) });
  }
  return problems;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const types = Array.isArray(params.type)
        ? params.type
        : String(params.type).split(',');
      return `must be ${types.join(' or ')}`;
    }
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[])
        .map(v => (typeof v === 'string' ? v : JSON.stringify(v)))
        .join(', ')}`;
    case 'format':
      return params.format === 'date-time'
        ? 'must match format "date-time" (RFC 3339 with a time zone offset, e.g. 2024-01-31T12:00:00Z)'
        : `must match format "${params.format}"`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return error.message ?? `is invalid (${error.keyword})`;
  }
}

/** Splits an RFC 6901 JSON Pointer (ajv's `instancePath`) into unescaped segments. */
function parsePointer(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  return pointer
    .slice(1)
    .split('/')
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats segments as a JSON path: `$.inputs[0].facets.schema`, `$.run.facets['my-facet']`.
 * Walks `data` alongside, so that only array indices (not object keys like "0") use `[n]`.
 */
function toJsonPath(segments: readonly string[], data: unknown): string {
  let result = '$';
  let current: unknown = data;
  for (const segment of segments) {
    if (Array.isArray(current) && /^(0|[1-9]\d*)$/.test(segment)) {
      result += `[${segment}]`;
      current = current[Number(segment)];
      continue;
    }
    result += IDENTIFIER.test(segment)
      ? `.${segment}`
      : `['${segment.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
    current = isObject(current) ? current[segment] : undefined;
  }
  return result;
}
