import { deflateSync, gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { IngestBodyError, jsonBodyReader, writeJson } from './ingestHttp';

function createApp(limit: number) {
  const app = express();
  app.post('/', jsonBodyReader(limit), (req, res) => {
    res.setHeader('X-Seen-By', 'test');
    writeJson(res, 201, { body: req.body ?? null });
  });
  app.use(
    (
      error: IngestBodyError,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res
        .status(error.statusCode)
        .json({ name: error.name, message: error.message });
    },
  );
  return app;
}

const sendRaw = (data: Buffer) => data as unknown as string;

/** A POST with these headers; compressed bodies go as they are. */
function post(
  app: express.Express,
  headers: { type: string; encoding?: string },
) {
  const started = request(app).post('/').set('Content-Type', headers.type);
  return headers.encoding
    ? started.set('Content-Encoding', headers.encoding).serialize(sendRaw)
    : started;
}

describe('jsonBodyReader and writeJson', () => {
  it('parses a JSON body and answers JSON with the headers set before', async () => {
    const response = await post(createApp(1000), {
      type: 'application/json; charset=UTF-8',
    }).send('{"eventType":"START","n":[1,2]}');
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe(
      'application/json; charset=utf-8',
    );
    expect(response.headers['x-seen-by']).toBe('test');
    expect(response.body).toEqual({ body: { eventType: 'START', n: [1, 2] } });
  });

  it('inflates gzip and deflate bodies', async () => {
    const app = createApp(1000);
    for (const [encoding, body] of [
      ['gzip', gzipSync('[{"a":1}]')],
      ['deflate', deflateSync('[{"a":1}]')],
    ] as const) {
      const response = await post(app, {
        type: 'application/json',
        encoding,
      }).send(body);
      expect(response.body).toEqual({ body: [{ a: 1 }] });
    }
  });

  it('leaves a body of another content type unparsed', async () => {
    const response = await post(createApp(1000), { type: 'text/plain' }).send(
      '{"a":1}',
    );
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ body: null });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await post(createApp(1000), {
      type: 'application/json',
    }).send('{"eventType": "START",');
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^Request body is not valid JSON/);
  });

  it('answers 400 for a body that does not inflate', async () => {
    const response = await post(createApp(1000), {
      type: 'application/json',
      encoding: 'gzip',
    }).send(Buffer.from('{"not":"gzip"}'));
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^Cannot read the request body/);
  });

  it('answers 413 for a body over the limit, declared or inflated', async () => {
    const app = createApp(100);
    const large = JSON.stringify({ text: 'x'.repeat(200) });
    const declared = await post(app, { type: 'application/json' }).send(large);
    expect(declared.status).toBe(413);
    expect(declared.body.name).toBe('PayloadTooLargeError');

    const compressed = gzipSync(JSON.stringify({ text: 'x'.repeat(100_000) }));
    expect(compressed.length).toBeLessThan(1000);
    const inflated = await post(app, {
      type: 'application/json',
      encoding: 'gzip',
    }).send(compressed);
    expect(inflated.status).toBe(413);
  });

  it('answers 415 for an encoding or charset it cannot read', async () => {
    const app = createApp(1000);
    const encoded = await post(app, {
      type: 'application/json',
      encoding: 'compress',
    }).send('{}');
    expect(encoded.status).toBe(415);
    expect(encoded.body.message).toBe(
      'Unsupported content encoding "compress"',
    );
    const latin1 = await post(app, {
      type: 'application/json; charset=latin1',
    }).send('{}');
    expect(latin1.status).toBe(415);
  });
});
