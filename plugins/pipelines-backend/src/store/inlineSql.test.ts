import knexFactory from 'knex';
import { BinaryElementType } from './binaryArrays';
import {
  decodeBinaryArray,
  EPOCH_2000_MICROS,
  int32,
  int64,
} from '../__testUtils__/binaryArrays';
import { ColumnType, inlinePostgresSql, UpsertStatement } from './inlineSql';

const knex = knexFactory({ client: 'pg' });

describe('inlinePostgresSql', () => {
  it('inlines every kind of value as a PostgreSQL literal', () => {
    const sql = inlinePostgresSql(
      knex('t').insert({
        text: "it's? $1",
        plain: '{"a":"b"}',
        path: 'C:\\temp',
        at: new Date('2026-11-02T03:00:00Z'),
        count: 3,
        ok: false,
        none: null,
      }),
    );
    expect(sql).toBe(
      `insert into "t" ("at", "count", "none", "ok", "path", "plain", "text") values ('2026-11-02T03:00:00.000Z', 3, NULL, false, E'C:\\\\temp', '{"a":"b"}', 'it''s? $1')`,
    );
  });

  it('fills raw placeholders in order', () => {
    expect(
      inlinePostgresSql(
        knex.raw('update p set a = ? where id in (?, ?)', [1, 'x', 'y']),
      ),
    ).toBe(`update p set a = 1 where id in ('x', 'y')`);
  });

  it('refuses values PostgreSQL cannot take', () => {
    expect(() => inlinePostgresSql(knex.raw('select ?', [Number.NaN]))).toThrow(
      'Cannot write NaN',
    );
  });
});

describe('date literals', () => {
  it('writes a date again when it was changed after being written', () => {
    const date = new Date('2026-11-02T03:00:00Z');
    const sql = () => inlinePostgresSql(knex.raw('select ?', [date]));
    expect(sql()).toBe(`select '2026-11-02T03:00:00.000Z'`);
    date.setUTCHours(4);
    expect(sql()).toBe(`select '2026-11-02T04:00:00.000Z'`);
  });
});

