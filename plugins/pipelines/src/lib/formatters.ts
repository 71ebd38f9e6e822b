/*
 * `Date.prototype.toLocaleString` and `new Intl.*Format` build a formatter on
 * every call, which costs far more than formatting: a page of runs or
 * pipelines formats hundreds of times per render. These build each formatter
 * once, on first use (so a time zone set before then applies).
 */

const cache = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(options: Intl.DateTimeFormatOptions) {
  const key = JSON.stringify(options);
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, options);
    cache.set(key, format);
  }
  return format;
}

/** What `toLocaleString()` without arguments shows. */
const LOCALE_STRING: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
};

/** `date.toLocaleString(undefined, options)`, with a formatter built once. */
export function localeString(
  date: Date | number | string,
  options: Intl.DateTimeFormatOptions = LOCALE_STRING,
): string {
  const value = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(value.getTime())) {
    return 'Invalid Date'; // As `toLocaleString` says; `format` would throw.
  }
  return dateTimeFormat(options).format(value);
}

let relative: Intl.RelativeTimeFormat | undefined;

/** "3 hours ago", "yesterday": English, numeric only where no word fits. */
export function relativeTime(
  value: number,
  unit: Intl.RelativeTimeFormatUnit,
): string {
  relative ??= new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  return relative.format(value, unit);
}
