import { formatDuration, parseStyxDuration } from './durations';

describe('parseStyxDuration', () => {
  it.each([
    // What Jackson writes by default: decimal seconds.
    [7200.0, 7_200_000],
    [2700, 2_700_000],
    ['7200.000000000', 7_200_000],
    [0.5, 500],
    // What Styx takes on input and the .apib shows.
    ['PT2H', 7_200_000],
    ['PT45M', 2_700_000],
    ['PT1H30M', 5_400_000],
    ['PT0.5S', 500],
    ['P1DT2H', 93_600_000],
    ['P1W', 604_800_000],
    ['pt6h', 21_600_000],
    ['-PT1H', -3_600_000],
  ])('reads %p as %p ms', (value, ms) => {
    expect(parseStyxDuration(value)).toBe(ms);
  });

  it('reads the decimal seconds exactly as Styx writes them in JSON', () => {
    const { running_timeout } = JSON.parse(
      '{"running_timeout": 7200.000000000}',
    );
    expect(parseStyxDuration(running_timeout)).toBe(7_200_000);
  });

  it.each([null, undefined, '', 'P', 'PT', 'P1M', 'P1Y', 'two hours', {}, NaN])(
    'gives undefined for %p',
    value => {
      expect(parseStyxDuration(value)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [7_200_000, '2h'],
    [2_700_000, '45m'],
    [5_400_000, '1h30m'],
    [93_600_000, '1d2h'],
    [90_500, '1m30s500ms'],
    [0, '0s'],
    [-3_600_000, '-1h'],
  ])('formats %p as %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
