import { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import express from 'express';

/**
 * The HTTP edges of the ingest routes, which take thousands of requests a
 * second. Measured on the single-event path, `express.json()` and `res.json()`
 * cost more CPU per request than the rest of the HTTP stack together (content
 * type and charset parsing, an ETag hash of every answer); these do the same
 * for JSON bodies and answers with none of that.
 */

/** An error the backend's error handler answers with its status code. */
export class IngestBodyError extends Error {
  constructor(readonly statusCode: 400 | 413 | 415, message: string) {
    super(message);
    this.name = statusCode === 413 ? 'PayloadTooLargeError' : 'IngestBodyError';
  }
}

function mediaTypeOf(contentType: string): {
  type: string;
  charset?: string;
} {
  const [type, ...parameters] = contentType.split(';');
  const charset = parameters
    .map(parameter => parameter.trim().toLowerCase())
    .find(parameter => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  return { type: type.trim().toLowerCase(), charset };
}

function decodedBody(
  req: express.Request,
  encoding: string,
): Readable | IngestBodyError {
  switch (encoding) {
    case 'identity':
      return req;
    case 'gzip':
      return req.pipe(createGunzip());
    case 'deflate':
      return req.pipe(createInflate());
    default:
      return new IngestBodyError(
        415,
        `Unsupported content encoding "${encoding}"`,
      );
  }
}

/**
 * Parses an `application/json` body of at most `limit` bytes once decoded
 * (gzip and deflate are inflated), as `express.json()` does: any other content
 * type is left unparsed, a larger body is a 413, bad JSON a 400.
 */
export function jsonBodyReader(limit: number): express.RequestHandler {
  return (req, _res, next) => {
    const { type, charset } = mediaTypeOf(req.headers['content-type'] ?? '');
    if (type !== 'application/json') {
      next();
      return;
    }
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      next(new IngestBodyError(415, `Unsupported charset "${charset}"`));
      return;
    }
    const encoding = (
      req.headers['content-encoding'] ?? 'identity'
    ).toLowerCase();
    const declaredBytes = Number(req.headers['content-length']);
    if (encoding === 'identity' && declaredBytes > limit) {
      next(
        new IngestBodyError(
          413,
          `Request body is ${declaredBytes} bytes, more than the limit of ${limit}`,
        ),
      );
      return;
    }
    const body = decodedBody(req, encoding);
    if (body instanceof IngestBodyError) {
      next(body);
      return;
    }

    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      next(error);
    };
    body.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        // Stop reading, and inflating: a small compressed body may unpack to
        // gigabytes. The rest of the request is not read.
        req.unpipe();
        req.pause();
        if (body !== req) {
          body.destroy();
        }
        settle(
          new IngestBodyError(
            413,
            `Request body is more than the limit of ${limit} bytes`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    body.on('error', error =>
      settle(
        new IngestBodyError(400, `Cannot read the request body: ${error}`),
      ),
    );
    req.on('aborted', () =>
      settle(new IngestBodyError(400, 'The request was aborted')),
    );
    if (body !== req) {
      // The inflater does not see the request's own errors.
      req.on('error', error =>
        settle(
          new IngestBodyError(400, `Cannot read the request body: ${error}`),
        ),
      );
    }
    body.on('end', () => {
      if (settled) return;
      const text = Buffer.concat(chunks, received).toString('utf8');
      if (text.trim() === '') {
        req.body = {};
        settle();
        return;
      }
      try {
        req.body = JSON.parse(text);
      } catch (error) {
        settle(
          new IngestBodyError(400, `Request body is not valid JSON: ${error}`),
        );
        return;
      }
      settle();
    });
  };
}

/** Answers JSON; headers other middleware set are kept. */
export function writeJson(
  res: express.Response,
  statusCode: number,
  body: unknown,
): void {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
