/** The nominal time span a task computes, read from one of its parameters. */
export interface Partition {
  start: Date;
  /** Exclusive end, for interval parameters only. */
  end?: Date;
}

/**
 * Parameter names tried first, in this order, before any other parameter whose
 * value reads as a date: a task with `start` and `date` is partitioned by
 * `date`.
 */
const PREFERRED_PARAMETERS = [
  'date',
  'datetime',
  'date_hour',
  'date_minute',
  'date_second',
  'date_interval',
  'interval',
  'start',
  'start_date',
  'ds',
  'day',
  'hour',
  'month',
];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// DateHourParameter `%Y-%m-%dT%H`, DateMinuteParameter `%Y-%m-%dT%H%M`,
// DateSecondParameter `%Y-%m-%dT%H%M%S`.
const COMPACT_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})?(\d{2})?$/;
// DateTime-like values written the ISO way (`2026-11-01T03:00:00`,
// `2026-11-01 03:00:00+00:00`).
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/;
// MonthParameter and DateIntervalParameter's Month: `2026-11`.
const MONTH = /^(\d{4})-(\d{2})$/;
// DateIntervalParameter's Week: `2026-W44`.
const WEEK = /^(\d{4})-W(\d{2})$/;
// DateIntervalParameter's Custom: `2026-11-01-2026-11-08` (end exclusive).
const RANGE = /^(\d{4}-\d{2}-\d{2})-(\d{4}-\d{2}-\d{2})$/;

const DAY_MS = 86_400_000;

/** A UTC date from its parts, or undefined when they name no real date. */
function utc(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): Date | undefined {
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  const date = new Date(
    Date.UTC(year, month - 1, day, hour, minute, second, ms),
  );
  // Date.UTC rolls 2026-02-30 over into March: refuse it instead.
  return date.getUTCDate() === day ? date : undefined;
}

function parseDate(value: string): Date | undefined {
  const m = DATE.exec(value);
  return m ? utc(+m[1], +m[2], +m[3]) : undefined;
}

/**
 * Reads a Luigi parameter value as a partition. Luigi's date parameters are
 * naive, so they are read as UTC. Answers undefined for anything else
 * (including bare years and numbers, which are too easily something else).
 */
export function parsePartitionValue(value: unknown): Partition | undefined {
  if (typeof value !== 'string' || value.length < 7 || value.length > 32) {
    return undefined;
  }
  const date = parseDate(value);
  if (date) return { start: date };

  let m = COMPACT_TIME.exec(value);
  if (m) {
    const start = utc(+m[1], +m[2], +m[3], +m[4], +(m[5] ?? 0), +(m[6] ?? 0));
    return start ? { start } : undefined;
  }
  m = ISO_TIME.exec(value);
  if (m) {
    const local = utc(
      +m[1],
      +m[2],
      +m[3],
      +m[4],
      +m[5],
      +(m[6] ?? 0),
      +(m[7] ?? '0').padEnd(3, '0').slice(0, 3),
    );
    if (!local) return undefined;
    const zone = m[8];
    if (!zone || zone === 'Z') return { start: local };
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMs =
      sign * (+digits.slice(0, 2) * 60 + +digits.slice(2, 4)) * 60_000;
    return { start: new Date(local.getTime() - offsetMs) };
  }
  m = MONTH.exec(value);
  if (m) {
    const start = utc(+m[1], +m[2], 1);
    return start ? { start } : undefined;
  }
  m = WEEK.exec(value);
  if (m) {
    const week = +m[2];
    if (week < 1 || week > 53) return undefined;
    // ISO week 1 holds January 4th; weeks start on Monday.
    const jan4 = Date.UTC(+m[1], 0, 4);
    const mondayOfWeek1 =
      jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
    const start = mondayOfWeek1 + (week - 1) * 7 * DAY_MS;
    return { start: new Date(start), end: new Date(start + 7 * DAY_MS) };
  }
  m = RANGE.exec(value);
  if (m) {
    const start = parseDate(m[1]);
    const end = parseDate(m[2]);
    return start && end && end > start ? { start, end } : undefined;
  }
  return undefined;
}

/**
 * The partition of a task: its preferred date-like parameter (`date`, ...,
 * `start`, ...) if one reads as a date, else the first parameter that does.
 */
export function findPartition(
  params: Record<string, unknown> | undefined,
): Partition | undefined {
  if (!params) return undefined;
  for (const name of PREFERRED_PARAMETERS) {
    if (name in params) {
      const partition = parsePartitionValue(params[name]);
      if (partition) return partition;
    }
  }
  for (const name in params) {
    if (Object.prototype.hasOwnProperty.call(params, name)) {
      const partition = parsePartitionValue(params[name]);
      if (partition) return partition;
    }
  }
  return undefined;
}
