import Tooltip from '@mui/material/Tooltip';
import { localeString, relativeTime } from '../../lib/formatters';

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 hours ago" for an ISO time; "just now" under a minute. */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const elapsed = new Date(iso).getTime() - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(elapsed) >= ms) {
      return relativeTime(Math.round(elapsed / ms), unit);
    }
  }
  return 'just now';
}

/** A relative time with the exact local time on hover. */
export function TimeAgo(props: { time?: string; fallback?: string }) {
  if (!props.time) {
    return <>{props.fallback ?? '—'}</>;
  }
  return (
    <Tooltip title={localeString(props.time)}>
      <time dateTime={props.time}>{timeAgo(props.time)}</time>
    </Tooltip>
  );
}
