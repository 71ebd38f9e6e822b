import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { fetchJson, SchedulerRequestError } from './fetchJson';

describe('fetchJson', () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok') {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ hello: 'world' }));
      } else if (req.url === '/broken') {
        res.statusCode = 500;
        res.end('scheduler exploded');
      } else if (req.url === '/malformed') {
        res.end('{"truncated":');
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('{}'), 500);
      } else if (req.url === '/echo') {
        let body = '';
        req.on('data', chunk => (body += chunk));
        req.on('end', () =>
          res.end(
            JSON.stringify({ method: req.method, body: JSON.parse(body) }),
          ),
        );
      }
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise(resolve => server.close(resolve)));

  it('answers parsed JSON and sends JSON bodies', async () => {
    await expect(fetchJson(`${baseUrl}/ok`)).resolves.toEqual({
      hello: 'world',
    });
    await expect(
      fetchJson(`${baseUrl}/echo`, { method: 'POST', body: { a: 1 } }),
    ).resolves.toEqual({ method: 'POST', body: { a: 1 } });
  });

  it('names the URL and status of an HTTP error', async () => {
    const error = await fetchJson<never>(`${baseUrl}/broken`).catch(
      (e: SchedulerRequestError) => e,
    );
    expect(error).toBeInstanceOf(SchedulerRequestError);
    expect(error.status).toBe(500);
    expect(error.message).toBe(
      `GET ${baseUrl}/broken answered 500 Internal Server Error: scheduler exploded`,
    );
  });

  it('rejects malformed JSON and timeouts clearly', async () => {
    await expect(fetchJson(`${baseUrl}/malformed`)).rejects.toThrow(
      `GET ${baseUrl}/malformed answered malformed JSON: {"truncated":`,
    );
    await expect(
      fetchJson(`${baseUrl}/slow`, { timeoutMs: 50 }),
    ).rejects.toThrow(`GET ${baseUrl}/slow failed: timed out after 50 ms`);
    await expect(fetchJson('http://127.0.0.1:1/nothing')).rejects.toThrow(
      'GET http://127.0.0.1:1/nothing failed:',
    );
  });
});
