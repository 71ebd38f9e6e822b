import {
  HttpAuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { internal as openapi } from '@backstage/backend-openapi-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  LIST_PIPELINES_MAX_LIMIT,
  RUN_STATES,
} from '@tributary/plugin-pipelines-common';
import express from 'express';
import Router from 'express-promise-router';
import { BackfillCaller, BackfillService } from '../backfills/BackfillService';
import { OpenLineageIngestor } from '../ingest/OpenLineageIngestor';
import { LineageService } from '../lineage/LineageService';
import { OwnershipService } from '../ownership/OwnershipService';
import { createOpenApiRouter, spec } from '../schema/openapi.generated';
import { DatabaseMonitoringStore } from '../store/DatabaseMonitoringStore';
import {
  CatalogExportOptions,
  CatalogExportRows,
  PipelinesStore,
} from '../store/PipelinesStore';
import { jsonBodyReader, writeJson } from './ingestHttp';
import { parseListPipelinesQuery } from './parseListPipelinesQuery';
import { parseQuery } from './queryParameters';

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
export const DEFAULT_MAX_BATCH_BYTES = 16 * 1024 * 1024;
const DEFAULT_PAGE_SIZE = 50;
const DEFAULT_METRICS_LIMIT = 30;
const MAX_LINEAGE_DEPTH = 50;
const DEFAULT_EXPORT_PAGE_SIZE = 1000;
const MAX_EXPORT_PAGE_SIZE = 5000;

/** Export cursors are the last id of a page, opaque to clients. */
function encodeExportCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

function decodeExportCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const lastId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (lastId === '' || encodeExportCursor(lastId) !== cursor) {
    throw new InputError(
      `Query parameter 'after' is not a cursor this API gave out: '${cursor}'`,
    );
  }
  return lastId;
}

/**
 * Stands in for the OpenAPI router's default middleware, an `express.json()`
 * with its 100 KiB limit in front of every route: the ingest routes parse
 * their bodies themselves, after the credentials check and with their own
 * size limits.
 */
const noBodyParsing: express.RequestHandler = (_req, _res, next) => next();

/**
 * Paths with a malformed percent-encoding: the OpenAPI validator would answer
 * them with its own 400 ("malformed uri"); skipping it leaves them to Express,
 * whose 400 names the parameter it cannot decode.
 */
