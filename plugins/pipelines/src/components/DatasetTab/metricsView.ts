import {
  ColumnQualityMetrics,
  QualityMetrics,
} from '@tributary/plugin-pipelines-common';

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** "1.5 GiB": binary units, one decimal above bytes, none below 1 KiB. */
export function formatBytes(bytes?: number): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
    return '—';
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) {
    return `${value} B`;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

const countFormat = new Intl.NumberFormat('en-US');
const valueFormat = new Intl.NumberFormat('en-US', {
  maximumFractionDigits: 4,
});

/** "1,234,567"; "—" when not reported. */
export function formatCount(count?: number): string {
  return count === undefined ? '—' : countFormat.format(count);
}

/** A column's min or max, to four decimals at most; "—" when not reported. */
export function formatMetricValue(value?: number): string {
  return value === undefined ? '—' : valueFormat.format(value);
}

/** One column of the latest run, and whether its nulls rose since the run before. */
export interface ColumnMetricsRow {
  column: string;
  metrics: ColumnQualityMetrics;
  /** The previous run's null count, when the latest one is higher. */
  nullsRoseFrom?: number;
}

/**
 * The columns of `latest` by name; a column whose null count is higher than
 * in `previous` carries the previous count. Columns the previous run did not
 * measure, or measured without a null count, are not compared.
 */
export function columnMetricRows(
  latest: QualityMetrics,
  previous?: QualityMetrics,
): ColumnMetricsRow[] {
  return Object.entries(latest.columns ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([column, metrics]) => {
      const before = previous?.columns?.[column]?.nullCount;
      const now = metrics.nullCount;
      const rose = before !== undefined && now !== undefined && now > before;
      return rose
        ? { column, metrics, nullsRoseFrom: before }
        : { column, metrics };
    });
}

/** The listed runs oldest first, for the row-count trend. */
export function rowCountTrend(items: QualityMetrics[]): QualityMetrics[] {
  return [...items].reverse();
}
