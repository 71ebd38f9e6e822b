import { Run } from '@tributary/plugin-pipelines-common';
import {
  durationTicks,
  formatDuration,
  formatPartition,
  gridShape,
  partitionCells,
  partitionInterval,
  truncate,
} from './runs';

function run(id: string, partition: string, overrides: Partial<Run> = {}): Run {
  return {
    id,
    pipelineId: 'p',
    partition,
    state: 'succeeded',
    updatedAt: partition,
    ...overrides,
  };
}

describe('runs helpers', () => {
  it('formats durations in two units at most', () => {
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m 5s');
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(100_800_000 + 59_000)).toBe('1d 4h');
  });

  it('shows partitions in UTC, dropping midnight', () => {
    expect(formatPartition('2026-11-01T00:00:00.000Z')).toBe('2026-11-01');
    expect(formatPartition('2026-11-01T13:00:00Z')).toBe(
      '2026-11-01 13:00 UTC',
    );
  });

  it('truncates to the first line', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('first\nsecond', 10)).toBe('first…');
    expect(truncate('a long message', 6)).toBe('a long…');
  });

  it('keeps the latest attempt per partition, oldest first, up to a limit', () => {
    const cells = partitionCells(
      [
        run('c', '2026-11-03T00:00:00Z'),
        run('b2', '2026-11-02T00:00:00Z', { attempt: 2 }),
        run('b1', '2026-11-02T00:00:00Z', { state: 'failed', attempt: 1 }),
        run('a', '2026-11-01T00:00:00Z'),
      ],
      2,
    );
    expect(cells.map(c => [c.run.id, c.attempts])).toEqual([
      ['b2', 2],
      ['c', 1],
    ]);
  });

  it('infers the cadence from partitions', () => {
    const hourly = [0, 1, 2].map(h =>
      run(`${h}`, `2026-11-01T0${h}:00:00.000Z`),
    );
    expect(partitionInterval(hourly)).toBe(3_600_000);
    expect(gridShape(3_600_000)).toEqual({ cells: 168, columns: 24 });
    expect(gridShape(undefined)).toEqual({ cells: 14, columns: 7 });
  });

  it('picks round duration ticks', () => {
    expect(durationTicks(50_000)).toEqual([0, 15_000, 30_000, 45_000, 60_000]);
    expect(durationTicks(25 * 60_000)).toEqual([0, 900_000, 1_800_000]);
  });
});
