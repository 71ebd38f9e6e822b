import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { LIST_PIPELINES_MAX_LIMIT } from '@tributary/plugin-pipelines-common';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { PipelinesStore } from '../store/PipelinesStore';
import { parseListPipelinesQuery } from './parseListPipelinesQuery';

export interface RouterOptions {
  store: PipelinesStore;
  config: RootConfigService;
  logger: LoggerService;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store, config, logger } = options;
  const maxPageSize =
    config.getOptionalNumber('pipelines.api.maxPageSize') ??
    LIST_PIPELINES_MAX_LIMIT;

  const router = Router();
  router.use(express.json());

  router.get('/v1/pipelines', async (req, res) => {
    const query = parseListPipelinesQuery(
      req.query as Record<string, unknown>,
      maxPageSize,
    );
    const page = await store.listPipelines(query);
    res.json({
      items: page.items,
      totalCount: page.totalCount,
      offset: query.offset,
      limit: query.limit,
    });
  });

  router.get('/v1/pipelines/:id', async (req, res) => {
    const pipeline = await store.getPipeline(req.params.id);
    if (!pipeline) {
      throw new NotFoundError(`No pipeline with id '${req.params.id}'`);
    }
    res.json(pipeline);
  });

  router.use(MiddlewareFactory.create({ config, logger }).error());
  return router;
}
