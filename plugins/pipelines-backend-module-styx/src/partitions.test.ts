import {
  addPeriods,
  formatInstant,
  formatParameter,
  isAligned,
  parsePartition,
  partitionOf,
  partitionsInRange,
  wellKnownSchedule,
} from './partitions';

const d = (iso: string) => new Date(iso);

describe('wellKnownSchedule', () => {
  it.each([
    ['hours', 'hours'],
    ['@hourly', 'hours'],
    ['HOURLY', 'hours'],
    ['days', 'days'],
    ['@daily', 'days'],
    ['daily', 'days'],
    ['weeks', 'weeks'],
    ['@weekly', 'weeks'],
    ['months', 'months'],
    ['@monthly', 'months'],
    ['years', 'years'],
    ['@yearly', 'years'],
    ['@annually', 'years'],
    ['annually', 'years'],
  ])('knows %s as %s', (schedule, expected) => {
    expect(wellKnownSchedule(schedule)).toBe(expected);
  });

  it('treats cron expressions, even daily-looking ones, as cron', () => {
    expect(wellKnownSchedule('0 6 * * *')).toBeUndefined();
    expect(wellKnownSchedule('0 0 * * *')).toBeUndefined();
    expect(wellKnownSchedule(null)).toBeUndefined();
  });
});

describe('partitionOf', () => {
  it.each([
    [
      '2026-10-20T05',
      'hours',
      '2026-10-20T05:00:00.000Z',
      '2026-10-20T06:00:00.000Z',
    ],
    [
      '2026-10-31T23',
      'hours',
      '2026-10-31T23:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
    ],
    [
      '2026-10-01',
      'days',
      '2026-10-01T00:00:00.000Z',
      '2026-10-02T00:00:00.000Z',
    ],
    [
      '2026-10-26',
      'weeks',
      '2026-10-26T00:00:00.000Z',
      '2026-11-02T00:00:00.000Z',
    ],
    [
      '2026-10',
      'months',
      '2026-10-01T00:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
    ],
    [
      '2026-12',
      'months',
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ],
    ['2026', 'years', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    // A workflow whose schedule changed keeps instances in the older form.
    [
      '2026-10-01',
      'hours',
      '2026-10-01T00:00:00.000Z',
      '2026-10-02T00:00:00.000Z',
    ],
  ])('parses %s (%s)', (parameter, schedule, start, end) => {
    const result = partitionOf(parameter, schedule);
    expect(result?.partition.toISOString()).toBe(start);
    expect(result?.partitionEnd?.toISOString()).toBe(end);
  });

  it.each([
    ['2026-11-01T06:00Z', '2026-11-01T06:00:00.000Z'],
    ['2026-11-01T06:30:00Z', '2026-11-01T06:30:00.000Z'],
    ['2026-11-01T06:30:15.250Z', '2026-11-01T06:30:15.250Z'],
    ['2026-11-01T06:00+01:00', '2026-11-01T05:00:00.000Z'],
    ['2026-11-01T06:00', '2026-11-01T06:00:00.000Z'],
  ])(
    'parses the full instant %s of a cron schedule, without an end',
    (parameter, start) => {
      const result = partitionOf(parameter, '0 6 * * *');
      expect(result?.partition.toISOString()).toBe(start);
      expect(result?.partitionEnd).toBeUndefined();
    },
  );

  it('gives nothing for parameters that are not times', () => {
    expect(partitionOf('not-a-date', 'days')).toBeUndefined();
    expect(partitionOf('2026-02-30', 'days')).toBeUndefined();
    expect(partitionOf('2026-10-01T25', 'hours')).toBeUndefined();
    expect(parsePartition('')).toBeUndefined();
  });
});

describe('formatParameter', () => {
  const at = d('2026-10-20T05:00:00Z');
  it.each([
    ['hours', '2026-10-20T05'],
    ['days', '2026-10-20'],
    ['weeks', '2026-10-20'],
    ['months', '2026-10'],
    ['years', '2026'],
    ['@daily', '2026-10-20'],
    ['0 5 * * *', '2026-10-20T05:00Z'],
  ])('formats for %s as %s', (schedule, expected) => {
    expect(formatParameter(at, schedule)).toBe(expected);
  });

  it('round-trips with partitionOf', () => {
    for (const schedule of [
      'hours',
      'days',
      'months',
      'years',
      '*/5 * * * *',
    ]) {
      const parameter = formatParameter(at, schedule);
      expect(
        formatParameter(partitionOf(parameter, schedule)!.partition, schedule),
      ).toBe(parameter);
    }
  });
});

describe('alignment and ranges', () => {
  it('checks partition boundaries', () => {
    expect(isAligned(d('2026-10-20T05:00:00Z'), 'hours')).toBe(true);
    expect(isAligned(d('2026-10-20T05:30:00Z'), 'hours')).toBe(false);
    expect(isAligned(d('2026-10-20T00:00:00Z'), 'days')).toBe(true);
    expect(isAligned(d('2026-10-20T05:00:00Z'), 'days')).toBe(false);
    expect(isAligned(d('2026-10-26T00:00:00Z'), 'weeks')).toBe(true); // Monday
    expect(isAligned(d('2026-10-25T00:00:00Z'), 'weeks')).toBe(false); // Sunday
    expect(isAligned(d('2026-10-01T00:00:00Z'), 'months')).toBe(true);
    expect(isAligned(d('2026-10-02T00:00:00Z'), 'months')).toBe(false);
    expect(isAligned(d('2026-01-01T00:00:00Z'), 'years')).toBe(true);
    expect(isAligned(d('2026-02-01T00:00:00Z'), 'years')).toBe(false);
  });

  it('lists the partitions of a range, end exclusive', () => {
    expect(
      partitionsInRange(
        d('2026-10-01T00:00:00Z'),
        d('2026-10-08T00:00:00Z'),
        'days',
      ),
    ).toHaveLength(7);
    expect(
      partitionsInRange(
        d('2026-10-20T00:00:00Z'),
        d('2026-10-21T00:00:00Z'),
        'hours',
      ),
    ).toHaveLength(24);
    expect(
      partitionsInRange(
        d('2026-08-03T00:00:00Z'),
        d('2026-10-05T00:00:00Z'),
        'weeks',
      ),
    ).toHaveLength(9);
    expect(addPeriods(d('2026-01-31T00:00:00Z'), 'days', 1).toISOString()).toBe(
      '2026-02-01T00:00:00.000Z',
    );
  });

  it('formats instants like Styx does', () => {
    expect(formatInstant(d('2026-10-01T00:00:00Z'))).toBe(
      '2026-10-01T00:00:00Z',
    );
    expect(formatInstant(d('2026-10-01T00:00:00.512Z'))).toBe(
      '2026-10-01T00:00:00.512Z',
    );
  });
});
