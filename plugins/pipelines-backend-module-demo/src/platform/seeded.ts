import { createHash } from 'node:crypto';

/** A seeded PRNG (mulberry32): the same seed gives the same demo. */
export class Seeded {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `count` distinct items, in the order drawn. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const chosen: T[] = [];
    while (chosen.length < count && pool.length > 0) {
      chosen.push(pool.splice(this.int(pool.length), 1)[0]);
    }
    return chosen;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

/** A number in [0, 1) fixed by its key: per-run draws independent of order. */
export function hashUnit(key: string): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) / 4294967296;
}

/** A UUID (version 4 layout) fixed by its key: re-runs reuse run ids. */
export function hashUuid(key: string): string {
  const hex = createHash('sha1').update(key).digest('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `8${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}
