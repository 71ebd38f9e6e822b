import { InputError } from '@backstage/errors';
import { PartitionSchedule, parsePartitionSchedule } from './partitionSchedule';

const at = (iso: string) => new Date(iso);
const isos = (dates: Date[]) => dates.map(d => d.toISOString());

function between(
  schedule: PartitionSchedule,
  start: string,
  end: string,
  max = 1000,
): string[] {
  return isos(schedule.partitionsBetween(at(start), at(end), max));
}

function parseError(schedule: string | undefined, name?: string): Error {
  try {
    parsePartitionSchedule(schedule, name);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`'${schedule}' parsed`);
}

describe('parsePartitionSchedule', () => {
  describe('refuses schedules it cannot align to', () => {
    it.each([undefined, '', '   ', 'None'])(
      'says the pipeline has no schedule for %p',
      schedule => {
        const error = parseError(schedule, 'daily-orders');
        expect(error).toBeInstanceOf(InputError);
        expect(error.message).toBe(
          'pipeline daily-orders has no schedule, so it has no partitions to backfill',
        );
      },
    );

    it('names no pipeline when it has no name', () => {
      expect(parseError(undefined).message).toBe(
        'the pipeline has no schedule, so it has no partitions to backfill',
      );
    });

    it.each([
      ['@once', 'pipeline etl runs only once (@once)'],
      [
        '@continuous',
        'pipeline etl starts a new run as soon as the previous one ends (@continuous)',
      ],
      ['@reboot', 'pipeline etl runs when its scheduler starts (@reboot)'],
    ])('refuses %s', (schedule, message) => {
      const error = parseError(schedule, 'etl');
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        `${message}, so it has no partitions to backfill`,
      );
    });

    it.each(['every 5 minutes', 'every 1 hour', 'Every 2 days'])(
      'refuses the Flyte fixed rate %p',
      schedule => {
        const error = parseError(schedule, 'features');
        expect(error).toBeInstanceOf(InputError);
        expect(error.message).toContain(
          `pipeline features runs at a fixed rate (${schedule}) counted from when its schedule was activated, so its partition boundaries are not known`,
        );
      },
    );

    it.each([
      'Triggered by assets',
      'Never, external triggers only',
      '1 day, 0:00:00',
      'At 02:00, only on Monday and Friday',
      '@fortnightly',
      'fortnightly',
      '0 2 * *',
    ])('refuses %p and lists what is supported', schedule => {
      const error = parseError(schedule, 'etl');
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        `the schedule '${schedule}' of pipeline etl is not one whose partitions can be derived; ` +
          'supported are the presets @hourly, @daily, @midnight, @weekly, @monthly, @quarterly, ' +
          '@yearly and @annually, the Styx periods hours, days, weeks, months and years, ' +
          'and 5-field cron expressions in UTC',
      );
    });

    it.each([
      ['0 24 * * *', 'hour 24 is out of range 0-23'],
      ['60 * * * *', 'minute 60 is out of range 0-59'],
      ['0 0 0 * *', 'day-of-month 0 is out of range 1-31'],
      ['0 0 1 13 *', 'month 13 is out of range 1-12'],
      ['0 0 * * 8', 'day-of-week 8 is out of range 0-7'],
      [
        '0 0 L * *',
        "the day-of-month field uses 'L'; the special characters L, W and # are not supported",
      ],
      [
        '0 0 * * 5#3',
        "the day-of-week field uses '5#3'; the special characters L, W and # are not supported",
      ],
      [
        '0 0 * JANUARY *',
        "the month field has 'JANUARY' where a number or a name such as JAN was expected",
      ],
      ['0 x * * *', "the hour field has 'x' where a number was expected"],
      [
        '0 0 * * JULY',
        "the day-of-week field has 'JULY' where a number or a name such as SUN was expected",
      ],
      ['0 ? * * *', "the hour field has '?' where a number was expected"],
      ['1,,2 * * * *', "the minute field '1,,2' is malformed"],
      ['1-2-3 * * * *', "the minute field '1-2-3' is malformed"],
      ['*/0 * * * *', "the minute field '*/0' has step '0'"],
      ['0 0 5-1 * *', "the day-of-month range '5-1' runs backwards"],
      [
        '0 10 * * ? *',
        'it has 6 fields; only standard 5-field cron expressions (minute hour day-of-month month day-of-week) are supported',
      ],
      ['0 0 0 * * * 2026', 'it has 7 fields'],
      ['0 0 30 2 *', 'it never fires: no chosen month has the chosen days'],
      ['0 0 31 4,6,9,11 *', 'it never fires'],
    ])('refuses the cron %p: %s', (schedule, problem) => {
      const error = parseError(schedule, 'etl');
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain(
        `the schedule '${schedule}' of pipeline etl is not a cron expression this plugin can align to: ${problem}`,
      );
    });
  });

  describe('descriptions', () => {
    it.each([
      ['@hourly', 'hourly at minute 0 (@hourly)'],
      ['@daily', 'daily at 00:00 UTC (@daily)'],
      ['@midnight', 'daily at 00:00 UTC (@midnight)'],
      ['@weekly', 'weekly on Sundays at 00:00 UTC (@weekly)'],
      ['@monthly', 'monthly on the 1st at 00:00 UTC (@monthly)'],
      ['@yearly', 'yearly on 1 January at 00:00 UTC (@yearly)'],
      ['@annually', 'yearly on 1 January at 00:00 UTC (@annually)'],
      ['hours', 'hourly at minute 0 (hours)'],
      ['days', 'daily at 00:00 UTC (days)'],
      ['weeks', 'weekly on Mondays at 00:00 UTC (weeks)'],
      ['weekly', 'weekly on Mondays at 00:00 UTC (weekly)'],
      ['months', 'monthly on the 1st at 00:00 UTC (months)'],
      ['years', 'yearly on 1 January at 00:00 UTC (years)'],
      [' Daily ', 'daily at 00:00 UTC (Daily)'],
      ['0 6 * * 1-5', "on the cron schedule '0 6 * * 1-5' (UTC)"],
      ['0  6 *\t* *', "on the cron schedule '0  6 *\t* *' (UTC)"],
    ])('describes %p as %p', (schedule, description) => {
      expect(parsePartitionSchedule(schedule).description).toBe(description);
    });
  });

  describe('hourly', () => {
    const schedule = parsePartitionSchedule('@hourly');

    it('is aligned on whole hours only', () => {
      expect(schedule.isAligned(at('2026-10-01T03:00:00Z'))).toBe(true);
      expect(schedule.isAligned(at('2026-10-01T03:30:00Z'))).toBe(false);
      expect(schedule.isAligned(at('2026-10-01T03:00:01Z'))).toBe(false);
      expect(schedule.isAligned(at('2026-10-01T03:00:00.001Z'))).toBe(false);
      expect(schedule.isAligned(new Date(NaN))).toBe(false);
    });

    it('steps an hour at a time, across days', () => {
      expect(schedule.next(at('2026-10-01T23:00:00Z')).toISOString()).toBe(
        '2026-10-02T00:00:00.000Z',
      );
      expect(schedule.next(at('2026-10-01T03:59:59.999Z')).toISOString()).toBe(
        '2026-10-01T04:00:00.000Z',
      );
      expect(schedule.previous(at('2026-10-02T00:00:00Z')).toISOString()).toBe(
        '2026-10-01T23:00:00.000Z',
      );
      expect(
        schedule.previous(at('2026-10-01T03:00:00.001Z')).toISOString(),
      ).toBe('2026-10-01T03:00:00.000Z');
    });

    it('lists partition starts in [start, end)', () => {
      expect(
        between(schedule, '2026-10-01T22:00:00Z', '2026-10-02T01:00:00Z'),
      ).toEqual([
        '2026-10-01T22:00:00.000Z',
        '2026-10-01T23:00:00.000Z',
        '2026-10-02T00:00:00.000Z',
      ]);
    });

    it('starts at the next boundary when start is not one', () => {
      expect(
        between(schedule, '2026-10-01T22:15:00Z', '2026-10-02T00:00:00Z'),
      ).toEqual(['2026-10-01T23:00:00.000Z']);
      expect(
        between(schedule, '2026-10-01T22:15:00Z', '2026-10-01T22:45:00Z'),
      ).toEqual([]);
    });

    it('allows exactly max partitions and refuses one more', () => {
      // 1000 hours from 2026-10-01T00:00Z end at 2026-11-11T16:00Z.
      expect(
        between(schedule, '2026-10-01T00:00:00Z', '2026-11-11T16:00:00Z'),
      ).toHaveLength(1000);
      const refuse = () =>
        between(schedule, '2026-10-01T00:00:00Z', '2026-11-11T17:00:00Z');
      expect(refuse).toThrow(InputError);
      expect(refuse).toThrow(
        'the range from 2026-10-01T00:00:00.000Z to 2026-11-11T17:00:00.000Z holds more than 1000 partitions of a schedule that runs hourly at minute 0 (@hourly); backfill at most 1000 partitions at a time',
      );
    });

    it('refuses a huge range quickly, without listing it', () => {
      const started = Date.now();
      expect(() =>
        between(schedule, '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', 10),
      ).toThrow('holds more than 10 partitions');
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('daily', () => {
    it.each(['@daily', 'days', 'daily', 'DAYS', '0 0 * * *'])(
      '%p is midnight UTC',
      text => {
        const schedule = parsePartitionSchedule(text);
        expect(schedule.isAligned(at('2026-10-01T00:00:00Z'))).toBe(true);
        expect(schedule.isAligned(at('2026-10-01T01:00:00Z'))).toBe(false);
        expect(schedule.isAligned(at('2026-10-01T00:00:00+02:00'))).toBe(false);
        expect(
          between(schedule, '2026-10-30T00:00:00Z', '2026-11-02T00:00:00Z'),
        ).toEqual([
          '2026-10-30T00:00:00.000Z',
          '2026-10-31T00:00:00.000Z',
          '2026-11-01T00:00:00.000Z',
        ]);
      },
    );

    it('a daily cron at 02:00 (Airflow) is aligned at 02:00', () => {
      const schedule = parsePartitionSchedule('0 2 * * *');
      expect(schedule.isAligned(at('2026-11-27T02:00:00Z'))).toBe(true);
      expect(schedule.isAligned(at('2026-11-27T00:00:00Z'))).toBe(false);
      expect(schedule.previous(at('2026-11-27T00:00:00Z')).toISOString()).toBe(
        '2026-11-26T02:00:00.000Z',
      );
      expect(schedule.next(at('2026-11-27T00:00:00Z')).toISOString()).toBe(
        '2026-11-27T02:00:00.000Z',
      );
    });

    it('crosses leap days', () => {
      const schedule = parsePartitionSchedule('days');
      expect(schedule.next(at('2028-02-28T00:00:00Z')).toISOString()).toBe(
        '2028-02-29T00:00:00.000Z',
      );
      expect(schedule.next(at('2026-02-28T00:00:00Z')).toISOString()).toBe(
        '2026-03-01T00:00:00.000Z',
      );
    });
  });

  describe('weekly', () => {
    it('Styx weeks start on Mondays', () => {
      const schedule = parsePartitionSchedule('weeks');
      expect(schedule.isAligned(at('2026-10-05T00:00:00Z'))).toBe(true);
      expect(schedule.isAligned(at('2026-10-04T00:00:00Z'))).toBe(false);
      expect(
        between(schedule, '2026-10-01T00:00:00Z', '2026-10-20T00:00:00Z'),
      ).toEqual([
        '2026-10-05T00:00:00.000Z',
        '2026-10-12T00:00:00.000Z',
        '2026-10-19T00:00:00.000Z',
      ]);
      expect(schedule.next(at('2026-10-05T00:00:00Z')).toISOString()).toBe(
        '2026-10-12T00:00:00.000Z',
      );
    });

    it('@weekly starts on Sundays, as in cron', () => {
      const schedule = parsePartitionSchedule('@weekly');
      expect(schedule.isAligned(at('2026-10-04T00:00:00Z'))).toBe(true);
      expect(schedule.isAligned(at('2026-10-05T00:00:00Z'))).toBe(false);
      expect(schedule.previous(at('2026-10-05T00:00:00Z')).toISOString()).toBe(
        '2026-10-04T00:00:00.000Z',
      );
    });
  });

  describe('monthly and longer', () => {
    it('months have their own lengths', () => {
      const schedule = parsePartitionSchedule('@monthly');
      expect(
        between(schedule, '2026-01-01T00:00:00Z', '2026-05-01T00:00:00Z'),
      ).toEqual([
        '2026-01-01T00:00:00.000Z',
        '2026-02-01T00:00:00.000Z',
        '2026-03-01T00:00:00.000Z',
        '2026-04-01T00:00:00.000Z',
      ]);
      expect(schedule.next(at('2026-01-01T00:00:00Z')).toISOString()).toBe(
        '2026-02-01T00:00:00.000Z',
      );
      expect(schedule.next(at('2026-02-01T00:00:00Z')).toISOString()).toBe(
        '2026-03-01T00:00:00.000Z',
      );
      expect(schedule.previous(at('2026-03-01T00:00:00Z')).toISOString()).toBe(
        '2026-02-01T00:00:00.000Z',
      );
      expect(schedule.previous(at('2026-01-15T00:00:00Z')).toISOString()).toBe(
        '2026-01-01T00:00:00.000Z',
      );
      expect(schedule.isAligned(at('2026-01-31T00:00:00Z'))).toBe(false);
    });

    it('the 31st fires only in months that have one', () => {
      const schedule = parsePartitionSchedule('0 0 31 * *');
      expect(
        between(schedule, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'),
      ).toEqual([
        '2026-01-31T00:00:00.000Z',
        '2026-03-31T00:00:00.000Z',
        '2026-05-31T00:00:00.000Z',
        '2026-07-31T00:00:00.000Z',
        '2026-08-31T00:00:00.000Z',
        '2026-10-31T00:00:00.000Z',
        '2026-12-31T00:00:00.000Z',
      ]);
      expect(schedule.next(at('2026-01-31T00:00:00Z')).toISOString()).toBe(
        '2026-03-31T00:00:00.000Z',
      );
      expect(schedule.previous(at('2026-03-31T00:00:00Z')).toISOString()).toBe(
        '2026-01-31T00:00:00.000Z',
      );
    });

    it('29 February waits for leap years, and 2100 is not one', () => {
      const schedule = parsePartitionSchedule('0 0 29 2 *');
      expect(schedule.next(at('2026-03-01T00:00:00Z')).toISOString()).toBe(
        '2028-02-29T00:00:00.000Z',
      );
      expect(schedule.next(at('2096-02-29T00:00:00Z')).toISOString()).toBe(
        '2104-02-29T00:00:00.000Z',
      );
      expect(schedule.previous(at('2104-02-29T00:00:00Z')).toISOString()).toBe(
        '2096-02-29T00:00:00.000Z',
      );
    });

    it('quarterly and yearly', () => {
      const quarterly = parsePartitionSchedule('@quarterly');
      expect(
        between(quarterly, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'),
      ).toEqual([
        '2026-01-01T00:00:00.000Z',
        '2026-04-01T00:00:00.000Z',
        '2026-07-01T00:00:00.000Z',
        '2026-10-01T00:00:00.000Z',
      ]);
      const yearly = parsePartitionSchedule('years');
      expect(yearly.isAligned(at('2026-01-01T00:00:00Z'))).toBe(true);
      expect(yearly.isAligned(at('2026-02-01T00:00:00Z'))).toBe(false);
      expect(yearly.next(at('2026-01-01T00:00:00Z')).toISOString()).toBe(
        '2027-01-01T00:00:00.000Z',
      );
      expect(yearly.previous(at('2026-01-01T00:00:00Z')).toISOString()).toBe(
        '2025-01-01T00:00:00.000Z',
      );
      expect(yearly.previous(at('2026-06-15T12:34:00Z')).toISOString()).toBe(
        '2026-01-01T00:00:00.000Z',
      );
    });
  });

  describe('cron', () => {
    it('0 6 * * 1-5 runs at 06:00 on weekdays', () => {
      const schedule = parsePartitionSchedule('0 6 * * 1-5');
      // 2026-10-01 is a Thursday.
      expect(
        between(schedule, '2026-10-01T00:00:00Z', '2026-10-08T00:00:00Z'),
      ).toEqual([
        '2026-10-01T06:00:00.000Z',
        '2026-10-02T06:00:00.000Z',
        '2026-10-05T06:00:00.000Z',
        '2026-10-06T06:00:00.000Z',
        '2026-10-07T06:00:00.000Z',
      ]);
      // Friday's partition lasts until Monday.
      expect(schedule.next(at('2026-10-02T06:00:00Z')).toISOString()).toBe(
        '2026-10-05T06:00:00.000Z',
      );
      expect(schedule.previous(at('2026-10-05T06:00:00Z')).toISOString()).toBe(
        '2026-10-02T06:00:00.000Z',
      );
      expect(schedule.isAligned(at('2026-10-03T06:00:00Z'))).toBe(false);
    });

    it('takes names, 7 for Sunday and ? for a day field', () => {
      const names = parsePartitionSchedule('0 6 * jan,Jul MON-fri');
      expect(names.isAligned(at('2026-01-05T06:00:00Z'))).toBe(true);
      expect(names.isAligned(at('2026-07-03T06:00:00Z'))).toBe(true);
      expect(names.isAligned(at('2026-02-02T06:00:00Z'))).toBe(false);
      expect(names.isAligned(at('2026-01-04T06:00:00Z'))).toBe(false);

      const sunday = parsePartitionSchedule('0 0 * * 7');
      expect(sunday.isAligned(at('2026-10-04T00:00:00Z'))).toBe(true);
      expect(sunday.isAligned(at('2026-10-03T00:00:00Z'))).toBe(false);

      const question = parsePartitionSchedule('0 0 ? * 1');
      expect(question.isAligned(at('2026-10-05T00:00:00Z'))).toBe(true);
      expect(question.isAligned(at('2026-10-06T00:00:00Z'))).toBe(false);
    });

    it('takes lists, ranges and steps', () => {
      const quarterHours = parsePartitionSchedule('*/15 * * * *');
      expect(
        between(quarterHours, '2026-10-01T00:00:00Z', '2026-10-01T01:00:00Z'),
      ).toEqual([
        '2026-10-01T00:00:00.000Z',
        '2026-10-01T00:15:00.000Z',
        '2026-10-01T00:30:00.000Z',
        '2026-10-01T00:45:00.000Z',
      ]);
      const fromFive = parsePartitionSchedule('5/20 * * * *');
      expect(
        between(fromFive, '2026-10-01T00:00:00Z', '2026-10-01T01:00:00Z'),
      ).toEqual([
        '2026-10-01T00:05:00.000Z',
        '2026-10-01T00:25:00.000Z',
        '2026-10-01T00:45:00.000Z',
      ]);
      const office = parsePartitionSchedule('30 9-17/4,20 * * *');
      expect(
        between(office, '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z'),
      ).toEqual([
        '2026-10-01T09:30:00.000Z',
        '2026-10-01T13:30:00.000Z',
        '2026-10-01T17:30:00.000Z',
        '2026-10-01T20:30:00.000Z',
      ]);
    });

    it('matches either day field when both are restricted (Vixie cron)', () => {
      // The 1st to the 3rd, and every Monday: not "a Monday from the 1st to the 3rd".
      const schedule = parsePartitionSchedule('0 0 1-3 * 1');
      expect(
        between(schedule, '2026-10-01T00:00:00Z', '2026-10-20T00:00:00Z'),
      ).toEqual([
        '2026-10-01T00:00:00.000Z',
        '2026-10-02T00:00:00.000Z',
        '2026-10-03T00:00:00.000Z',
        '2026-10-05T00:00:00.000Z',
        '2026-10-12T00:00:00.000Z',
        '2026-10-19T00:00:00.000Z',
      ]);
    });

    it('matches both day fields when one starts with * (Vixie cron)', () => {
      // Odd days that are Mondays: */2 counts as *, so both must match.
      const schedule = parsePartitionSchedule('0 0 */2 * 1');
      expect(
        between(schedule, '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'),
      ).toEqual(['2026-10-05T00:00:00.000Z', '2026-10-19T00:00:00.000Z']);
      // */7 is 0 and 7, Sundays: the next 31st that is a Sunday.
      const rare = parsePartitionSchedule('0 0 31 * */7');
      expect(rare.next(at('2026-01-01T00:00:00Z')).toISOString()).toBe(
        '2026-05-31T00:00:00.000Z',
      );
    });

    it.each([
      '0 6 * * 1-5',
      '*/7 */5 * * *',
      '0 0 1-3 * 1',
      '0 0 */2 * 1',
      '15 3,15 10-20 * *',
      '0 12 * 2-4,9-11 0',
      '0 0 31 * *',
    ])('next and previous of %p agree with a minute-by-minute scan', text => {
      const schedule = parsePartitionSchedule(text);
      const scan = (from: Date, step: number) => {
        let minute = Math.floor(from.getTime() / 60_000) * 60_000;
        if (step > 0 || minute === from.getTime()) minute += step * 60_000;
        while (!schedule.isAligned(new Date(minute))) minute += step * 60_000;
        return new Date(minute).toISOString();
      };
      // Awkward instants: month ends, a leap day, unaligned seconds.
      for (const iso of [
        '2028-02-28T23:59:30Z',
        '2028-02-29T12:00:00Z',
        '2026-03-01T00:00:00Z',
        '2026-12-31T23:59:00Z',
        '2027-01-01T00:00:00.500Z',
        '2026-10-05T06:00:00Z',
      ]) {
        expect(schedule.next(at(iso)).toISOString()).toBe(scan(at(iso), 1));
        expect(schedule.previous(at(iso)).toISOString()).toBe(
          scan(at(iso), -1),
        );
      }
    });
  });
});
