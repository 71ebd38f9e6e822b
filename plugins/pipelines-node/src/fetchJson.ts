/** A scheduler answered something other than the JSON we asked for. @public */
export class SchedulerRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: string,
  ) {
    super(message);
    this.name = 'SchedulerRequestError';
  }
}

/** @public */
export interface FetchJsonOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Aborts the request after this long. Defaults to 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Requests JSON from a scheduler's API. Every failure (network, timeout, HTTP
 * status, malformed JSON) becomes a SchedulerRequestError that names the URL,
 * so a failed poll says exactly what went wrong.
 *
 * @public
 */
export async function fetchJson<T = unknown>(
  url: string,
  options: FetchJsonOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signals = [timeout];
  if (options.signal) signals.push(options.signal);
  const method = options.method ?? 'GET';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        Accept: 'application/json',
        ...(options.body !== undefined
          ? { 'Content-Type': 'application/json' }
          : {}),
        ...options.headers,
      },
      body:
        options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: AbortSignal.any(signals),
    });
  } catch (error) {
    const cause = error instanceof Error ? error.cause ?? error.message : error;
    const reason =
      timeout.aborted && !options.signal?.aborted
        ? `timed out after ${timeoutMs} ms`
        : String(cause);
    throw new SchedulerRequestError(`${method} ${url} failed: ${reason}`);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new SchedulerRequestError(
      `${method} ${url} answered ${response.status} ${
        response.statusText
      }: ${text.slice(0, 300)}`,
      response.status,
      text,
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new SchedulerRequestError(
      `${method} ${url} answered malformed JSON: ${text.slice(0, 100)}`,
      response.status,
      text,
    );
  }
}
