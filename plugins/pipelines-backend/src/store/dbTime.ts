/** A timestamp as knex answers it: Date (PostgreSQL) or epoch millis (SQLite). */
export type DbTime = Date | string | number;

export function toDate(value: DbTime): Date {
  return value instanceof Date ? value : new Date(value);
}

export function optionalDate(
  value: DbTime | null | undefined,
): Date | undefined {
  return value === null || value === undefined ? undefined : toDate(value);
}

const twoDigits = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * `date.toISOString()`, in well under half its time here for the years
 * 1000-9999 (other years take the builtin).
 */
export function isoTimestamp(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) {
    // Also an invalid date, which the builtin refuses.
    return date.toISOString();
  }
  const ms = date.getUTCMilliseconds();
  const millis = ms < 100 ? `0${twoDigits(ms)}` : `${ms}`;
  return `${year}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(
    date.getUTCDate(),
  )}T${twoDigits(date.getUTCHours())}:${twoDigits(
    date.getUTCMinutes(),
  )}:${twoDigits(date.getUTCSeconds())}.${millis}Z`;
}

export function toIsoTimestamp(value: DbTime): string {
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) {
    throw new Error(`Stored timestamp '${value}' is not a valid date`);
  }
  return isoTimestamp(date);
}

export function optionalIso(
  value: DbTime | null | undefined,
): string | undefined {
  return value === null || value === undefined
    ? undefined
    : toIsoTimestamp(value);
}
