/*
 * The plugin's router over a real store, wired as plugin.ts (and
 * createTestApp) wire it, served by a real HTTP server on a loopback port.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import { Knex } from 'knex';
import { OpenLineageValidator } from '../src/ingest/OpenLineageValidator';
import { createIngestPath } from '../src/service/createIngestPath';
import { createRouter } from '../src/service/router';
import { DatabasePipelinesStore } from '../src/store/DatabasePipelinesStore';
import { createBenchLogger, createStore } from './benchUtils';

export interface BenchServer {
  baseUrl: string;
  store: DatabasePipelinesStore;
  lineage: LineageService;
  close(): Promise<void>;
}

let sharedValidator: OpenLineageValidator | undefined;

/**
 * The plugin's router over a real store, wired as plugin.ts (and
 * createTestApp) wire it, served by a real HTTP server on a loopback port.
 */
export async function startBenchServer(knex: Knex): Promise<BenchServer> {
  const logger = createBenchLogger();
  const store = await createStore(knex);
  sharedValidator ??= OpenLineageValidator.create();
  // The bench runs the plugin's defaults unless told otherwise, for A/B runs.
  const ingestConfig = Object.fromEntries(
    [
      ['maxConcurrentCommits', process.env.PIPELINES_BENCH_MAX_COMMITS],
      ['touchFlushIntervalMs', process.env.PIPELINES_BENCH_TOUCH_FLUSH_MS],
    ]
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, Number(value)]),
  );
  const config = mockServices.rootConfig({
    data: { pipelines: { ingest: ingestConfig } },
  });
  const { lineage, ingestor, batcher } = createIngestPath({
    store,
    config,
    logger,
    validator: sharedValidator,
  });
  const router = await createRouter({
    store,
    ingestor,
    lineage,
    httpAuth: mockServices.httpAuth(),
    config,
    logger,
  });
  const app = express().use(router);
  const server = http.createServer(app);
  // Keep-alive connections are reused by the client; don't let them hold close().
  server.keepAliveTimeout = 5000;
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    store,
    lineage,
    close: async () => {
      await batcher.stop();
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close(error => (error ? reject(error) : resolve()));
      });
    },
  };
}
