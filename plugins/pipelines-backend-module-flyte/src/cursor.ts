/**
 * Where listRuns stands in one project/domain.
 *
 * - `since`: executions are asked for with `gte(updated_at, since)`, ordered
 *   by `updated_at` ascending; an ISO timestamp with milliseconds, so strings
 *   compare like times.
 * - `token`: only while a listing is unfinished and a whole page shared one
 *   `updated_at` (so `since` could not move): FlyteAdmin's offset token.
 * - `max`: the largest `updated_at` seen so far in an unfinished listing.
 * - `partial`: the listing stopped at the page budget; the next call goes on
 *   from exactly here (no overlap).
 */
export interface PairCursor {
  since?: string;
  token?: string;
  max?: string;
  partial?: boolean;
}

export interface FlyteCursor {
  v: 1;
  pairs: Record<string, PairCursor>;
}

/** The cursor is JSON: opaque to the backend, readable in its store. */
export function encodeCursor(cursor: FlyteCursor): string {
  return JSON.stringify(cursor);
}

/** An unreadable or foreign cursor counts as none: start from the beginning. */
export function decodeCursor(value: string | undefined): FlyteCursor {
  if (!value) return { v: 1, pairs: {} };
  try {
    const parsed = JSON.parse(value);
    if (
      parsed &&
      parsed.v === 1 &&
      typeof parsed.pairs === 'object' &&
      parsed.pairs !== null
    ) {
      return parsed as FlyteCursor;
    }
  } catch {
    // fall through
  }
  return { v: 1, pairs: {} };
}

export function maxIso(
  a: string | undefined,
  b: string | undefined,
): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}
