import { InputError } from '@backstage/errors';

/*
 * When a pipeline's partitions are due: its freshness target, as written in
 * the `tributary.dev/freshness` annotation, in config or by a provider.
 *
 *   `D+<n> HH:MM <zone>`  partition D (the calendar date its start falls on in
 *                         `zone`) is due by HH:MM local time on day D+n in
 *                         `zone`. The zone is `UTC` or an IANA name such as
 *                         `Europe/Stockholm`; n is 0..31.
 *   ISO-8601 duration     `PT6H`, `P1DT2H`, `PT90M`: due this long after the
 *                         partition's end. A day is 24 hours (the partition's
 *                         end is an instant, so there is no calendar to follow);
 *                         years and months, whose length varies, are refused.
 *
 * Time zones come from the runtime's `Intl` data, so no dependency is needed.
 */

/** Partition D is due by HH:MM local time in `zone` on day D+`days`. */
export interface CalendarFreshnessTarget {
  kind: 'calendar';
  days: number;
  hour: number;
  minute: number;
  /** `UTC` or an IANA time zone name, as the runtime spells it. */
  zone: string;
}

/** The partition is due `durationMs` after its end. */
export interface DurationFreshnessTarget {
  kind: 'duration';
  durationMs: number;
  /** The duration as written, upper-cased: `PT6H`. */
  iso: string;
}

/** When a pipeline's partitions are due. */
export type FreshnessTarget = CalendarFreshnessTarget | DurationFreshnessTarget;

/** The partition a deadline is computed for: [start, end). */
export interface FreshnessPartition {
  start: Date;
  end: Date;
}

const MAX_DAYS = 31;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const FORMS =
  'write "D+<days> HH:MM <time zone>" (for example "D+1 06:00 UTC" or ' +
  '"D+0 23:30 Europe/Stockholm") or an ISO-8601 duration after the ' +
  'partition\'s end (for example "PT6H" or "P1DT2H")';

function invalid(text: string, problem: string, source?: string): InputError {
  const where = source ? ` in ${source}` : '';
  return new InputError(
    `Invalid freshness target "${text}"${where}: ${problem}`,
  );
}

/**
 * Parses a freshness target. Throws an InputError naming the problem and
 * showing an example; `source` (such as `annotation tributary.dev/freshness
 * of component:default/orders`) is named in the message when given.
 */
export function parseFreshnessTarget(
  text: string,
  source?: string,
): FreshnessTarget {
  const trimmed = (text ?? '').trim().replace(/\s+/g, ' ');
  if (!trimmed) {
    throw invalid(text ?? '', `it is empty; ${FORMS}`, source);
  }
  if (/^p/i.test(trimmed)) {
    return parseDuration(trimmed, source);
  }
  if (/^d\s*[+-]/i.test(trimmed)) {
    return parseCalendar(trimmed, source);
  }
  throw invalid(trimmed, `it is in neither supported form; ${FORMS}`, source);
}

function parseCalendar(text: string, source?: string): CalendarFreshnessTarget {
  const parts = text.split(' ');
  const day = /^D\+(\d+)$/i.exec(parts[0]);
  if (!day) {
    throw invalid(
      text,
      `"${parts[0]}" must be "D+<days>" with 0 to ${MAX_DAYS} days, as in "D+1 06:00 UTC"`,
      source,
    );
  }
  const days = Number(day[1]);
  if (days > MAX_DAYS) {
    throw invalid(
      text,
      `${days} days is more than the ${MAX_DAYS} allowed, as in "D+1 06:00 UTC"`,
      source,
    );
  }
  if (parts.length < 2) {
    throw invalid(
      text,
      `the time of day is missing; write it out with a time zone, as in "D+${days} 06:00 UTC"`,
      source,
    );
  }
  const time = /^(\d{1,2}):(\d{2})$/.exec(parts[1]);
  const hour = time ? Number(time[1]) : NaN;
  const minute = time ? Number(time[2]) : NaN;
  if (!time || hour > 23 || minute > 59) {
    throw invalid(
      text,
      `"${parts[1]}" is not a time of day from 00:00 to 23:59, as in "D+${days} 06:00 UTC"`,
      source,
    );
  }
  const hhmm = parts[1].padStart(5, '0');
  if (parts.length < 3) {
    throw invalid(
      text,
      `the time zone is missing; name it, for example "D+${days} ${hhmm} UTC" or "D+${days} ${hhmm} Europe/Stockholm"`,
      source,
    );
  }
  if (parts.length > 3) {
    throw invalid(
      text,
      `unexpected "${parts
        .slice(3)
        .join(' ')}" after the time zone, as in "D+${days} ${hhmm} UTC"`,
      source,
    );
  }
  const zone = resolveZone(parts[2]);
  if (!zone) {
    throw invalid(
      text,
      `"${parts[2]}" is not a known time zone; use "UTC" or an IANA name such as "Europe/Stockholm" or "America/New_York"`,
      source,
    );
  }
  return { kind: 'calendar', days, hour, minute, zone };
}

const DURATION =
  /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

