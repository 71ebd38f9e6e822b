import { Run } from '@tributary/plugin-pipelines-common';
import { localeString } from '../../lib/formatters';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Wall-clock time of a finished run; undefined while it has not ended. */
export function durationMs(run: Run): number | undefined {
  if (!run.startedAt || !run.endedAt) {
    return undefined;
  }
  const ms = Date.parse(run.endedAt) - Date.parse(run.startedAt);
  return ms >= 0 ? ms : undefined;
}

/** `42s`, `3m 5s`, `2h`, `1d 4h`: two units at most, zero parts dropped. */
export function formatDuration(ms?: number): string {
  if (ms === undefined) {
    return '—';
  }
  const units: Array<[string, number]> = [
    ['d', DAY],
    ['h', HOUR],
    ['m', MINUTE],
    ['s', SECOND],
  ];
  const largest = units.findIndex(([, size]) => ms >= size);
  if (largest === -1) {
    return ms > 0 ? '<1s' : '0s';
  }
  let rest = ms;
  const parts: string[] = [];
  for (const [name, size] of units.slice(largest, largest + 2)) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) {
      parts.push(`${count}${name}`);
    }
  }
  return parts.join(' ');
}

const MEDIUM: Intl.DateTimeFormatOptions = {
  dateStyle: 'medium',
  timeStyle: 'medium',
};

export function formatTime(iso?: string): string {
  return iso ? localeString(iso, MEDIUM) : '—';
}

/**
 * Partitions are logical dates that schedulers name in UTC, so they are shown
 * in UTC: a daily partition reads `2026-11-01` in every time zone.
 */
export function formatPartition(iso?: string): string {
  if (!iso) {
    return '—';
  }
  const text = new Date(iso).toISOString();
  return text.endsWith('T00:00:00.000Z')
    ? text.slice(0, 10)
    : `${text.slice(0, 16).replace('T', ' ')} UTC`;
}

/** The first line of a message, cut to `max` characters. */
export function truncate(text: string, max: number): string {
  const firstLine = text.split('\n', 1)[0];
  if (firstLine.length <= max && firstLine === text) {
    return text;
  }
  return `${firstLine.slice(0, max).trimEnd()}…`;
}

/** One cell of the run history grid. */
export interface PartitionCell {
  partition: string;
  /** The run whose final state colours the cell: the latest attempt. */
  run: Run;
  attempts: number;
}

function partitionKey(run: Run): string {
  // Runs without a nominal time (ad-hoc OpenLineage runs) stand on their own.
  return run.partition ?? run.startedAt ?? run.queuedAt ?? run.updatedAt;
}

function isLaterAttempt(a: Run, b: Run): boolean {
  if ((a.attempt ?? 0) !== (b.attempt ?? 0)) {
    return (a.attempt ?? 0) > (b.attempt ?? 0);
  }
  return (a.startedAt ?? a.updatedAt) > (b.startedAt ?? b.updatedAt);
}

/**
 * The latest attempt per partition, oldest partition first, at most `max`.
 * A partition re-run as new runs counts each of them as an attempt.
 */
export function partitionCells(runs: Run[], max: number): PartitionCell[] {
  const byPartition = new Map<string, PartitionCell>();
  for (const run of runs) {
    const key = partitionKey(run);
    const cell = byPartition.get(key);
    if (!cell) {
      byPartition.set(key, { partition: key, run, attempts: 1 });
    } else {
      cell.attempts += 1;
      if (isLaterAttempt(run, cell.run)) {
        cell.run = run;
      }
    }
  }
  return [...byPartition.values()]
    .map(cell => ({
      ...cell,
      attempts: Math.max(cell.attempts, cell.run.attempt ?? 1),
    }))
    .sort((a, b) => b.partition.localeCompare(a.partition))
    .slice(0, max)
    .reverse();
}

function median(values: number[]): number | undefined {
  if (values.length === 0) {
    return undefined;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** How often partitions come, from the runs themselves: schedules vary too much to parse. */
export function partitionInterval(runs: Run[]): number | undefined {
  const spans = runs
    .filter(run => run.partition && run.partitionEnd)
    .map(run => Date.parse(run.partitionEnd!) - Date.parse(run.partition!))
    .filter(span => span > 0);
  if (spans.length > 0) {
    return median(spans);
  }
  const starts = [
    ...new Set(runs.flatMap(run => (run.partition ? [run.partition] : []))),
  ]
    .map(Date.parse)
    .sort((a, b) => a - b);
  return median(starts.slice(1).map((start, i) => start - starts[i]));
}

/** How many partitions the grid shows and how many per row. */
export function gridShape(interval?: number): {
  cells: number;
  columns: number;
} {
  if (interval !== undefined && interval <= HOUR) {
    return { cells: 7 * 24, columns: 24 }; // a week, a day per row
  }
  if (interval === undefined || interval <= DAY) {
    return { cells: 14, columns: 7 }; // two weeks, a week per row
  }
  return { cells: 12, columns: 12 };
}

const NICE_STEPS = [
  SECOND,
  5 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
];

/** Y-axis ticks from zero past `max`, in round time units, four steps at most. */
export function durationTicks(max: number): number[] {
  const step =
    NICE_STEPS.find(candidate => candidate * 4 >= max) ??
    Math.ceil(max / 4 / DAY) * DAY;
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}
