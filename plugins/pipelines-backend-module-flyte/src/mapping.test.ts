import {
  executionName,
  formatPartitionString,
  formatSchedule,
  globToRegExp,
  isTerminalPhase,
  literalPartition,
  parseDurationMs,
  parsePartitionString,
  partitionLabel,
  phaseName,
  phaseState,
} from './mapping';

describe('phase mapping', () => {
  it.each([
    ['UNDEFINED', 'queued', false],
    ['QUEUED', 'queued', false],
    ['RUNNING', 'running', false],
    ['SUCCEEDING', 'running', false],
    ['SUCCEEDED', 'succeeded', true],
    ['FAILING', 'running', false],
    ['FAILED', 'failed', true],
    ['ABORTED', 'aborted', true],
    ['TIMED_OUT', 'failed', true],
    ['ABORTING', 'running', false],
    ['SOMETHING_NEW', 'unknown', false],
  ])('%s → %s', (phase, state, terminal) => {
    expect(phaseState(phase)).toBe(state);
    expect(isTerminalPhase(phase)).toBe(terminal);
  });

  it('reads a missing phase as UNDEFINED and numbers as enum positions', () => {
    expect(phaseName(undefined)).toBe('UNDEFINED');
    expect(phaseName(4)).toBe('SUCCEEDED');
    expect(phaseName(8)).toBe('TIMED_OUT');
    expect(phaseName('FAILED')).toBe('FAILED');
  });
});

describe('conversions', () => {
  it('parses protobuf JSON durations', () => {
    expect(parseDurationMs('5231.417092s')).toBe(5231417);
    expect(parseDurationMs('0s')).toBe(0);
    expect(parseDurationMs(undefined)).toBeUndefined();
    expect(parseDurationMs('1h')).toBeUndefined();
  });

  it('formats schedules', () => {
    expect(formatSchedule({ cron_schedule: { schedule: '0 3 * * *' } })).toBe(
      '0 3 * * *',
    );
    expect(formatSchedule({ cron_expression: '0 3 * * ? *' })).toBe(
      '0 3 * * ? *',
    );
    expect(formatSchedule({ rate: { value: '5', unit: 'MINUTE' } })).toBe(
      'every 5 minutes',
    );
    // unit missing = MINUTE (zero value)
    expect(formatSchedule({ rate: { value: '1' } })).toBe('every 1 minute');
    expect(formatSchedule({ rate: { value: 2, unit: 'DAY' } })).toBe(
      'every 2 days',
    );
    expect(formatSchedule(undefined)).toBeUndefined();
  });

  it('parses partition strings', () => {
    expect(parsePartitionString('2026-10-19')?.toISOString()).toBe(
      '2026-10-19T00:00:00.000Z',
    );
    expect(parsePartitionString('2026-10-19T03')?.toISOString()).toBe(
      '2026-10-19T03:00:00.000Z',
    );
    expect(parsePartitionString('2026-10')?.toISOString()).toBe(
      '2026-10-01T00:00:00.000Z',
    );
    expect(
      parsePartitionString('2026-10-19T03:30:00+02:00')?.toISOString(),
    ).toBe('2026-10-19T01:30:00.000Z');
    expect(parsePartitionString('latest')).toBeUndefined();
  });

  it('reads partitions from DATETIME, STRING and union literals', () => {
    expect(
      literalPartition({
        scalar: { primitive: { datetime: '2026-10-15T03:00:00Z' } },
      })?.toISOString(),
    ).toBe('2026-10-15T03:00:00.000Z');
    expect(
      literalPartition({
        scalar: {
          union: {
            value: { scalar: { primitive: { string_value: '2026-10-15' } } },
          },
        },
      })?.toISOString(),
    ).toBe('2026-10-15T00:00:00.000Z');
    expect(
      literalPartition({ scalar: { primitive: { integer: '52' } } }),
    ).toBeUndefined();
  });

  it('writes partitions', () => {
    const day = new Date('2026-10-15T00:00:00Z');
    const hour = new Date('2026-10-15T03:00:00Z');
    const odd = new Date('2026-10-15T03:30:00Z');
    expect(formatPartitionString(day, 'auto')).toBe('2026-10-15');
    expect(formatPartitionString(hour, 'auto')).toBe('2026-10-15T03');
    expect(formatPartitionString(odd, 'auto')).toBe('2026-10-15T03:30:00Z');
    expect(formatPartitionString(hour, 'date')).toBe('2026-10-15');
    expect(formatPartitionString(hour, 'month')).toBe('2026-10');
    expect(formatPartitionString(hour, 'iso')).toBe('2026-10-15T03:00:00Z');
    expect(partitionLabel(day)).toBe('2026-10-15');
    expect(partitionLabel(hour)).toBe('2026-10-15T030000Z');
  });

  it('makes short, valid, deterministic execution names', () => {
    const first = executionName('a/b/c@2026-10-15T03:00:00.000Z', 1);
    expect(first).toMatch(/^tb[a-z0-9]{12}$/);
    expect(executionName('a/b/c@2026-10-15T03:00:00.000Z', 1)).toBe(first);
    expect(executionName('a/b/c@2026-10-16T03:00:00.000Z', 1)).not.toBe(first);
    const later = executionName('a/b/c@2026-10-15T03:00:00.000Z', 50);
    expect(later).toBe(`${first}-50`);
    expect(later.length).toBeLessThanOrEqual(20);
  });

  it('matches globs on whole names', () => {
    expect(
      globToRegExp('customer-analytics/*').test(
        'customer-analytics/production/x',
      ),
    ).toBe(true);
    expect(globToRegExp('*ltv*').test('a/b/ltv.workflows.weekly_ltv_lp')).toBe(
      true,
    );
    expect(globToRegExp('ltv.*').test('ltvXworkflows')).toBe(false);
    expect(globToRegExp('a?c').test('abc')).toBe(true);
  });
});