describe('UpsertStatement', () => {
  const rows = [
    { id: 'a', note: "it's", at: new Date('2026-11-02T03:00:00Z') },
    { id: 'b', note: undefined, at: null },
    { id: 'c', at: null },
  ];

  it('writes the rows as knex would, a missing value as DEFAULT', () => {
    const statement = new UpsertStatement('t"x', rows, ['id'], {
      note: 'coalesce(excluded.note, "t""x".note)',
    });
    expect(statement.toPostgresSql()).toBe(
      `insert into "t""x" ("id", "note", "at") values ('a', 'it''s', '2026-11-02T03:00:00.000Z'), ('b', DEFAULT, NULL), ('c', DEFAULT, NULL) on conflict ("id") do update set "note" = coalesce(excluded.note, "t""x".note)`,
    );
    expect(inlinePostgresSql(statement.toKnex(knex))).toBe(
      `insert into "t""x" ("at", "id", "note") values ('2026-11-02T03:00:00.000Z', 'a', 'it''s'), (NULL, 'b', DEFAULT), (NULL, 'c', DEFAULT) on conflict ("id") do update set "note" = coalesce(excluded.note, "t""x".note)`,
    );
  });

  it('writes the declared columns in their order', () => {
    const statement = new UpsertStatement(
      't',
      [
        { id: 'a', n: 1 },
        { id: 'b', n: 2 },
      ],
      ['id'],
      'ignore',
      ['n', 'id'],
    );
    expect(statement.toPostgresSql()).toBe(
      `insert into "t" ("n", "id") values (1, 'a'), (2, 'b') on conflict ("id") do nothing`,
    );
  });

  it('keeps the stored row when told to ignore a conflict', () => {
    const statement = new UpsertStatement(
      't',
      rows.slice(0, 1),
      ['id'],
      'ignore',
    );
    expect(statement.toPostgresSql()).toMatch(
      /on conflict \("id"\) do nothing$/,
    );
    expect(inlinePostgresSql(statement.toKnex(knex))).toMatch(
      /on conflict \("id"\) do nothing$/,
    );
  });

  const arrayRows = [
    {
      id: 'a "b" \\ {c,d}',
      n: 1,
      ok: true,
      at: new Date('2026-11-02T03:00:00Z'),
    },
    { id: 'NULL', n: null, ok: false, at: null },
  ];
  const arrayStatement = (
    statementRows: Array<Record<string, unknown>> = arrayRows,
  ) =>
    new UpsertStatement('runs', statementRows, ['id'], { n: 'excluded.n' }, [
      'id',
      'n',
      'ok',
      'at',
    ]);

  it('writes one binary array per column, for any rows one prepared text', () => {
    const statement = arrayStatement();
    const types: Record<string, ColumnType> = {
      id: { name: 'character varying(255)', oid: BinaryElementType.varchar },
      n: { name: 'integer', oid: BinaryElementType.int4 },
      ok: { name: 'boolean', oid: BinaryElementType.bool },
      at: {
        name: 'timestamp with time zone',
        oid: BinaryElementType.timestamptz,
      },
    };
    const query = statement.toPostgresArrayQuery(column => types[column]);
    expect(query?.text).toBe(
      `insert into "runs" ("id", "n", "ok", "at") select * from unnest($1::character varying(255)[], $2::integer[], $3::boolean[], $4::timestamp with time zone[]) on conflict ("id") do update set "n" = excluded.n`,
    );
    expect(
      query?.values.map(
        value => value instanceof Buffer && decodeBinaryArray(value),
      ),
    ).toEqual([
      {
        elementType: BinaryElementType.varchar,
        elements: [Buffer.from('a "b" \\ {c,d}'), Buffer.from('NULL')],
      },
      { elementType: BinaryElementType.int4, elements: [int32(1), null] },
      {
        elementType: BinaryElementType.bool,
        elements: [Buffer.from([1]), Buffer.from([0])],
      },
      {
        elementType: BinaryElementType.timestamptz,
        elements: [
          int64(Date.parse('2026-11-02T03:00:00Z') * 1000 - EPOCH_2000_MICROS),
          null,
        ],
      },
    ]);
    const other = arrayStatement([
      { id: 'x', n: 2, ok: true, at: null },
    ]).toPostgresArrayQuery(column => types[column]);
    expect(other?.name).toBe(query?.name);
  });

  it('writes a column of another type, or a value its type cannot take, as an array literal', () => {
    const statement = arrayStatement();
    const types: Record<string, ColumnType> = {
      id: { name: 'citext', oid: 99999 },
      n: { name: 'numeric', oid: 1700 },
      ok: { name: 'character(1)', oid: 1042 },
      at: { name: 'tstzrange', oid: 3910 },
    };
    expect(
      statement.toPostgresArrayQuery(column => types[column])?.values,
    ).toEqual([
      '{"a \\"b\\" \\\\ {c,d}","NULL"}',
      '{1,NULL}',
      '{t,f}',
      '{"2026-11-02T03:00:00.000Z",NULL}',
    ]);
    const fraction = new UpsertStatement(
      't',
      [{ id: 'a', n: 1.5 }],
      ['id'],
      'ignore',
    ).toPostgresArrayQuery(() => ({
      name: 'integer',
      oid: BinaryElementType.int4,
    }));
    // PostgreSQL, not this code, refuses 1.5 for an integer.
    expect(fraction?.values).toEqual(['{"a"}', '{1.5}']);
  });

  it('has no array form for an undefined value or a column of unknown type', () => {
    const statement = new UpsertStatement('t', rows, ['id'], 'ignore');
    const text = { name: 'text', oid: BinaryElementType.text };
    expect(statement.toPostgresArrayQuery(() => text)).toBeUndefined();
    const known = new UpsertStatement(
      't',
      [{ id: 'a', x: 1 }],
      ['id'],
      'ignore',
    );
    expect(
      known.toPostgresArrayQuery(column =>
        column === 'id' ? text : undefined,
      ),
    ).toBeUndefined();
    expect(
      known
        .toPostgresArrayQuery(() => text)
        ?.values.map(
          value => value instanceof Buffer && decodeBinaryArray(value).elements,
        ),
    ).toEqual([[Buffer.from('a')], [Buffer.from('1')]]);
  });
});