function isMalformedPath(path: string): boolean {
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

export interface RouterOptions {
  store: PipelinesStore;
  ingestor: OpenLineageIngestor;
  lineage: LineageService;
  ownership: OwnershipService;
  backfills: BackfillService;
  monitoring: DatabaseMonitoringStore;
  httpAuth: HttpAuthService;
  config: RootConfigService;
  logger: LoggerService;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    store,
    ingestor,
    lineage,
    ownership,
    backfills,
    monitoring,
    httpAuth,
    config,
    logger,
  } = options;
  const maxPageSize =
    config.getOptionalNumber('pipelines.api.maxPageSize') ??
    LIST_PIPELINES_MAX_LIMIT;
  const maxEventBytes =
    config.getOptionalNumber('pipelines.ingest.maxEventBytes') ??
    DEFAULT_MAX_EVENT_BYTES;
  const maxBatchBytes =
    config.getOptionalNumber('pipelines.ingest.maxBatchBytes') ??
    DEFAULT_MAX_BATCH_BYTES;

  const paging = {
    offset: { type: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER },
    limit: { type: 'integer', min: 1, max: maxPageSize },
  } as const;

  // Routes, parameters and bodies are typed from src/schema/openapi.json, but
  // the OpenAPI validator checks no request: the handlers do, because their
  // 400s say what is wrong in the API's own words (an unknown query parameter
  // lists the known ones, a limit out of range gives the configured maximum)
  // and the validator would answer first, in its words. So `req.query` holds
  // the raw strings, whatever the spec types say: read it only through
  // parseQuery. Credentials are Backstage's business (httpRouter, httpAuth).
  const router = await createOpenApiRouter({
    middleware: [noBodyParsing],
    validatorOptions: {
      validateRequests: false,
      validateSecurity: false,
      fileUploader: false,
      ignorePaths: isMalformedPath,
    },
  });

  router.get('/v1/pipelines', async (req, res) => {
    const query = parseListPipelinesQuery(req.query, maxPageSize);
    const page = await store.listPipelines(query);
    res.json({ ...page, offset: query.offset, limit: query.limit });
  });

  router.get('/v1/health', async (req, res) => {
    const { owner } = parseQuery(req.query, { owner: { type: 'string' } });
    const owners = (owner ?? '')
      .split(',')
      .map(ref => ref.trim())
      .filter(Boolean);
    if (owners.length === 0) {
      throw new InputError(
        "Query parameter 'owner' is required: owner entity refs, comma-separated",
      );
    }
    res.json(await monitoring.ownerHealth(owners));
  });

  router.get('/v1/sources', async (req, res) => {
    parseQuery(req.query, {});
    res.json({ items: await store.listSources() });
  });

  router.get('/v1/pipelines/:id', async (req, res) => {
    const pipeline = await store.getPipeline(req.params.id);
    if (!pipeline) {
      throw new NotFoundError(`No pipeline with id '${req.params.id}'`);
    }
    res.json(pipeline);
  });

  router.get('/v1/pipelines/:id/runs', async (req, res) => {
    const query = parseQuery(req.query, {
      ...paging,
      from: { type: 'time' },
      to: { type: 'time' },
      state: { type: 'enum', values: RUN_STATES },
    });
    if (!(await store.getPipeline(req.params.id))) {
      throw new NotFoundError(`No pipeline with id '${req.params.id}'`);
    }
    const offset = query.offset ?? 0;
    const limit = query.limit ?? Math.min(DEFAULT_PAGE_SIZE, maxPageSize);
    const page = await store.listRuns({
      pipelineId: req.params.id,
      offset,
      limit,
      from: query.from,
      to: query.to,
      state: query.state,
    });
    res.json({ ...page, offset, limit });
  });

  router.get('/v1/runs/:runId', async (req, res) => {
    const run = await store.getRun(req.params.runId);
    if (!run) {
      throw new NotFoundError(`No run with id '${req.params.runId}'`);
    }
    res.json(run);
  });

  router.get('/v1/datasets', async (req, res) => {
    const query = parseQuery(req.query, {
      ...paging,
      search: { type: 'string' },
      platform: { type: 'string' },
    });
    const offset = query.offset ?? 0;
    const limit = query.limit ?? Math.min(DEFAULT_PAGE_SIZE, maxPageSize);
    const page = await store.listDatasets({ ...query, offset, limit });
    res.json({ ...page, offset, limit });
  });

  router.get('/v1/datasets/:id', async (req, res) => {
    const dataset = await store.getDataset(req.params.id);
    if (!dataset) {
      throw new NotFoundError(`No dataset with id '${req.params.id}'`);
    }
    res.json(dataset);
  });

  router.get('/v1/datasets/:id/column-lineage', async (req, res) => {
    const query = parseQuery(req.query, { field: { type: 'string' } });
    if (!(await store.getDataset(req.params.id))) {
      throw new NotFoundError(`No dataset with id '${req.params.id}'`);
    }
    res.json({
      items: await store.listColumnLineage(req.params.id, query.field),
    });
  });

  router.get('/v1/datasets/:id/quality', async (req, res) => {
    const query = parseQuery(req.query, { limit: paging.limit });
    if (!(await store.getDataset(req.params.id))) {
      throw new NotFoundError(`No dataset with id '${req.params.id}'`);
    }
    res.json({
      items: await store.listQualityResults(
        req.params.id,
        query.limit ?? DEFAULT_PAGE_SIZE,
      ),
    });
  });

  router.get('/v1/datasets/:id/metrics', async (req, res) => {
    const query = parseQuery(req.query, { limit: paging.limit });
    if (!(await store.getDataset(req.params.id))) {
      throw new NotFoundError(`No dataset with id '${req.params.id}'`);
    }
    res.json({
      items: await store.listQualityMetrics(
        req.params.id,
        query.limit ?? Math.min(DEFAULT_METRICS_LIMIT, maxPageSize),
      ),
    });
  });

  const exportQuery = {
    after: { type: 'string' },
    limit: { type: 'integer', min: 1, max: MAX_EXPORT_PAGE_SIZE },
    changedSince: { type: 'time' },
  } as const;

  /** One page of a catalog export, with the cursor and read time it needs. */
  async function exportPage<T extends { id: string }>(
    rawQuery: Record<string, unknown>,
    list: (options: CatalogExportOptions) => Promise<CatalogExportRows<T>>,
  ) {
    const query = parseQuery(rawQuery, exportQuery);
    const readAt = new Date();
    const { items, hasMore } = await list({
      after: decodeExportCursor(query.after),
      limit: query.limit ?? DEFAULT_EXPORT_PAGE_SIZE,
      changedSince: query.changedSince,
    });
    return {
      items,
      nextCursor: hasMore
        ? encodeExportCursor(items[items.length - 1].id)
        : undefined,
      readAt: readAt.toISOString(),
    };
  }

  router.get('/v1/catalog/pipelines', async (req, res) => {
    res.json(
      await exportPage(req.query, page => store.listCatalogPipelines(page)),
    );
  });

  router.get('/v1/catalog/datasets', async (req, res) => {
    res.json(
      await exportPage(req.query, page => store.listCatalogDatasets(page)),
    );
  });

  router.get('/v1/ownership/unmapped', async (req, res) => {
    parseQuery(req.query, {});
    res.json({ items: await ownership.listUnmapped() });
  });

  router.get('/v1/lineage', async (req, res) => {
    const query = parseQuery(req.query, {
      node: { type: 'string' },
      direction: {
        type: 'enum',
        values: ['upstream', 'downstream', 'both'] as const,
      },
      depth: { type: 'integer', min: 0, max: MAX_LINEAGE_DEPTH },
      limit: { type: 'integer', min: 1, max: 1000 },
    });
    if (!query.node) {
      throw new InputError(
        "Query parameter 'node' is required: pipeline:<id> or dataset:<id>",
      );
    }
    if (!/^(pipeline|dataset):./.test(query.node)) {
      throw new InputError(
        `Query parameter 'node' must be pipeline:<id> or dataset:<id>, got '${query.node}'`,
      );
    }
    res.json(
      await lineage.query({
        node: query.node,
        direction: query.direction ?? 'both',
        depth: query.depth ?? 3,
        limit: query.limit ?? 100,
      }),
    );
  });

  // OpenLineage ingest. Both the plugin's own paths and those of the stock
  // OpenLineage HTTP transport (`<url>/api/v1/lineage`) with url = the plugin's.
  // In front of the OpenAPI router: ingest is the hot path, and the
  // validator's route lookup on every request costs more than it checks here.
  const ingestRoutes = Router();
  const requireService: express.RequestHandler = async (req, _res, next) => {
    try {
      await httpAuth.credentials(req, { allow: ['service'] });
      next();
    } catch (error) {
      next(error);
    }
  };
  const singleEventParser = jsonBodyReader(maxEventBytes);
  const batchParser = jsonBodyReader(maxBatchBytes);

  const ingestEvent: openapi.DocRequestHandler<
    typeof spec,
    '/v1/lineage',
    'post'
  > = async (req, res) => {
    // The body parser has already enforced the size limit. The body is any
    // JSON value, whatever its type says; the ingestor validates it.
    const [result] = await ingestor.ingest([req.body]);
    if (result.status === 'accepted') {
      writeJson(res, 201, { status: 'accepted' });
      return;
    }
    res.status(result.statusCode).json({
      error: {
        name: 'InputError',
        message: `Invalid OpenLineage event: ${result
          .problems!.map(p => `${p.path}: ${p.message}`)
          .join('; ')}`,
      },
      problems: result.problems,
      response: { statusCode: result.statusCode },
    });
  };
  ingestRoutes.post(
    '/v1/lineage',
    requireService,
    singleEventParser,
    ingestEvent,
  );
  ingestRoutes.post(
    '/api/v1/lineage',
    requireService,
    singleEventParser,
    ingestEvent,
  );

  const ingestBatch: openapi.DocRequestHandler<
    typeof spec,
    '/v1/lineage/batch',
    'post'
  > = async (req, res) => {
    // Any JSON value, whatever its type says.
    const events: unknown = req.body;
    if (!Array.isArray(events)) {
      throw new InputError(
        'A lineage batch must be a JSON array of OpenLineage events',
      );
    }
    // The body parser has checked Content-Length against the body; a
    // compressed body says nothing of the size of its events.
    const encoding = req.headers['content-encoding'] ?? 'identity';
    const requestBytes =
      encoding === 'identity' ? Number(req.headers['content-length']) : NaN;
    const results = await ingestor.ingest(events, {
      checkSizes: true,
      requestBytes: Number.isFinite(requestBytes) ? requestBytes : undefined,
    });
    const accepted = results.filter(r => r.status === 'accepted').length;
    writeJson(res, 200, {
      accepted,
      rejected: results.length - accepted,
      results,
    });
  };
  ingestRoutes.post(
    '/v1/lineage/batch',
    requireService,
    batchParser,
    ingestBatch,
  );
  ingestRoutes.post(
    '/api/v1/lineage/batch',
    requireService,
    batchParser,
    ingestBatch,
  );

  const backfillBodyParser = express.json({ limit: '64kb' });
  const callerOf = async (req: express.Request): Promise<BackfillCaller> => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { principal } = credentials;
    const requestedBy =
      principal.type === 'user'
        ? principal.userEntityRef
        : `service:${principal.subject}`;
    return { credentials, requestedBy, request: req };
  };

  router.post(
    '/v1/pipelines/:id/backfills/plan',
    backfillBodyParser,
    async (req, res) => {
      res.json(await backfills.plan(req.params.id, req.body));
    },
  );

  router.post(
    '/v1/pipelines/:id/backfills',
    backfillBodyParser,
    async (req, res) => {
      const { backfill, created } = await backfills.create(
        req.params.id,
        req.body,
        await callerOf(req),
      );
      res.status(created ? 201 : 200).json(backfill);
    },
  );

  router.get('/v1/pipelines/:id/backfills', async (req, res) => {
    parseQuery(req.query, {});
    res.json({ items: await backfills.list(req.params.id) });
  });

  router.get('/v1/backfills/:backfillId', async (req, res) => {
    res.json(await backfills.get(req.params.backfillId));
  });

  router.post('/v1/backfills/:backfillId/cancel', async (req, res) => {
    res.json(
      await backfills.cancel(req.params.backfillId, await callerOf(req)),
    );
  });

  const root = Router();
  root.use(ingestRoutes);
  root.use(router);
  root.use(MiddlewareFactory.create({ config, logger }).error());
  return root;
}
