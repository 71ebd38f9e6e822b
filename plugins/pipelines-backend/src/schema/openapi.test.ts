import { internal as openapi } from '@backstage/backend-openapi-utils';
import { mockServices } from '@backstage/backend-test-utils';
import {
  ColumnLineageEntry,
  ColumnQualityMetrics,
  DatasetDetails,
  IngestEventResult,
  LineageResponse,
  ListDatasetsResponse,
  ListPipelinesResponse,
  ListQualityMetricsResponse,
  ListRunsResponse,
  Pipeline,
  PipelineSummary,
  QualityMetrics,
  QualityResult,
  Run,
} from '@tributary/plugin-pipelines-common';
import express from 'express';
import request from 'supertest';
import { createRouter } from '../service/router';
import openapiJson from './openapi.json';
import { spec } from './openapi.generated';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'];

/** Added by backend-openapi-utils to every router it creates. */
const LIBRARY_ROUTES = ['get /openapi.json'];

type Parameter = {
  name: string;
  in: string;
  required?: boolean;
  schema: {
    type?: string;
    minimum?: number;
    maximum?: number;
    enum?: readonly string[];
    $ref?: string;
  };
};

/** Follows a local `#/components/...` reference. */
function resolve<T>(value: T | { $ref: string }): T {
  if (value && typeof value === 'object' && '$ref' in value) {
    const segments = value.$ref.replace(/^#\//, '').split('/');
    return resolve(segments.reduce((node: any, key) => node[key], spec));
  }
  return value as T;
}

/** Every operation of the spec, with its path in Express syntax. */
function specOperations() {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({
        method,
        path,
        expressPath: path.replace(/\{([^}]+)\}/g, ':$1'),
        parameters: ((operation as any).parameters ?? []).map((p: any) => {
          const parameter = resolve<Parameter>(p);
          return { ...parameter, schema: resolve(parameter.schema) };
        }) as Parameter[],
      })),
  );
}

type Doc = typeof spec;

/** The body type the spec gives a response of an operation. */
type Body<
  Path extends openapi.DocPath<Doc>,
  Method extends openapi.DocPathMethod<Doc, Path>,
  Status extends keyof openapi.ResponseSchemas<Doc, Path, Method>,
> = openapi.ToTypeSafe<openapi.ResponseSchemas<Doc, Path, Method>[Status]>;

/** True when A and B have the same properties, with assignable types. */
type SameShape<A, B> = [A, keyof A] extends [B, keyof B]
  ? [B, keyof B] extends [A, keyof A]
    ? true
    : false
  : false;

/** Fails to compile (yarn tsc) unless A and B have the same shape. */
function expectSameShape<A, B>(proof: SameShape<A, B>) {
  return proof;
}

function omitNames<T extends { operationId: string; summary: string }>(
  operation: T,
) {
  const { operationId: _id, summary: _summary, ...rest } = operation;
  return rest;
}

async function createTestRouter() {
  // Registering routes touches none of these; the requests below all fail
  // before a handler would use them.
  return createRouter({
    store: {} as any,
    ingestor: {} as any,
    lineage: {} as any,
    ownership: {} as any,
    backfills: {} as any,
    monitoring: {} as any,
    httpAuth: mockServices.httpAuth(),
    config: mockServices.rootConfig(),
    logger: mockServices.logger.mock(),
  });
}

