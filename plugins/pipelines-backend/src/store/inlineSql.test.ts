import knexFactory from 'knex';
import { inlinePostgresSql, isoTimestamp, UpsertStatement } from './inlineSql';

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

describe('isoTimestamp', () => {
  it('writes what toISOString writes, in every year', () => {
    const dates = [
      '2026-11-02T03:04:05.006Z',
      '2026-01-31T23:59:59.999Z',
      '2026-12-01T00:00:00.050Z',
      '1000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '0999-12-31T23:59:59.999Z',
      '+010000-01-01T00:00:00.000Z',
      '-000001-01-01T00:00:00.000Z',
    ].map(text => new Date(text));
    for (let time = 0; time < 4e12; time += 7_777_777_777) {
      dates.push(new Date(time));
    }
    expect(dates.map(isoTimestamp)).toEqual(
      dates.map(date => date.toISOString()),
    );
  });

  it('refuses an invalid date', () => {
    expect(() => isoTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });

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
});
