/*
 * Styx schedules and partition parameters. A workflow instance's parameter is
 * its partition, formatted after the schedule (all in UTC):
 *
 *   hours           2026-10-20T05
 *   days, weeks     2026-10-01      (weekly partitions are Mondays)
 *   months          2026-10
 *   years           2026
 *   any other cron  2026-11-01T06:00Z  (the full instant, to the minute)
 */

/** The schedules Styx knows by name; any other is a cron expression. */
export type WellKnownSchedule = 'hours' | 'days' | 'weeks' | 'months' | 'years';

const WELL_KNOWN: Record<string, WellKnownSchedule> = {
  '@hourly': 'hours',
  hourly: 'hours',
  hours: 'hours',
  '@daily': 'days',
  daily: 'days',
  days: 'days',
  '@weekly': 'weeks',
  weekly: 'weeks',
  weeks: 'weeks',
  '@monthly': 'months',
  monthly: 'months',
  months: 'months',
  '@annually': 'years',
  annually: 'years',
  '@yearly': 'years',
  yearly: 'years',
  years: 'years',
};

/**
 * The well-known schedule a workflow's `schedule` names, accepting the aliases
 * Styx accepts on input (`@daily`, `daily`, ...) in any case. Undefined for a
 * cron expression: Styx does not treat `0 0 * * *` as `days`.
 */
export function wellKnownSchedule(
  schedule: string | null | undefined,
): WellKnownSchedule | undefined {
  if (!schedule) return undefined;
  return WELL_KNOWN[schedule.trim().toLowerCase()];
}

const YEAR = /^(\d{4})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOUR = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/;
/** A full instant: minutes, optional seconds and fraction, optional zone. */
const INSTANT =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function utc(
  year: string,
  month = '1',
  day = '1',
  hour = '0',
): Date | undefined {
  const date = new Date(
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour)),
  );
  // Reject 2026-02-30 and friends rather than rolling them over.
  if (
    date.getUTCFullYear() !== Number(year) ||
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCDate() !== Number(day) ||
    date.getUTCHours() !== Number(hour)
  ) {
    return undefined;
  }
  return date;
}

/** The granularity a parameter is written in. */
export type ParameterForm = 'year' | 'month' | 'day' | 'hour' | 'instant';

/**
 * Parses a partition parameter into its instant. The format is recognised
 * from the parameter itself, since a workflow whose schedule changed keeps the
 * older instances in the older format. Undefined when it is not a time.
 */
export function parsePartition(
  parameter: string,
): { date: Date; form: ParameterForm } | undefined {
  const value = parameter.trim();
  const forms: Array<
    [ParameterForm, RegExp, (m: string[]) => Date | undefined]
  > = [
    ['hour', HOUR, m => utc(m[1], m[2], m[3], m[4])],
    ['day', DAY, m => utc(m[1], m[2], m[3])],
    ['month', MONTH, m => utc(m[1], m[2])],
    ['year', YEAR, m => utc(m[1])],
    [
      'instant',
      INSTANT,
      m => {
        // Styx works in UTC; a parameter without a zone is UTC too.
        const parsed = new Date(m[1] ? value : `${value}Z`);
        return Number.isNaN(parsed.getTime()) ? undefined : parsed;
      },
    ],
  ];
  for (const [form, pattern, toDate] of forms) {
    const match = value.match(pattern);
    if (match) {
      const date = toDate([...match]);
      return date ? { date, form } : undefined;
    }
  }
  return undefined;
}

/** Adds `count` periods of a well-known schedule, in UTC. */
export function addPeriods(
  date: Date,
  schedule: WellKnownSchedule,
  count = 1,
): Date {
  const d = new Date(date.getTime());
  switch (schedule) {
    case 'hours':
      d.setUTCHours(d.getUTCHours() + count);
      break;
    case 'days':
      d.setUTCDate(d.getUTCDate() + count);
      break;
    case 'weeks':
      d.setUTCDate(d.getUTCDate() + 7 * count);
      break;
    case 'months':
      d.setUTCMonth(d.getUTCMonth() + count);
      break;
    case 'years':
      d.setUTCFullYear(d.getUTCFullYear() + count);
      break;
    default:
      throw new Error(`Unknown schedule ${schedule}`);
  }
  return d;
}

const FORM_PERIOD: Record<
  Exclude<ParameterForm, 'instant'>,
  WellKnownSchedule
> = {
  hour: 'hours',
  day: 'days',
  month: 'months',
  year: 'years',
};

/**
 * The partition of a workflow instance: its start, and its end when the
 * schedule has a fixed period. A cron schedule has no end here.
 */
export function partitionOf(
  parameter: string,
  schedule: string | null | undefined,
): { partition: Date; partitionEnd?: Date } | undefined {
  const parsed = parsePartition(parameter);
  if (!parsed) return undefined;
  if (parsed.form === 'instant') return { partition: parsed.date };
  const known = wellKnownSchedule(schedule);
  // A day-form parameter is a week when the workflow runs weekly.
  const period =
    parsed.form === 'day' && known === 'weeks'
      ? 'weeks'
      : FORM_PERIOD[parsed.form];
  return {
    partition: parsed.date,
    partitionEnd: addPeriods(parsed.date, period),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Formats an instant as the parameter of a workflow with this schedule, as
 * Styx does (`2026-10-20T05`, `2026-10-01`, `2026-10`, `2026`, or
 * `2026-11-01T06:00Z` for a cron schedule). Truncates, it does not align.
 */
export function formatParameter(
  date: Date,
  schedule: string | null | undefined,
): string {
  const y = pad(date.getUTCFullYear(), 4);
  const mo = pad(date.getUTCMonth() + 1);
  const d = pad(date.getUTCDate());
  const h = pad(date.getUTCHours());
  switch (wellKnownSchedule(schedule)) {
    case 'hours':
      return `${y}-${mo}-${d}T${h}`;
    case 'days':
    case 'weeks':
      return `${y}-${mo}-${d}`;
    case 'months':
      return `${y}-${mo}`;
    case 'years':
      return y;
    default:
      return `${y}-${mo}-${d}T${h}:${pad(date.getUTCMinutes())}Z`;
  }
}

/**
 * Whether an instant is a partition boundary of a well-known schedule. Cron
 * schedules are not checked here (Styx checks them).
 */
export function isAligned(date: Date, schedule: WellKnownSchedule): boolean {
  if (
    date.getUTCMinutes() !== 0 ||
    date.getUTCSeconds() !== 0 ||
    date.getUTCMilliseconds() !== 0
  ) {
    return false;
  }
  switch (schedule) {
    case 'hours':
      return true;
    case 'days':
      return date.getUTCHours() === 0;
    case 'weeks':
      return date.getUTCHours() === 0 && date.getUTCDay() === 1;
    case 'months':
      return date.getUTCHours() === 0 && date.getUTCDate() === 1;
    case 'years':
      return (
        date.getUTCHours() === 0 &&
        date.getUTCDate() === 1 &&
        date.getUTCMonth() === 0
      );
    default:
      return false;
  }
}

/** The partitions in [start, end) of a well-known schedule, capped. */
export function partitionsInRange(
  start: Date,
  end: Date,
  schedule: WellKnownSchedule,
  max = 100_000,
): Date[] {
  const result: Date[] = [];
  for (
    let at = start;
    at.getTime() < end.getTime() && result.length < max;
    at = addPeriods(at, schedule)
  ) {
    result.push(at);
  }
  return result;
}

/** `2026-10-01T00:00:00Z`: an ISO instant, without milliseconds when zero. */
export function formatInstant(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
