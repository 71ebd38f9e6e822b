import { Knex } from 'knex';

export function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}

/** The rows of a raw query: PostgreSQL answers a result object, SQLite the rows. */
export async function rawRows(
  db: Knex,
  sql: string,
  bindings: readonly Knex.RawBinding[],
): Promise<any[]> {
  const result = await db.raw(sql, bindings);
  return Array.isArray(result) ? result : result.rows;
}
