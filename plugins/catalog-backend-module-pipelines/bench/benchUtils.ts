/*
 * Small helpers of the catalog benchmark: seeded randomness, formatting,
 * memory and load figures. Copied in the spirit of the pipelines backend's
 * bench/benchUtils.ts (that file is private to its package).
 */
import os from 'node:os';

/** The PostgreSQL 15 of the bench machine; override with PIPELINES_BENCH_PG. */
export const PG_URL =
  process.env.PIPELINES_BENCH_PG ?? 'postgresql://postgres@127.0.0.1:54329';

/** Seeded PRNG (mulberry32), the same as the pipelines backend benches'. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  /** An integer in [min, max]. */
  const between = (min: number, max: number) => min + int(max - min + 1);
  const pick = <T>(items: readonly T[]) => items[int(items.length)];
  const chance = (p: number) => next() < p;
  return { next, int, between, pick, chance };
}

export type Random = ReturnType<typeof createRandom>;

export function seconds(millis: number): string {
  return `${(millis / 1000).toFixed(1)} s`;
}

export function ms(millis: number): string {
  return `${Math.round(millis).toLocaleString('en-US')} ms`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function rate(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')}/s`;
}

export function verdict(ok: boolean): string {
  return ok ? 'OK' : 'MISSED';
}

export function rss(): number {
  return process.memoryUsage().rss;
}

export function memoryLine(): string {
  const m = process.memoryUsage();
  return `RSS ${mib(m.rss)} (JS heap used ${mib(m.heapUsed)} of ${mib(
    m.heapTotal,
  )}, external ${mib(m.external)})`;
}

export function loadLine(): string {
  return `load average ${os
    .loadavg()
    .map(l => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} CPUs`;
}

export function sleep(millis: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, millis));
}

/** A positive integer from the environment, or the default. */
export function intFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') {
    return fallback;
  }
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got '${text}'`);
  }
  return value;
}
