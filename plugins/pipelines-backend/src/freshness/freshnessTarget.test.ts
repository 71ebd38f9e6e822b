import { InputError } from '@backstage/errors';
import {
  FreshnessTarget,
  deadlineOf,
  describeFreshnessTarget,
  parseFreshnessTarget,
} from './freshnessTarget';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function parseError(text: string, source?: string): Error {
  try {
    parseFreshnessTarget(text, source);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`'${text}' parsed`);
}

/** The deadline of the partition [start, end) under `text`, as ISO. */
function deadline(text: string, start: string, end?: string): string {
  const startDate = new Date(start);
  const endDate = end ? new Date(end) : new Date(startDate.getTime() + DAY_MS);
  return deadlineOf(parseFreshnessTarget(text), {
    start: startDate,
    end: endDate,
  }).toISOString();
}

describe('parseFreshnessTarget', () => {
  it.each<[string, FreshnessTarget]>([
    [
      'D+1 06:00 UTC',
      { kind: 'calendar', days: 1, hour: 6, minute: 0, zone: 'UTC' },
    ],
    [
      '  d+0   6:05  Europe/Stockholm ',
      {
        kind: 'calendar',
        days: 0,
        hour: 6,
        minute: 5,
        zone: 'Europe/Stockholm',
      },
    ],
    [
      'D+31 23:59 america/new_york',
      {
        kind: 'calendar',
        days: 31,
        hour: 23,
        minute: 59,
        zone: 'America/New_York',
      },
    ],
    ['PT6H', { kind: 'duration', durationMs: 6 * HOUR_MS, iso: 'PT6H' }],
    ['P1DT2H', { kind: 'duration', durationMs: 26 * HOUR_MS, iso: 'P1DT2H' }],
    ['pt90m', { kind: 'duration', durationMs: 90 * 60_000, iso: 'PT90M' }],
    ['P1W', { kind: 'duration', durationMs: 7 * DAY_MS, iso: 'P1W' }],
    ['PT45S', { kind: 'duration', durationMs: 45_000, iso: 'PT45S' }],
  ])('parses %p', (text, expected) => {
    expect(parseFreshnessTarget(text)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['', /"": it is empty; write "D\+<days> HH:MM <time zone>".*"PT6H"/],
    [
      'tomorrow',
      /"tomorrow": it is in neither supported form.*"D\+1 06:00 UTC"/,
    ],
    ['D+1', /the time of day is missing.*"D\+1 06:00 UTC"/],
    [
      'D+1 06:00',
      /the time zone is missing; name it, for example "D\+1 06:00 UTC" or "D\+1 06:00 Europe\/Stockholm"/,
    ],
    ['D+2 6:30', /for example "D\+2 06:30 UTC"/],
    ['D-1 06:00 UTC', /"D-1" must be "D\+<days>" with 0 to 31 days/],
    ['D+x 06:00 UTC', /"D\+x" must be "D\+<days>"/],
    ['D+32 06:00 UTC', /32 days is more than the 31 allowed/],
    ['D+1 24:00 UTC', /"24:00" is not a time of day from 00:00 to 23:59/],
    ['D+1 06:60 UTC', /"06:60" is not a time of day/],
    ['D+1 6am UTC', /"6am" is not a time of day/],
    [
      'D+1 06:00 Mars/Olympus',
      /"Mars\/Olympus" is not a known time zone; use "UTC" or an IANA name/,
    ],
    ['D+1 06:00 UTC sharp', /unexpected "sharp" after the time zone/],
    ['P1M', /years and months vary in length.*"P1DT2H"/],
    ['P1Y2D', /years and months vary in length/],
    ['P', /not an ISO-8601 duration.*"PT6H", "PT90M" or "P1DT2H"/],
    ['PT', /not an ISO-8601 duration/],
    ['PT1.5H', /not an ISO-8601 duration in whole weeks/],
    ['P6H', /not an ISO-8601 duration/],
    ['PT0S', /the duration is zero.*"PT6H"/],
    ['P0D', /the duration is zero/],
  ])('refuses %p with a clear message', (text, message) => {
    const error = parseError(text);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^Invalid freshness target "/);
    expect(error.message).toMatch(message);
  });

  it('names where the target came from', () => {
    expect(
      parseError(
        'D+1 06:00',
        'annotation tributary.dev/freshness of component:default/orders',
      ).message,
    ).toBe(
      'Invalid freshness target "D+1 06:00" in annotation ' +
        'tributary.dev/freshness of component:default/orders: the time zone ' +
        'is missing; name it, for example "D+1 06:00 UTC" or ' +
        '"D+1 06:00 Europe/Stockholm"',
    );
  });
});

describe('deadlineOf', () => {
  describe('D+n HH:MM UTC', () => {
    it('is due on day D+n at the time', () => {
      expect(deadline('D+1 06:00 UTC', '2026-05-10T00:00:00Z')).toBe(
        '2026-05-11T06:00:00.000Z',
      );
      expect(deadline('D+0 23:30 UTC', '2026-05-10T00:00:00Z')).toBe(
        '2026-05-10T23:30:00.000Z',
      );
    });

    it('crosses months and years', () => {
      expect(deadline('D+3 06:00 UTC', '2026-12-30T00:00:00Z')).toBe(
        '2027-01-02T06:00:00.000Z',
      );
      expect(deadline('D+31 00:00 UTC', '2026-02-01T00:00:00Z')).toBe(
        '2026-03-04T00:00:00.000Z',
      );
    });

    it('takes D from the partition start, for hourly partitions too', () => {
      expect(
        deadline(
          'D+1 06:00 UTC',
          '2026-05-10T23:00:00Z',
          '2026-05-11T00:00:00Z',
        ),
      ).toBe('2026-05-11T06:00:00.000Z');
    });
  });

  describe('Europe/Stockholm', () => {
    it('follows summer and winter time', () => {
      // CET is UTC+1, CEST UTC+2.
      expect(
        deadline('D+1 06:00 Europe/Stockholm', '2026-01-10T00:00:00Z'),
      ).toBe('2026-01-11T05:00:00.000Z');
      expect(
        deadline('D+1 06:00 Europe/Stockholm', '2026-07-10T00:00:00Z'),
      ).toBe('2026-07-11T04:00:00.000Z');
    });

    it('crosses the March change (2026-03-29)', () => {
      expect(
        deadline('D+1 06:00 Europe/Stockholm', '2026-03-27T00:00:00Z'),
      ).toBe('2026-03-28T05:00:00.000Z');
      expect(
        deadline('D+1 06:00 Europe/Stockholm', '2026-03-28T00:00:00Z'),
      ).toBe('2026-03-29T04:00:00.000Z');
      expect(
        deadline('D+1 06:00 Europe/Stockholm', '2026-03-29T00:00:00Z'),
      ).toBe('2026-03-30T04:00:00.000Z');
    });

    it('crosses the October change (2026-10-25)', () => {
      expect(
        deadline('D+1 06:00 Europe/Stockholm', '2026-10-23T00:00:00Z'),
      ).toBe('2026-10-24T04:00:00.000Z');
      expect(
        deadline('D+1 06:00 Europe/Stockholm', '2026-10-24T00:00:00Z'),
      ).toBe('2026-10-25T05:00:00.000Z');
    });

    it("takes D from the partition start's date in the zone", () => {
      // 22:00 UTC on 10 May is midnight on 11 May in Stockholm.
      expect(
        deadline(
          'D+1 06:00 Europe/Stockholm',
          '2026-05-10T22:00:00Z',
          '2026-05-10T23:00:00Z',
        ),
      ).toBe('2026-05-12T04:00:00.000Z');
      expect(
        deadline(
          'D+1 06:00 Europe/Stockholm',
          '2026-05-10T21:00:00Z',
          '2026-05-10T22:00:00Z',
        ),
      ).toBe('2026-05-11T04:00:00.000Z');
    });

    it('uses the first instant after the spring-forward gap', () => {
      // 02:00 to 03:00 local does not exist on 2026-03-29: 02:30 becomes
      // 03:00 CEST.
      expect(
        deadline('D+0 02:30 Europe/Stockholm', '2026-03-29T00:00:00Z'),
      ).toBe('2026-03-29T01:00:00.000Z');
      expect(
        deadline('D+0 02:00 Europe/Stockholm', '2026-03-29T00:00:00Z'),
      ).toBe('2026-03-29T01:00:00.000Z');
      expect(
        deadline('D+0 03:00 Europe/Stockholm', '2026-03-29T00:00:00Z'),
      ).toBe('2026-03-29T01:00:00.000Z');
      expect(
        deadline('D+0 01:59 Europe/Stockholm', '2026-03-29T00:00:00Z'),
      ).toBe('2026-03-29T00:59:00.000Z');
    });

    it('uses the earlier instant of a time that happens twice', () => {
      // 02:30 happens at 00:30 UTC (CEST) and at 01:30 UTC (CET).
      expect(
        deadline('D+0 02:30 Europe/Stockholm', '2026-10-25T00:00:00Z'),
      ).toBe('2026-10-25T00:30:00.000Z');
      expect(
        deadline('D+0 03:00 Europe/Stockholm', '2026-10-25T00:00:00Z'),
      ).toBe('2026-10-25T02:00:00.000Z');
    });
  });

  describe('America/New_York', () => {
    it('crosses the March change (2026-03-08)', () => {
      // Midnight UTC on 7 March is 19:00 on 6 March in New York (EST, UTC-5).
      expect(
        deadline('D+1 06:00 America/New_York', '2026-03-07T00:00:00Z'),
      ).toBe('2026-03-07T11:00:00.000Z');
      // ...and on 8 March 19:00 on the 7th: due 06:00 EDT (UTC-4) on the 8th.
      expect(
        deadline('D+1 06:00 America/New_York', '2026-03-08T00:00:00Z'),
      ).toBe('2026-03-08T10:00:00.000Z');
    });

    it('crosses the November change (2026-11-01)', () => {
      expect(
        deadline('D+1 06:00 America/New_York', '2026-10-31T00:00:00Z'),
      ).toBe('2026-10-31T10:00:00.000Z');
      expect(
        deadline('D+1 06:00 America/New_York', '2026-11-01T00:00:00Z'),
      ).toBe('2026-11-01T11:00:00.000Z');
    });

    it('handles the gap and the repeated hour', () => {
      expect(
        deadline(
          'D+0 02:30 America/New_York',
          '2026-03-08T12:00:00Z',
          '2026-03-08T13:00:00Z',
        ),
      ).toBe('2026-03-08T07:00:00.000Z');
      expect(
        deadline(
          'D+0 01:30 America/New_York',
          '2026-11-01T12:00:00Z',
          '2026-11-01T13:00:00Z',
        ),
      ).toBe('2026-11-01T05:30:00.000Z');
    });
  });

  describe('ISO-8601 durations', () => {
    it("counts from the partition's end", () => {
      expect(deadline('PT6H', '2026-05-10T00:00:00Z')).toBe(
        '2026-05-11T06:00:00.000Z',
      );
      expect(deadline('P1DT2H', '2026-05-10T00:00:00Z')).toBe(
        '2026-05-12T02:00:00.000Z',
      );
      expect(
        deadline('PT90M', '2026-05-10T10:00:00Z', '2026-05-10T11:00:00Z'),
      ).toBe('2026-05-10T12:30:00.000Z');
    });

    it('counts a day as 24 hours across a DST change', () => {
      expect(
        deadline('P1D', '2026-03-28T00:00:00Z', '2026-03-29T00:00:00Z'),
      ).toBe('2026-03-30T00:00:00.000Z');
    });
  });
});

describe('describeFreshnessTarget', () => {
  it.each([
    ['D+0 23:30 UTC', "by 23:30 UTC on the partition's date"],
    [
      'D+1 6:00 Europe/Stockholm',
      "by 06:00 Europe/Stockholm the day after the partition's date",
    ],
    ['D+3 06:00 UTC', "by 06:00 UTC 3 days after the partition's date"],
    ['PT6H', '6 hours after the partition ends'],
    ['P1DT2H', '1 day 2 hours after the partition ends'],
    ['PT90M', '1 hour 30 minutes after the partition ends'],
    ['P1W', '7 days after the partition ends'],
  ])('describes %p', (text, description) => {
    expect(describeFreshnessTarget(parseFreshnessTarget(text))).toBe(
      description,
    );
  });
});
