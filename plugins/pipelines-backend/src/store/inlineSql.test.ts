import knexFactory from 'knex';
import { inlinePostgresSql } from './inlineSql';

const knex = knexFactory({ client: 'pg' });

describe('inlinePostgresSql', () => {
  it('inlines every kind of value as a PostgreSQL literal', () => {
    const sql = inlinePostgresSql(
      knex('t').insert({
        text: "it's? $1",
        path: 'C:\\temp',
        at: new Date('2026-11-02T03:00:00Z'),
        count: 3,
        ok: false,
        none: null,
      }),
    );
    expect(sql).toBe(
      `insert into "t" ("at", "count", "none", "ok", "path", "text") values ('2026-11-02T03:00:00.000Z', 3, NULL, false, E'C:\\\\temp', 'it''s? $1')`,
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