describe('the OpenAPI spec', () => {
  it('is the same in openapi.json and openapi.generated.ts', () => {
    expect(spec).toStrictEqual(openapiJson);
  });

  it('gives responses the types of @tributary/plugin-pipelines-common', () => {
    type PipelinePage = Body<'/v1/pipelines', 'get', '200'>;
    type DatasetPage = Body<'/v1/datasets', 'get', '200'>;
    type DatasetBody = Body<'/v1/datasets/{id}', 'get', '200'>;
    type Lineage = Body<'/v1/lineage', 'get', '200'>;
    type Batch = Body<'/v1/lineage/batch', 'post', '200'>;
    type Metrics = Body<'/v1/datasets/{id}/metrics', 'get', '200'>;
    const proofs = [
      expectSameShape<PipelinePage, ListPipelinesResponse>(true),
      expectSameShape<PipelinePage['items'][number], Pipeline>(true),
      expectSameShape<
        NonNullable<PipelinePage['items'][number]['stale']>,
        NonNullable<Pipeline['stale']>
      >(true),
      expectSameShape<Body<'/v1/pipelines/{id}', 'get', '200'>, Pipeline>(true),
      expectSameShape<
        Body<'/v1/pipelines/{id}/runs', 'get', '200'>,
        ListRunsResponse
      >(true),
      expectSameShape<Body<'/v1/runs/{runId}', 'get', '200'>, Run>(true),
      expectSameShape<DatasetPage, ListDatasetsResponse>(true),
      expectSameShape<
        DatasetPage['items'][number],
        ListDatasetsResponse['items'][number]
      >(true),
      expectSameShape<DatasetBody, DatasetDetails>(true),
      expectSameShape<DatasetBody['producers'][number], PipelineSummary>(true),
      expectSameShape<
        Body<'/v1/datasets/{id}/column-lineage', 'get', '200'>['items'][number],
        ColumnLineageEntry
      >(true),
      expectSameShape<
        Body<'/v1/datasets/{id}/quality', 'get', '200'>['items'][number],
        QualityResult
      >(true),
      expectSameShape<Metrics, ListQualityMetricsResponse>(true),
      expectSameShape<Metrics['items'][number], QualityMetrics>(true),
      expectSameShape<
        NonNullable<Metrics['items'][number]['columns']>[string],
        ColumnQualityMetrics
      >(true),
      expectSameShape<Lineage, LineageResponse>(true),
      expectSameShape<
        Lineage['nodes'][number],
        LineageResponse['nodes'][number]
      >(true),
      expectSameShape<Batch['results'][number], IngestEventResult>(true),
    ];
    expect(proofs.every(Boolean)).toBe(true);
  });

  it('describes exactly the routes the router registers', async () => {
    const router = await createTestRouter();
    // Routes of the router and of the routers it mounts.
    const routesOf = (stack: any[]): string[] =>
      stack.flatMap(layer => {
        if (layer.route) {
          return Object.keys(layer.route.methods).map(
            method => `${method} ${layer.route.path}`,
          );
        }
        return Array.isArray(layer.handle?.stack)
          ? routesOf(layer.handle.stack)
          : [];
      });
    const registered = routesOf(router.stack).filter(
      route => !LIBRARY_ROUTES.includes(route),
    );
    const described = specOperations().map(
      op => `${op.method} ${op.expressPath}`,
    );

    expect(registered.length).toBeGreaterThan(0);
    expect(new Set(registered).size).toBe(registered.length);
    expect([...registered].sort()).toEqual([...described].sort());
  });

  it('describes the OpenLineage transport paths as their aliases', () => {
    const {
      operationId: _a,
      summary: _b,
      ...event
    } = spec.paths['/api/v1/lineage'].post;
    const {
      operationId: _c,
      summary: _d,
      ...batch
    } = spec.paths['/api/v1/lineage/batch'].post;
    expect(event).toEqual(omitNames(spec.paths['/v1/lineage'].post));
    expect(batch).toEqual(omitNames(spec.paths['/v1/lineage/batch'].post));
  });

  it('is served by the router and valid for its validator', async () => {
    const app = express().use(await createTestRouter());
    const response = await request(app).get('/openapi.json');
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.paths).sort()).toEqual(
      Object.keys(spec.paths).sort(),
    );
    // The validator works on the spec object itself: it must leave it as is.
    expect(spec).toStrictEqual(openapiJson);
  });

  describe('declares the query parameters the handlers accept', () => {
    const withQuery = specOperations().filter(op =>
      op.parameters.some(p => p.in === 'query'),
    );
    let app: express.Express;
    beforeAll(async () => {
      app = express().use(await createTestRouter());
    });

    /** Requests that break one declared constraint, and the 400 each gets. */
    function invalidRequests(parameters: Parameter[]): Array<[string, string]> {
      return parameters.flatMap(({ name, required, schema }) => {
        const cases: Array<[string, string]> = [];
        if (required) {
          cases.push(['', `Query parameter '${name}' is required`]);
        }
        if (schema.type === 'integer') {
          const { minimum: min, maximum: max } = schema;
          if (min === undefined) {
            throw new Error(`Query parameter '${name}' has no minimum`);
          }
          cases.push([
            `${name}=${min - 1}`,
            `Query parameter '${name}' must be between ${min} and ${max ?? ''}`,
          ]);
          if (max !== undefined) {
            cases.push([
              `${name}=${max + 1}`,
              `Query parameter '${name}' must be between ${min} and ${max}, got ${
                max + 1
              }`,
            ]);
          }
        }
        if (schema.enum) {
          cases.push([
            `${name}=zz`,
            `Query parameter '${name}' must be one of ${schema.enum.join(
              ', ',
            )}, got 'zz'`,
          ]);
        }
        return cases;
      });
    }

    it.each(withQuery.map(op => [`${op.method} ${op.path}`, op] as const))(
      '%s: names, ranges, enums and required ones',
      async (_, op) => {
        const query = op.parameters.filter(p => p.in === 'query');
        const path = op.expressPath.replace(/:[^/]+/g, 'x');
        const answer = async (q: string) => {
          const response = await request(app)[op.method as 'get'](
            `${path}?${q}`,
          );
          return { q, status: response.status, body: response.body };
        };

        const unknown = await answer('zz=1');
        expect(unknown.status).toBe(400);
        const message: string = unknown.body.error.message;
        expect(message).toMatch(/^Unknown query parameter 'zz'; expected /);
        expect(
          message
            .replace(/^.*; expected /, '')
            .split(', ')
            .sort(),
        ).toEqual(query.map(p => p.name).sort());

        for (const [q, expected] of invalidRequests(query)) {
          const { status, body } = await answer(q);
          expect({ q, status }).toEqual({ q, status: 400 });
          expect(body.error.message).toContain(expected);
        }
      },
    );
  });
});
