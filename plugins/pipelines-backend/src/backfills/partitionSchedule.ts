import { InputError } from '@backstage/errors';

/*
 * The partitions of a pipeline, derived from the schedule string its provider
 * reports. Everything is in UTC. The forms the providers emit:
 *
 *   Styx     hours | days | weeks | months | years (aliases such as `daily`
 *            are accepted in any case), or a 5-field cron expression.
 *            Styx's weekly partitions start on Mondays.
 *   Airflow  the timetable summary when it is a cron expression or a preset
 *            (`0 2 * * *`, `@daily`), otherwise the timetable's description
 *            ("Triggered by assets", timedelta schedules), which cannot be
 *            aligned. `@once` and `@continuous` have no partitions.
 *   Flyte    a cron expression or preset, or a fixed rate written
 *            `every 5 minutes`, which counts from when the launch plan was
 *            activated and so cannot be aligned either.
 *   demo     `@hourly` and `@daily`.
 *
 * Presets follow cron (`@weekly` is Sundays), while Styx's `weeks` and its
 * alias `weekly` (no `@`) are Mondays, as Styx computes them.
 */

/** The partitions of a schedule: the instants it fires at, in UTC. */
export interface PartitionSchedule {
  /** What it runs on, to follow "which runs": `daily at 00:00 UTC (@daily)`. */
  description: string;
  /** Whether `t` is a partition boundary (a time the schedule fires at). */
  isAligned(t: Date): boolean;
  /**
   * The partition starts in [start, end), oldest first. Throws an InputError
   * when there are more than `max` of them.
   */
  partitionsBetween(start: Date, end: Date, max: number): Date[];
  /**
   * The first boundary strictly after `t`: for an aligned `t`, the end of the
   * partition that starts at `t`.
   */
  next(t: Date): Date;
  /** The last boundary strictly before `t`. */
  previous(t: Date): Date;
}

const MINUTE_MS = 60_000;
/** No valid 5-field cron expression goes longer than 8 years without firing. */
const SEARCH_LIMIT_MS = 10 * 366 * 24 * 60 * MINUTE_MS;

interface NamedSchedule {
  cron: string;
  human: string;
}

/** Cron presets, as cron (and Airflow, Flyte) define them. */
const PRESETS: Record<string, NamedSchedule> = {
  '@hourly': { cron: '0 * * * *', human: 'hourly at minute 0' },
  '@daily': { cron: '0 0 * * *', human: 'daily at 00:00 UTC' },
  '@midnight': { cron: '0 0 * * *', human: 'daily at 00:00 UTC' },
  '@weekly': { cron: '0 0 * * 0', human: 'weekly on Sundays at 00:00 UTC' },
  '@monthly': { cron: '0 0 1 * *', human: 'monthly on the 1st at 00:00 UTC' },
  '@quarterly': {
    cron: '0 0 1 1,4,7,10 *',
    human:
      'quarterly on the 1st of January, April, July and October at 00:00 UTC',
  },
  '@yearly': { cron: '0 0 1 1 *', human: 'yearly on 1 January at 00:00 UTC' },
  '@annually': { cron: '0 0 1 1 *', human: 'yearly on 1 January at 00:00 UTC' },
};

/** Styx's schedule words and the aliases it accepts for them. */
const STYX_WORDS: Record<string, NamedSchedule> = {
  hours: { cron: '0 * * * *', human: 'hourly at minute 0' },
  hourly: { cron: '0 * * * *', human: 'hourly at minute 0' },
  days: { cron: '0 0 * * *', human: 'daily at 00:00 UTC' },
  daily: { cron: '0 0 * * *', human: 'daily at 00:00 UTC' },
  weeks: { cron: '0 0 * * 1', human: 'weekly on Mondays at 00:00 UTC' },
  weekly: { cron: '0 0 * * 1', human: 'weekly on Mondays at 00:00 UTC' },
  months: { cron: '0 0 1 * *', human: 'monthly on the 1st at 00:00 UTC' },
  monthly: { cron: '0 0 1 * *', human: 'monthly on the 1st at 00:00 UTC' },
  years: { cron: '0 0 1 1 *', human: 'yearly on 1 January at 00:00 UTC' },
  yearly: { cron: '0 0 1 1 *', human: 'yearly on 1 January at 00:00 UTC' },
  annually: { cron: '0 0 1 1 *', human: 'yearly on 1 January at 00:00 UTC' },
};

