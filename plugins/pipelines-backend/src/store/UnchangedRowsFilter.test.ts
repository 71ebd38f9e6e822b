import { UnchangedRowsFilter } from './UnchangedRowsFilter';

const facts = (row: {
  id: string;
  content?: string;
  first?: number;
  last: number;
  written?: number;
}) => ({
  key: row.id,
  content: row.content ?? '',
  firstSeen: row.first ?? row.last,
  lastSeen: row.last,
  written: row.written,
});

describe('UnchangedRowsFilter', () => {
  it('drops a committed row seen again soon with the same content', () => {
    const filter = new UnchangedRowsFilter(60_000);
    const first = filter.filter('t', [{ id: 'a', last: 1_000 }], facts);
    expect(first.rows).toHaveLength(1);
    first.committed();

    expect(filter.filter('t', [{ id: 'a', last: 30_000 }], facts).rows).toEqual(
      [],
    );
    // Last-seen moved past the tolerance, content changed, an earlier
    // first-seen, a later write: each must be written.
    expect(
      filter.filter('t', [{ id: 'a', last: 70_000 }], facts).rows,
    ).toHaveLength(1);
    expect(
      filter.filter('t', [{ id: 'a', last: 2_000, content: 'new' }], facts)
        .rows,
    ).toHaveLength(1);
    expect(
      filter.filter('t', [{ id: 'a', first: 500, last: 2_000 }], facts).rows,
    ).toHaveLength(1);
    expect(
      filter.filter('t', [{ id: 'a', last: 2_000, written: 2_000 }], facts)
        .rows,
    ).toHaveLength(1);
  });

  it('remembers nothing until the transaction has committed', () => {
    const filter = new UnchangedRowsFilter();
    filter.filter('t', [{ id: 'a', last: 1_000 }], facts); // rolled back
    expect(
      filter.filter('t', [{ id: 'a', last: 1_000 }], facts).rows,
    ).toHaveLength(1);
  });

  it('keeps tables apart', () => {
    const filter = new UnchangedRowsFilter();
    filter.filter('t', [{ id: 'a', last: 1_000 }], facts).committed();
    expect(
      filter.filter('u', [{ id: 'a', last: 1_000 }], facts).rows,
    ).toHaveLength(1);
  });

  it('forgets everything rather than hold more than its bound', () => {
    const filter = new UnchangedRowsFilter(60_000, 2);
    const seen = (table: string, id: string) =>
      filter.filter(table, [{ id, last: 1_000 }], facts).rows.length === 0;
    filter.filter('t', [{ id: 'a', last: 1_000 }], facts).committed();
    filter.filter('u', [{ id: 'b', last: 1_000 }], facts).committed();
    expect([seen('t', 'a'), seen('u', 'b')]).toEqual([true, true]);

    filter.filter('t', [{ id: 'c', last: 1_000 }], facts).committed();
    expect([seen('t', 'a'), seen('u', 'b'), seen('t', 'c')]).toEqual([
      false,
      false,
      true,
    ]);
  });
});
