import { Knex } from 'knex';

/** A PostgreSQL literal, correct whatever standard_conforming_strings says. */
function quote(text: string): string {
  const quoted = text.replace(/'/g, "''");
  return text.includes('\\')
    ? `E'${quoted.replace(/\\/g, '\\\\')}'`
    : `'${quoted}'`;
}

function literal(value: unknown): string {
  if (value === null || value === undefined) {
    return 'NULL';
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new TypeError(`Cannot write ${value} to PostgreSQL`);
    }
    return String(value);
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (value instanceof Date) {
    return `'${value.toISOString()}'`;
  }
  if (typeof value === 'string') {
    return quote(value);
  }
  return quote(JSON.stringify(value));
}

/**
 * The statement as PostgreSQL text with every value inlined as a literal, so
 * that several statements can go in one simple-protocol query. Values are
 * written into the statement's `?` placeholders once and never read again as
 * SQL. Much cheaper than knex's toString() on large values.
 */
export function inlinePostgresSql(
  statement: Knex.QueryBuilder | Knex.Raw,
): string {
  const { sql, bindings } = statement.toSQL();
  let index = 0;
  const text = sql.replace(/\?/g, () => literal(bindings[index++]));
  if (index !== bindings.length) {
    throw new Error(
      `Statement has ${index} placeholders for ${bindings.length} values: ${sql}`,
    );
  }
  return text;
}
