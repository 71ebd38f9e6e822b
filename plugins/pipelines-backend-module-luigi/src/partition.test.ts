import { findPartition, parsePartitionValue } from './partition';

describe('parsePartitionValue', () => {
  it.each([
    // DateParameter
    ['2026-11-04', '2026-11-04T00:00:00.000Z', undefined],
    // DateHourParameter, DateMinuteParameter, DateSecondParameter
    ['2026-11-04T07', '2026-11-04T07:00:00.000Z', undefined],
    ['2026-11-04T0730', '2026-11-04T07:30:00.000Z', undefined],
    ['2026-11-04T073015', '2026-11-04T07:30:15.000Z', undefined],
    // ISO date-times, naive (read as UTC) or with an offset
    ['2026-11-04T07:30:15', '2026-11-04T07:30:15.000Z', undefined],
    ['2026-11-04 07:30', '2026-11-04T07:30:00.000Z', undefined],
    ['2026-11-04T07:30:15.25Z', '2026-11-04T07:30:15.250Z', undefined],
    ['2026-11-04T07:30:00+02:00', '2026-11-04T05:30:00.000Z', undefined],
    ['2026-11-04T07:30:00-0130', '2026-11-04T09:00:00.000Z', undefined],
    // MonthParameter
    ['2026-11', '2026-11-01T00:00:00.000Z', undefined],
    // DateIntervalParameter: ISO week and custom range (end exclusive)
    ['2026-W45', '2026-11-02T00:00:00.000Z', '2026-11-09T00:00:00.000Z'],
    ['2026-W01', '2025-12-29T00:00:00.000Z', '2026-01-05T00:00:00.000Z'],
    [
      '2026-11-01-2026-11-08',
      '2026-11-01T00:00:00.000Z',
      '2026-11-08T00:00:00.000Z',
    ],
  ])('reads %s', (value, start, end) => {
    const partition = parsePartitionValue(value);
    expect(partition?.start.toISOString()).toBe(start);
    expect(partition?.end?.toISOString()).toBe(end);
  });

  it.each([
    '4',
    '2026',
    'yesterday',
    '2026-13-01',
    '2026-02-30',
    '2026-11-04T25',
    '2026-W60',
    '2026-11-08-2026-11-01',
    'TopTracksReport_2026_11_04_19a44e81ec',
    '',
  ])('does not read %p as a date', value => {
    expect(parsePartitionValue(value)).toBeUndefined();
  });

  it('ignores values that are not strings', () => {
    expect(parsePartitionValue(20261104)).toBeUndefined();
    expect(parsePartitionValue(null)).toBeUndefined();
  });
});

describe('findPartition', () => {
  it('prefers the usual names, then the first date-like parameter', () => {
    expect(findPartition({ date: '2026-11-04' })?.start).toEqual(
      new Date('2026-11-04T00:00:00Z'),
    );
    expect(findPartition({ days: '4', start: '2026-11-01' })?.start).toEqual(
      new Date('2026-11-01T00:00:00Z'),
    );
    expect(
      findPartition({ start: '2026-11-01', date: '2026-11-04' })?.start,
    ).toEqual(new Date('2026-11-04T00:00:00Z'));
    expect(
      findPartition({
        region: 'eu',
        run_day: '2026-11-03',
        other: '2026-11-05',
      })?.start,
    ).toEqual(new Date('2026-11-03T00:00:00Z'));
    // A preferred name that is not a date does not stop the search.
    expect(
      findPartition({ date: 'latest', as_of: '2026-11-02' })?.start,
    ).toEqual(new Date('2026-11-02T00:00:00Z'));
  });

  it('finds none without date-like parameters', () => {
    expect(findPartition({ days: '4', table: 'plays' })).toBeUndefined();
    expect(findPartition({})).toBeUndefined();
    expect(findPartition(undefined)).toBeUndefined();
  });
});