/** Presets that name no recurring time, and why they have no partitions. */
const UNALIGNABLE_PRESETS: Record<string, string> = {
  '@once': 'runs only once',
  '@continuous': 'starts a new run as soon as the previous one ends',
  '@reboot': 'runs when its scheduler starts',
};

const SUPPORTED =
  'supported are the presets @hourly, @daily, @midnight, @weekly, @monthly, ' +
  '@quarterly, @yearly and @annually, the Styx periods hours, days, weeks, ' +
  'months and years, and 5-field cron expressions in UTC';

const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** Names of the values from `min` on. */
  names?: string[];
  /** Whether `?` may stand for `*` (day fields, as in Quartz and AWS). */
  question?: boolean;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  // 7 is Sunday too; folded onto 0 once parsed.
  { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES, question: true },
];

interface ParsedField {
  values: boolean[];
  /** Starts with `*` or `?`: Vixie cron's test for the day fields. */
  star: boolean;
}

interface CronFields {
  minutes: boolean[];
  hours: boolean[];
  /** Indexed 1..31. */
  daysOfMonth: boolean[];
  /** Indexed 1..12. */
  months: boolean[];
  /** Indexed 0..6, Sunday first. */
  daysOfWeek: boolean[];
  daysOfMonthStar: boolean;
  daysOfWeekStar: boolean;
}

function subjectOf(pipelineName: string | undefined): string {
  return pipelineName ? `pipeline ${pipelineName}` : 'the pipeline';
}

