import { isoTimestamp } from './dbTime';

describe('isoTimestamp', () => {
  it('writes what toISOString writes, in every year', () => {
    const dates = [
      '2026-11-02T03:04:05.006Z',
      '2026-01-31T23:59:59.999Z',
      '2026-12-01T00:00:00.050Z',
      '1000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '0999-12-31T23:59:59.999Z',
      '+010000-01-01T00:00:00.000Z',
      '-000001-01-01T00:00:00.000Z',
    ].map(text => new Date(text));
    for (let time = 0; time < 4e12; time += 7_777_777_777) {
      dates.push(new Date(time));
    }
    expect(dates.map(isoTimestamp)).toEqual(
      dates.map(date => date.toISOString()),
    );
  });

  it('refuses an invalid date', () => {
    expect(() => isoTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });
});
