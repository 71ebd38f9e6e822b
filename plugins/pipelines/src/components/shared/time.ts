const UNITS: Array<[number, string]> = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
];

/** "3 h ago", "just now", "—" for no time: how fresh something is. */
export function formatAge(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const elapsed = now - Date.parse(iso);
  if (Number.isNaN(elapsed)) return '—';
  for (const [size, unit] of UNITS) {
    if (elapsed >= size) return `${Math.floor(elapsed / size)} ${unit} ago`;
  }
  return 'just now';
}

/** "1 h 05 min", "42 s": a run's duration. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(
    2,
    '0',
  )} min`;
}