function parseValue(token: string, spec: FieldSpec): number {
  if (/^\d+$/.test(token)) {
    const value = Number(token);
    if (value < spec.min || value > spec.max) {
      throw new Error(
        `${spec.name} ${value} is out of range ${spec.min}-${spec.max}`,
      );
    }
    return value;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index >= 0) return spec.min + index;
  if (/^(\d*L|\d+W|LW|\d+#\d+)$/i.test(token)) {
    throw new Error(
      `the ${spec.name} field uses '${token}'; the special characters L, W and # are not supported`,
    );
  }
  const expected = spec.names
    ? `a number or a name such as ${spec.names[0]}`
    : 'a number';
  throw new Error(
    `the ${spec.name} field has '${token}' where ${expected} was expected`,
  );
}

function parseField(text: string, spec: FieldSpec): ParsedField {
  const values = new Array<boolean>(spec.max + 1).fill(false);
  for (const part of text.split(',')) {
    const pieces = part.split('/');
    if (pieces.length > 2 || pieces[0] === '') {
      throw new Error(`the ${spec.name} field '${text}' is malformed`);
    }
    const [range, stepText] = pieces;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
        throw new Error(
          `the ${spec.name} field '${text}' has step '${stepText}'; a step is a whole number of at least 1`,
        );
      }
      step = Number(stepText);
    }
    let low: number;
    let high: number;
    if (range === '*' || (range === '?' && spec.question)) {
      low = spec.min;
      high = spec.max;
    } else if (range.includes('-')) {
      const ends = range.split('-');
      if (ends.length !== 2) {
        throw new Error(`the ${spec.name} field '${text}' is malformed`);
      }
      low = parseValue(ends[0], spec);
      high = parseValue(ends[1], spec);
      if (low > high) {
        throw new Error(
          `the ${spec.name} range '${range}' runs backwards; write it as two ranges`,
        );
      }
    } else {
      low = parseValue(range, spec);
      // `5/15` means from 5 to the end, every 15.
      high = stepText === undefined ? low : spec.max;
    }
    for (let value = low; value <= high; value += step) {
      values[value] = true;
    }
  }
  return { values, star: text.startsWith('*') || text.startsWith('?') };
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function parseCronFields(expression: string): CronFields {
  const texts = expression.split(/\s+/);
  if (texts.length !== 5) {
    throw new Error(
      `it has ${texts.length} fields; only standard 5-field cron expressions (minute hour day-of-month month day-of-week) are supported`,
    );
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = texts.map((text, i) =>
    parseField(text, FIELDS[i]),
  );
  const daysOfWeek = dayOfWeek.values.slice(0, 7);
  if (dayOfWeek.values[7]) daysOfWeek[0] = true;
  const fields: CronFields = {
    minutes: minute.values,
    hours: hour.values,
    daysOfMonth: dayOfMonth.values,
    months: month.values,
    daysOfWeek,
    daysOfMonthStar: dayOfMonth.star,
    daysOfWeekStar: dayOfWeek.star,
  };
  // Only a day of month restricted by itself can miss every chosen month
  // (with both day fields restricted, either one matching is enough).
  if (!fields.daysOfMonthStar && fields.daysOfWeekStar) {
    const fires = DAYS_IN_MONTH.some(
      (days, m) =>
        fields.months[m + 1] &&
        fields.daysOfMonth.slice(1, days + 1).some(Boolean),
    );
    if (!fires) {
      throw new Error('it never fires: no chosen month has the chosen days');
    }
  }
  return fields;
}

function dayMatches(fields: CronFields, date: Date): boolean {
  const dom = fields.daysOfMonth[date.getUTCDate()];
  const dow = fields.daysOfWeek[date.getUTCDay()];
  // Vixie cron: when either day field starts with `*`, both must match;
  // when both are restricted, either one matching is enough.
  if (fields.daysOfMonthStar || fields.daysOfWeekStar) return dom && dow;
  return dom || dow;
}

/** The first chosen value at or after `from`, or -1. */
function firstFrom(chosen: boolean[], from: number): number {
  for (let value = from; value < chosen.length; value++) {
    if (chosen[value]) return value;
  }
  return -1;
}

function cronNext(fields: CronFields, t: Date): Date {
  let at = Math.floor(t.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const limit = t.getTime() + SEARCH_LIMIT_MS;
  while (at <= limit) {
    const d = new Date(at);
    const [y, mo, day, h] = [
      d.getUTCFullYear(),
      d.getUTCMonth(),
      d.getUTCDate(),
      d.getUTCHours(),
    ];
    if (!fields.months[mo + 1]) {
      at = Date.UTC(y, mo + 1, 1);
    } else if (!dayMatches(fields, d)) {
      at = Date.UTC(y, mo, day + 1);
    } else if (!fields.hours[h]) {
      const hour = firstFrom(fields.hours, h);
      at = hour < 0 ? Date.UTC(y, mo, day + 1) : Date.UTC(y, mo, day, hour);
    } else {
      // Straight to the next chosen minute: stepping a minute at a time
      // costs an hourly schedule 60 dates a partition.
      const minute = firstFrom(fields.minutes, d.getUTCMinutes());
      if (minute < 0) {
        at = Date.UTC(y, mo, day, h + 1);
      } else if (minute === d.getUTCMinutes()) {
        return d;
      } else {
        at = Date.UTC(y, mo, day, h, minute);
      }
    }
  }
  throw new Error(`cron search found no time after ${t.toISOString()}`);
}

function cronPrevious(fields: CronFields, t: Date): Date {
  let at = Math.floor(t.getTime() / MINUTE_MS) * MINUTE_MS;
  if (at >= t.getTime()) at -= MINUTE_MS;
  const limit = t.getTime() - SEARCH_LIMIT_MS;
  while (at >= limit) {
    const d = new Date(at);
    const [y, mo, day, h] = [
      d.getUTCFullYear(),
      d.getUTCMonth(),
      d.getUTCDate(),
      d.getUTCHours(),
    ];
    // Each step lands on the last minute before the unit that did not match.
    if (!fields.months[mo + 1]) {
      at = Date.UTC(y, mo, 1) - MINUTE_MS;
    } else if (!dayMatches(fields, d)) {
      at = Date.UTC(y, mo, day) - MINUTE_MS;
    } else if (!fields.hours[h]) {
      at = Date.UTC(y, mo, day, h) - MINUTE_MS;
    } else if (!fields.minutes[d.getUTCMinutes()]) {
      at -= MINUTE_MS;
    } else {
      return d;
    }
  }
  throw new Error(`cron search found no time before ${t.toISOString()}`);
}

class CronPartitionSchedule implements PartitionSchedule {
  constructor(
    readonly description: string,
    private readonly fields: CronFields,
  ) {}

  isAligned(t: Date): boolean {
    const ms = t.getTime();
    if (Number.isNaN(ms) || ms % MINUTE_MS !== 0) return false;
    return (
      this.fields.months[t.getUTCMonth() + 1] &&
      dayMatches(this.fields, t) &&
      this.fields.hours[t.getUTCHours()] &&
      this.fields.minutes[t.getUTCMinutes()]
    );
  }

  next(t: Date): Date {
    return cronNext(this.fields, t);
  }

  previous(t: Date): Date {
    return cronPrevious(this.fields, t);
  }

  partitionsBetween(start: Date, end: Date, max: number): Date[] {
    const partitions: Date[] = [];
    for (
      let at = this.isAligned(start) ? start : this.next(start);
      at.getTime() < end.getTime();
      at = this.next(at)
    ) {
      if (partitions.length >= max) {
        throw new InputError(
          `the range from ${start.toISOString()} to ${end.toISOString()} holds more than ${max} partitions of a schedule that runs ${
            this.description
          }; backfill at most ${max} partitions at a time`,
        );
      }
      partitions.push(at);
    }
    return partitions;
  }
}

/**
 * The partitions of a pipeline's schedule. Throws an InputError naming the
 * pipeline when it has none, or a schedule whose boundaries cannot be known
 * (timedelta or fixed-rate schedules, asset triggers, `@once`, ...).
 */
export function parsePartitionSchedule(
  schedule: string | undefined,
  pipelineName?: string,
): PartitionSchedule {
  const subject = subjectOf(pipelineName);
  const text = schedule?.trim() ?? '';
  if (!text || text === 'None') {
    throw new InputError(
      `${subject} has no schedule, so it has no partitions to backfill`,
    );
  }
  const key = text.toLowerCase();
  const unalignable = UNALIGNABLE_PRESETS[key];
  if (unalignable) {
    throw new InputError(
      `${subject} ${unalignable} (${text}), so it has no partitions to backfill`,
    );
  }
  if (/^every\s+\d+\s+\w+$/i.test(text)) {
    throw new InputError(
      `${subject} runs at a fixed rate (${text}) counted from when its schedule was activated, so its partition boundaries are not known; ${SUPPORTED}`,
    );
  }
  const named = PRESETS[key] ?? STYX_WORDS[key];
  if (named) {
    return new CronPartitionSchedule(
      `${named.human} (${text})`,
      parseCronFields(named.cron),
    );
  }
  const words = text.split(/\s+/);
  if (words.length < 5 || !/^[\d*?,/-]+$/.test(words[0])) {
    throw new InputError(
      `the schedule '${text}' of ${subject} is not one whose partitions can be derived; ${SUPPORTED}`,
    );
  }
  try {
    return new CronPartitionSchedule(
      `on the cron schedule '${text}' (UTC)`,
      parseCronFields(text),
    );
  } catch (error) {
    throw new InputError(
      `the schedule '${text}' of ${subject} is not a cron expression this plugin can align to: ${
        (error as Error).message
      }`,
    );
  }
}
