/**
 * The poll position of a Styx provider. Styx has no "changed since" query for
 * workflow instances, so the cursor keeps, per workflow, the partition
 * parameter to read on from, plus the instances to look at again:
 *
 * - `offsets`: workflow (`cid/wid`) → parameter to pass as `offset` next time
 *   (inclusive, so the newest partition is re-read and its retries seen).
 * - `watch`: instances (`cid#wid#parameter`) outside those ranges that were
 *   active or unfinished: ad-hoc re-runs, retries and backfills of older
 *   partitions. They are read one by one until they finish.
 * - `more`: workflows whose last page was full; the next call (`hasMore`)
 *   reads only those.
 */
export interface StyxCursor {
  v: 1;
  offsets: Record<string, string>;
  watch: string[];
  more?: string[];
}

export function encodeCursor(cursor: StyxCursor): string {
  return JSON.stringify(cursor);
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(v => typeof v === 'string');

/** Undefined for a missing, foreign or damaged cursor: start over. */
export function decodeCursor(
  value: string | undefined,
): StyxCursor | undefined {
  if (!value) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const c = parsed as Partial<StyxCursor>;
  if (
    c.v !== 1 ||
    !c.offsets ||
    typeof c.offsets !== 'object' ||
    Array.isArray(c.offsets) ||
    !Object.values(c.offsets).every(v => typeof v === 'string') ||
    !isStringArray(c.watch) ||
    (c.more !== undefined && !isStringArray(c.more))
  ) {
    return undefined;
  }
  return { v: 1, offsets: c.offsets, watch: c.watch, more: c.more };
}
