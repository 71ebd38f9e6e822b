import { LuigiSnapshot } from './LuigiSnapshot';

/**
 * Slack added to the overlap between polls, seconds, for timer resolution
 * and clock slewing between our measurement and the scheduler's clock.
 */
export const CLOCK_MARGIN_SECONDS = 0.5;

/** Where the next poll starts. */
export interface LuigiCursor {
  /** Tasks with `last_updated` at or after this (scheduler clock, Unix s). */
  since: number;
  /** `LuigiSnapshot.blockedDigest` of the last poll. */
  blocked: string;
}

export function encodeCursor(cursor: LuigiCursor): string {
  return JSON.stringify({ v: 1, since: cursor.since, blocked: cursor.blocked });
}

/** Undefined for an absent cursor; throws for one this provider never wrote. */
export function decodeCursor(
  cursor: string | undefined,
): LuigiCursor | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const value = parsed as Partial<LuigiCursor> & { v?: unknown };
  if (
    typeof value !== 'object' ||
    value === null ||
    value.v !== 1 ||
    typeof value.since !== 'number' ||
    !Number.isFinite(value.since) ||
    typeof value.blocked !== 'string'
  ) {
    throw new Error(`Not a Luigi provider cursor: ${cursor.slice(0, 100)}`);
  }
  return { since: value.since, blocked: value.blocked };
}

/**
 * The cursor after a poll. Each status list is answered at a slightly
 * different moment, so a task that changed status while they were read may be
 * missing from all of them, with a `last_updated` below the highest one seen.
 * Its change happened after the first request reached the scheduler, and
 * every `last_updated` seen is before the last answer left it, so it is at
 * most the sweep's duration below that highest value: the next poll starts
 * that far back (re-reading a few tasks, which the store merges).
 */
export function nextCursor(
  previous: LuigiCursor | undefined,
  snapshot: Pick<
    LuigiSnapshot,
    'maxUpdated' | 'sweepSeconds' | 'blockedDigest'
  >,
): LuigiCursor {
  let since = previous?.since;
  if (snapshot.maxUpdated !== undefined) {
    const candidate =
      snapshot.maxUpdated - snapshot.sweepSeconds - CLOCK_MARGIN_SECONDS;
    since = since === undefined ? candidate : Math.max(since, candidate);
  }
  return { since: since ?? 0, blocked: snapshot.blockedDigest };
}
