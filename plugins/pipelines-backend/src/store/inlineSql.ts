import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { binaryArray } from './binaryArrays';
import { isoTimestamp } from './dbTime';

/** A PostgreSQL literal, correct whatever standard_conforming_strings says. */
function quote(text: string): string {
  // Most values (every event's JSON) have neither: one scan instead of three.
  if (!/['\\]/.test(text)) {
    return `'${text}'`;
  }
  const quoted = text.replace(/'/g, "''");
  return text.includes('\\')
    ? `E'${quoted.replace(/\\/g, '\\\\')}'`
    : `'${quoted}'`;
}

function finiteNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new TypeError(`Cannot write ${value} to PostgreSQL`);
  }
  return String(value);
}

function literal(value: unknown): string {
  if (typeof value === 'string') {
    return quote(value);
  }
  if (value === null || value === undefined) {
    return 'NULL';
  }
  if (typeof value === 'number') {
    return finiteNumber(value);
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (value instanceof Date) {
    return dateLiteral(value);
  }
  return quote(JSON.stringify(value));
}

interface DateLiteral {
  time: number;
  literal: string;
}

/**
 * An event's time fills several columns of its rows, and the commit time
 * every row: each Date is written once, and again only if it was changed.
 */
const dateLiterals = new WeakMap<Date, DateLiteral>();

function dateLiteral(date: Date): string {
  const time = date.getTime();
  let known = dateLiterals.get(date);
  if (known === undefined || known.time !== time) {
    known = { time, literal: `'${isoTimestamp(date)}'` };
    dateLiterals.set(date, known);
  }
  return known.literal;
}

/** A value (not null) as the text of an array element. */
function elementText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return finiteNumber(value);
  }
  if (typeof value === 'boolean') {
    return value ? 't' : 'f';
  }
  if (value instanceof Date) {
    return isoTimestamp(value);
  }
  return JSON.stringify(value);
}

/** A value as an element of a PostgreSQL array literal. */
function arrayElement(value: unknown): string {
  if (value === null) {
    return 'NULL';
  }
  const text = elementText(value);
  if (typeof value === 'number' || typeof value === 'boolean') {
    return text;
  }
  if (text.includes('\\')) {
    return `"${text.replace(/[\\"]/g, '\\$&')}"`;
  }
  // Every event's JSON: a plain search is twice as fast as the regex.
  return text.includes('"') ? `"${text.replaceAll('"', '\\"')}"` : `"${text}"`;
}

function arrayLiteral(values: unknown[]): string {
  let array = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) array += ',';
    array += arrayElement(values[i]);
  }
  return `${array}}`;
}

/** A query with parameters, as node-postgres takes it. */
export interface PostgresQuery {
  /** Prepared once per connection under this name. */
  name: string;
  text: string;
  /** Text, or binary (a Buffer). */
  values: Array<string | Buffer>;
}

/** A column's type: as SQL, and its OID. */
export interface ColumnType {
  name: string;
  oid: number;
}

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `tributary_${createHash('sha1')
      .update(text)
      .digest('hex')
      .slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
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

function columnsOf(rows: Array<Record<string, unknown>>): string[] {
  const columnSet = new Set<string>();
  for (const row of rows) {
    for (const column in row) {
      if (Object.hasOwn(row, column)) columnSet.add(column);
    }
  }
  return [...columnSet];
}

function identifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A multi-row insert with its conflict rule. On PostgreSQL it is written
 * straight to SQL text, which costs a fraction of knex's compiler on commits
 * of thousands of values; SQLite gets the knex query.
 */
export class UpsertStatement {
  constructor(
    readonly table: string,
    readonly rows: Array<Record<string, unknown>>,
    readonly conflict: string[],
    /** SQL per updated column, or nothing to keep the stored row. */
    readonly merge: Record<string, string> | 'ignore',
    /**
     * The columns, when every row has these keys and no other (rows from
     * one mapping function); else found from the rows.
     */
    readonly columns?: string[],
  ) {}

  toKnex(db: Knex): Knex.QueryBuilder {
    const insert = db(this.table).insert(this.rows).onConflict(this.conflict);
    return this.merge === 'ignore'
      ? insert.ignore()
      : insert.merge(
          Object.fromEntries(
            Object.entries(this.merge).map(([column, sql]) => [
              column,
              db.raw(sql),
            ]),
          ),
        );
  }

  /**
   * The rows as one array parameter per column, unnested by the server. The
   * text is the same for any number of rows, so it is parsed once per
   * connection rather than a value list per commit: about a third less of
   * PostgreSQL's CPU per row. Arrays of the types binaryArray writes go in
   * binary, others as array literals. Undefined when a row leaves a column
   * undefined (an array has no DEFAULT) or a column's type is not known.
   */
  toPostgresArrayQuery(
    columnType: (column: string) => ColumnType | undefined,
  ): PostgresQuery | undefined {
    const columns = this.columns ?? columnsOf(this.rows);
    const casts: string[] = [];
    const values: Array<string | Buffer> = [];
    for (const [index, column] of columns.entries()) {
      const type = columnType(column);
      if (type === undefined) {
        return undefined;
      }
      const columnValues = new Array<unknown>(this.rows.length);
      for (let r = 0; r < this.rows.length; r++) {
        const value = this.rows[r][column];
        if (value === undefined) {
          return undefined;
        }
        columnValues[r] = value;
      }
      values.push(
        binaryArray(columnValues, type.oid, elementText) ??
          arrayLiteral(columnValues),
      );
      casts.push(`$${index + 1}::${type.name}[]`);
    }
    const text = `insert into ${identifier(this.table)} (${columns
      .map(identifier)
      .join(', ')}) select * from unnest(${casts.join(
      ', ',
    )}) ${this.conflictClause()}`;
    return { name: statementName(text), text, values };
  }

  private conflictClause(): string {
    const target = `on conflict (${this.conflict.map(identifier).join(', ')})`;
    if (this.merge === 'ignore') {
      return `${target} do nothing`;
    }
    return `${target} do update set ${Object.entries(this.merge)
      .map(([column, value]) => `${identifier(column)} = ${value}`)
      .join(', ')}`;
  }

  /** As knex writes it: a column a row lacks, or leaves undefined, is DEFAULT. */
  toPostgresSql(): string {
    const columns = this.columns ?? columnsOf(this.rows);
    let sql = `insert into ${identifier(this.table)} (${columns
      .map(identifier)
      .join(', ')}) values `;
    for (let r = 0; r < this.rows.length; r++) {
      const row = this.rows[r];
      sql += r > 0 ? ', (' : '(';
      for (let c = 0; c < columns.length; c++) {
        const value = row[columns[c]];
        if (c > 0) sql += ', ';
        sql += value === undefined ? 'DEFAULT' : literal(value);
      }
      sql += ')';
    }
    return `${sql} ${this.conflictClause()}`;
  }
}
