import { QualityMetrics } from '@tributary/plugin-pipelines-common';
import { columnMetricRows, formatBytes, rowCountTrend } from './metricsView';

const run = (
  runId: string,
  columns?: QualityMetrics['columns'],
): QualityMetrics => ({
  runId,
  datasetId: 'bigquery/p.d.t',
  observedAt: '2026-11-02T00:00:00.000Z',
  columns,
});

describe('formatBytes', () => {
  it('uses binary units with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 4)).toBe('5.0 TiB');
    expect(formatBytes(undefined)).toBe('—');
  });
});

describe('columnMetricRows', () => {
  it('sorts columns and marks only those whose null count rose', () => {
    const rows = columnMetricRows(
      run('new', {
        b: { nullCount: 3 },
        a: { nullCount: 1 },
        c: { nullCount: 9 },
        d: {},
      }),
      run('old', {
        a: { nullCount: 1 },
        b: { nullCount: 2 },
        d: { nullCount: 0 },
      }),
    );
    expect(rows.map(r => [r.column, r.nullsRoseFrom])).toEqual([
      ['a', undefined],
      ['b', 2],
      ['c', undefined],
      ['d', undefined],
    ]);
  });

  it('marks nothing without a previous run', () => {
    expect(
      columnMetricRows(run('new', { a: { nullCount: 4 } })).map(
        r => r.nullsRoseFrom,
      ),
    ).toEqual([undefined]);
  });
});

describe('rowCountTrend', () => {
  it('puts the runs oldest first without changing the list', () => {
    const items = [run('3'), run('2'), run('1')];
    expect(rowCountTrend(items).map(r => r.runId)).toEqual(['1', '2', '3']);
    expect(items.map(r => r.runId)).toEqual(['3', '2', '1']);
  });
});
