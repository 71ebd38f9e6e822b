/*
 * A child process for the crash test: the real write path (validator,
 * ingestor, group committer, store) behind a minimal HTTP route, over the
 * database given in CRASH_TEST_KNEX, to be killed mid-burst.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import express from 'express';
import knexFactory from 'knex';
import { OpenLineageValidator } from '../ingest/OpenLineageValidator';
import { createIngestPath } from '../service/createIngestPath';
import { DatabasePipelinesStore } from '../store/DatabasePipelinesStore';
import { databaseServiceFor } from './testDatabases';

async function main() {
  const knex = knexFactory(JSON.parse(process.env.CRASH_TEST_KNEX!));
  const store = await DatabasePipelinesStore.create({
    database: databaseServiceFor(knex),
  });
  const logger: LoggerService = {
    error: message => process.stderr.write(`${message}\n`),
    warn: message => process.stderr.write(`${message}\n`),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  const { ingestor } = createIngestPath({
    store,
    // Touches stay deferred until the kill: recovery must bring them back.
    config: new ConfigReader({
      pipelines: { ingest: { touchFlushIntervalMs: 600_000 } },
    }),
    logger,
    validator: OpenLineageValidator.create(),
  });
  const app = express();
  app.post('/batch', express.json({ limit: '16mb' }), async (req, res) => {
    const results = await ingestor.ingest(req.body as unknown[]);
    res.status(200).json(results);
  });
  const server = http.createServer(app);
  server.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.address() as AddressInfo).port });
  });
}

main().catch(error => {
  process.stderr.write(`${error}\n`);
  process.exit(1);
});
