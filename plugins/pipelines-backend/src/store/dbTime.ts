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

export function toIsoTimestamp(value: DbTime): string {
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) {
    throw new Error(`Stored timestamp '${value}' is not a valid date`);
  }
  return date.toISOString();
}

export function optionalIso(
  value: DbTime | null | undefined,
): string | undefined {
  return value === null || value === undefined
    ? undefined
    : toIsoTimestamp(value);
}