function parseDuration(text: string, source?: string): DurationFreshnessTarget {
  const iso = text.toUpperCase();
  const datePart = iso.split('T')[0];
  if (/^P(?:\d+[YMWD])+$/.test(datePart) && /\d[YM]/.test(datePart)) {
    throw invalid(
      text,
      'years and months vary in length; give the duration in weeks, days, hours, minutes or seconds, as in "P1DT2H"',
      source,
    );
  }
  const match = DURATION.exec(iso);
  if (!match || iso === 'P' || iso.endsWith('T')) {
    throw invalid(
      text,
      'it is not an ISO-8601 duration in whole weeks, days, hours, minutes and seconds; write for example "PT6H", "PT90M" or "P1DT2H"',
      source,
    );
  }
  const [weeks, days, hours, minutes, seconds] = match
    .slice(1)
    .map(value => Number(value ?? 0));
  const durationMs =
    (weeks * 7 + days) * DAY_MS +
    hours * HOUR_MS +
    minutes * MINUTE_MS +
    seconds * 1000;
  if (durationMs === 0) {
    throw invalid(
      text,
      'the duration is zero, so every partition would be late as it ends; give a positive duration such as "PT6H"',
      source,
    );
  }
  return { kind: 'duration', durationMs, iso };
}

/** The runtime's name for a time zone, or undefined when it knows none. */
function resolveZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
    }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/**
 * The wall-clock time in `zone` at instant `t`, as if it were UTC: the
 * milliseconds of `Date.UTC(local fields)`, to the second.
 */
function wallClockMs(zone: string, t: number): number {
  if (zone === 'UTC') {
    // The common case needs no formatter, which costs microseconds a call.
    return Math.floor(t / 1000) * 1000;
  }
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(t))) {
    if (part.type !== 'literal') {
      fields[part.type] = Number(part.value);
    }
  }
  return Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour,
    fields.minute,
    fields.second,
  );
}

/** The zone's offset from UTC at instant `t`, in milliseconds. */
function offsetMs(zone: string, t: number): number {
  const whole = Math.floor(t / 1000) * 1000;
  return wallClockMs(zone, whole) - whole;
}

/**
 * The instant at which the wall clock in `zone` shows `local` (given as
 * `Date.UTC` of the local fields). Where the clocks jump forward and `local`
 * never happens (02:30 on a spring-forward night), it is the first instant
 * after the gap (03:00 local); where they fall back and `local` happens twice,
 * the earlier of the two.
 */
function instantOfWallClock(zone: string, local: number): number {
  // No zone changes its offset twice within a day, so the offsets a day
  // either side are the only candidates.
  const offsets = new Set([
    offsetMs(zone, local - DAY_MS),
    offsetMs(zone, local + DAY_MS),
  ]);
  const matches = [...offsets]
    .map(offset => local - offset)
    .filter(t => wallClockMs(zone, t) === local)
    .sort((a, b) => a - b);
  if (matches.length > 0) {
    return matches[0];
  }
  // In a gap: find the transition, the first instant with the later offset.
  const [first, second] = [...offsets].map(offset => local - offset);
  let before = Math.min(first, second);
  let after = Math.max(first, second);
  const offsetBefore = offsetMs(zone, before);
  while (after - before > 1000) {
    const middle = before + Math.floor((after - before) / 2000) * 1000;
    if (offsetMs(zone, middle) === offsetBefore) {
      before = middle;
    } else {
      after = middle;
    }
  }
  return after;
}

/** Deadlines remembered per target, by partition start. */
const MAX_CACHED_DEADLINES = 100_000;
const calendarDeadlines = new WeakMap<
  CalendarFreshnessTarget,
  Map<number, number>
>();

/** When `partition` is due under `target`. */
export function deadlineOf(
  target: FreshnessTarget,
  partition: FreshnessPartition,
): Date {
  if (target.kind === 'duration') {
    return new Date(partition.end.getTime() + target.durationMs);
  }
  // Every pipeline with the same target and partition has the same deadline:
  // a monitoring cycle asks for a few distinct ones many times.
  let cached = calendarDeadlines.get(target);
  if (!cached || cached.size >= MAX_CACHED_DEADLINES) {
    cached = new Map();
    calendarDeadlines.set(target, cached);
  }
  const start = partition.start.getTime();
  let deadline = cached.get(start);
  if (deadline === undefined) {
    deadline = calendarDeadline(target, partition.start);
    cached.set(start, deadline);
  }
  return new Date(deadline);
}

function calendarDeadline(
  target: CalendarFreshnessTarget,
  partitionStart: Date,
): number {
  const startLocal = new Date(
    wallClockMs(target.zone, partitionStart.getTime()),
  );
  const dueLocal = Date.UTC(
    startLocal.getUTCFullYear(),
    startLocal.getUTCMonth(),
    startLocal.getUTCDate() + target.days,
    target.hour,
    target.minute,
  );
  return instantOfWallClock(target.zone, dueLocal);
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function describeDuration(durationMs: number): string {
  const units: Array<[string, number]> = [
    ['day', DAY_MS],
    ['hour', HOUR_MS],
    ['minute', MINUTE_MS],
    ['second', 1000],
  ];
  let rest = durationMs;
  const parts: string[] = [];
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) {
      parts.push(plural(count, unit));
    }
  }
  return parts.join(' ');
}

/**
 * The target in words, for the UI: `by 06:00 Europe/Stockholm the day after
 * the partition's date`, `6 hours after the partition ends`.
 */
export function describeFreshnessTarget(target: FreshnessTarget): string {
  if (target.kind === 'duration') {
    return `${describeDuration(target.durationMs)} after the partition ends`;
  }
  const time = `${String(target.hour).padStart(2, '0')}:${String(
    target.minute,
  ).padStart(2, '0')}`;
  let day = `${plural(target.days, 'day')} after the partition's date`;
  if (target.days === 0) {
    day = "on the partition's date";
  } else if (target.days === 1) {
    day = "the day after the partition's date";
  }
  return `by ${time} ${target.zone} ${day}`;
}
