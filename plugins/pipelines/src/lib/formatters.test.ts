import { localeString, relativeTime } from './formatters';

describe('formatters', () => {
  const iso = '2026-11-28T15:04:05Z';

  it('formats as toLocaleString does', () => {
    expect(localeString(iso)).toBe(new Date(iso).toLocaleString());
    expect(localeString(Date.parse(iso))).toBe(new Date(iso).toLocaleString());
    const options = { dateStyle: 'medium', timeStyle: 'medium' } as const;
    expect(localeString(new Date(iso), options)).toBe(
      new Date(iso).toLocaleString(undefined, options),
    );
  });

  it('says Invalid Date for what is not a time, as toLocaleString does', () => {
    expect(localeString('not a time')).toBe('Invalid Date');
  });

  it('formats relative times', () => {
    expect(relativeTime(-3, 'hour')).toBe('3 hours ago');
    expect(relativeTime(-1, 'day')).toBe('yesterday');
  });
});
