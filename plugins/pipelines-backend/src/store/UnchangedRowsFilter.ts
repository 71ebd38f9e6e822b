/** What the filter compares of a row. Times in epoch millis. */
export interface RowFacts {
  key: string;
  /** Everything but the seen/written times, as a string. */
  content: string;
  firstSeen: number;
  lastSeen: number;
  written?: number;
}

interface Known {
  content: string;
  firstSeen: number;
  lastSeen: number;
  written?: number;
}

/**
 * Remembers what this process last committed for rows that events repeat (a
 * pipeline, its datasets and edges come with every event) and drops rows that
 * would change nothing but move last-seen by less than the tolerance. Only a
 * cache: a dropped row is one the store already holds, up to `toleranceMs` of
 * last-seen; another replica's writes merge as before.
 */
export class UnchangedRowsFilter {
  /** Per table, by key: no table prefix to build and hash for every row. */
  private known = new Map<string, Map<string, Known>>();
  private size = 0;

  constructor(
    private readonly toleranceMs = 60_000,
    private readonly maxEntries = 500_000,
  ) {}

  /**
   * The rows that must be written, and a callback to record them once their
   * transaction has committed. With `splitTouches`, rows this process has
   * committed with the same content, whose seen or written times moved, come
   * back as `touches` instead of `rows`.
   */
  filter<T>(
    table: string,
    rows: T[],
    factsOf: (row: T) => RowFacts,
    splitTouches = false,
  ): { rows: T[]; touches: T[]; committed: () => void } {
    const toWrite: T[] = [];
    const touches: T[] = [];
    const facts: RowFacts[] = [];
    const knownRows = this.known.get(table);
    for (const row of rows) {
      const f = factsOf(row);
      const known = knownRows?.get(f.key);
      const sameContent = known !== undefined && known.content === f.content;
      const unchanged =
        sameContent &&
        f.firstSeen >= known.firstSeen &&
        f.lastSeen <= known.lastSeen + this.toleranceMs &&
        (f.written === undefined ||
          (known.written !== undefined && f.written <= known.written));
      if (unchanged) {
        continue;
      }
      if (sameContent && splitTouches) {
        touches.push(row);
      } else {
        toWrite.push(row);
        facts.push(f);
      }
    }
    return {
      rows: toWrite,
      touches,
      committed: () => {
        if (this.size + facts.length > this.maxEntries) {
          this.clear();
        }
        let tableRows = this.known.get(table);
        if (!tableRows) {
          tableRows = new Map();
          this.known.set(table, tableRows);
        }
        for (const f of facts) {
          const known = tableRows.get(f.key);
          if (!known) {
            this.size += 1;
          }
          const written =
            known?.written !== undefined && f.written !== undefined
              ? Math.max(known.written, f.written)
              : known?.written ?? f.written;
          tableRows.set(f.key, {
            content: f.content,
            firstSeen: Math.min(known?.firstSeen ?? f.firstSeen, f.firstSeen),
            lastSeen: Math.max(known?.lastSeen ?? f.lastSeen, f.lastSeen),
            written,
          });
        }
      },
    };
  }

  /** Forgets everything, e.g. after a failed transaction of unknown outcome. */
  clear(): void {
    this.known = new Map();
    this.size = 0;
  }
}
