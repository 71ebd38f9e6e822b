const ISO_DURATION =
  /^([+-])?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:([+-]?\d+(?:\.\d+)?)H)?(?:([+-]?\d+(?:\.\d+)?)M)?(?:([+-]?\d+(?:\.\d+)?)S)?)?$/i;
const DECIMAL_SECONDS = /^[+-]?\d+(?:\.\d+)?$/;

/**
 * Reads a Styx duration such as `running_timeout`, in milliseconds. Styx takes
 * ISO-8601 strings (`PT2H`) on input, but Jackson writes `java.time.Duration`
 * as decimal seconds (`7200.000000000`) by default, so both forms are
 * accepted, as well as decimal seconds sent as a string. Calendar periods
 * (months, years) have no fixed length and give undefined, as does garbage.
 */
export function parseStyxDuration(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? Math.round(value * 1000) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (DECIMAL_SECONDS.test(text)) {
    return Math.round(Number(text) * 1000);
  }
  const m = text.match(ISO_DURATION);
  if (!m || !/\d/.test(text)) return undefined;
  const [, sign, weeks, days, hours, minutes, seconds] = m;
  const n = (s: string | undefined) => (s ? Number(s) : 0);
  const ms =
    (((n(weeks) * 7 + n(days)) * 24 + n(hours)) * 60 + n(minutes)) * 60_000 +
    n(seconds) * 1000;
  return Math.round(sign === '-' ? -ms : ms);
}

/** `2h`, `45m`, `1h30m`, `1d2h`, `90s`: a short human form of a duration. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const parts: string[] = [];
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      parts.push(`${count}${unit}`);
      rest -= count * size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return sign + parts.join('');
}
