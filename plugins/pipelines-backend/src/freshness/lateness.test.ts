import { InputError } from '@backstage/errors';
import { parsePartitionSchedule } from '../backfills/partitionSchedule';
import { parseFreshnessTarget } from './freshnessTarget';
import {
  LatePartition,
  PartitionOutcome,
  findLatePartitions,
  isCurrentlyLate,
} from './lateness';

const at = (iso: string) => new Date(iso);
const daily = parsePartitionSchedule('@daily');
const hourly = parsePartitionSchedule('@hourly');

function dailyOutcome(
  day: string,
  state: PartitionOutcome['state'],
  succeededAt?: string,
): PartitionOutcome {
  const partition = at(`${day}T00:00:00Z`);
  return {
    partition,
    partitionEnd: daily.next(partition),
    state,
    ...(succeededAt ? { succeededAt: at(succeededAt) } : {}),
  };
}

/** The late partitions as ISO strings, for readable comparisons. */
function summarize(late: LatePartition[]) {
  return late.map(l => ({
    partition: l.partition.toISOString(),
    lateSince: l.lateSince.toISOString(),
    deadline: l.deadline.toISOString(),
    recoveredAt: l.recoveredAt?.toISOString(),
    currentlyLate: isCurrentlyLate(l),
  }));
}

describe('findLatePartitions', () => {
  const target = parseFreshnessTarget('D+1 06:00 UTC');

  it('finds late, recovered and never-run partitions of a daily schedule', () => {
    const late = findLatePartitions({
      schedule: daily,
      target,
      now: at('2026-05-05T07:00:00Z'),
      lookback: { from: at('2026-05-01T00:00:00Z') },
      outcomes: [
        // On time.
        dailyOutcome('2026-05-01', 'succeeded', '2026-05-02T05:00:00Z'),
        // Succeeded two days late.
        dailyOutcome('2026-05-02', 'succeeded', '2026-05-04T10:00:00Z'),
        dailyOutcome('2026-05-03', 'failed'),
        // 2026-05-04 never ran; 2026-05-05 is not due until 2026-05-06.
        dailyOutcome('2026-05-05', 'running'),
      ],
    });
    expect(summarize(late)).toEqual([
      {
        partition: '2026-05-02T00:00:00.000Z',
        deadline: '2026-05-03T06:00:00.000Z',
        lateSince: '2026-05-03T06:00:00.000Z',
        recoveredAt: '2026-05-04T10:00:00.000Z',
        currentlyLate: false,
      },
      {
        partition: '2026-05-03T00:00:00.000Z',
        deadline: '2026-05-04T06:00:00.000Z',
        lateSince: '2026-05-04T06:00:00.000Z',
        recoveredAt: undefined,
        currentlyLate: true,
      },
      {
        partition: '2026-05-04T00:00:00.000Z',
        deadline: '2026-05-05T06:00:00.000Z',
        lateSince: '2026-05-05T06:00:00.000Z',
        recoveredAt: undefined,
        currentlyLate: true,
      },
    ]);
  });

  it('reports nothing before the deadline', () => {
    expect(
      findLatePartitions({
        schedule: daily,
        target,
        now: at('2026-05-05T05:59:59Z'),
        lookback: { from: at('2026-05-04T00:00:00Z') },
        outcomes: [dailyOutcome('2026-05-04', 'running')],
      }),
    ).toEqual([]);
  });

  it('counts a partition late from its deadline on, and on time when it succeeds at it', () => {
    const options = {
      schedule: daily,
      target,
      now: at('2026-05-05T06:00:00Z'),
      lookback: { from: at('2026-05-04T00:00:00Z') },
    };
    expect(summarize(findLatePartitions({ ...options, outcomes: [] }))).toEqual(
      [
        expect.objectContaining({
          partition: '2026-05-04T00:00:00.000Z',
          lateSince: '2026-05-05T06:00:00.000Z',
          currentlyLate: true,
        }),
      ],
    );
    expect(
      findLatePartitions({
        ...options,
        outcomes: [
          dailyOutcome('2026-05-04', 'succeeded', '2026-05-05T06:00:00Z'),
        ],
      }),
    ).toEqual([]);
  });

  it('counts a success without a time as on time', () => {
    expect(
      findLatePartitions({
        schedule: daily,
        target,
        now: at('2026-05-06T00:00:00Z'),
        lookback: { from: at('2026-05-04T00:00:00Z') },
        outcomes: [dailyOutcome('2026-05-04', 'succeeded')],
      }),
    ).toEqual([]);
  });

  it('ignores a success after now, and takes the earliest of several runs', () => {
    const late = findLatePartitions({
      schedule: daily,
      target,
      now: at('2026-05-06T12:00:00Z'),
      lookback: { from: at('2026-05-04T00:00:00Z') },
      outcomes: [
        dailyOutcome('2026-05-04', 'succeeded', '2026-05-07T00:00:00Z'),
        dailyOutcome('2026-05-05', 'failed'),
        dailyOutcome('2026-05-05', 'succeeded', '2026-05-06T09:00:00Z'),
        dailyOutcome('2026-05-05', 'succeeded', '2026-05-06T08:00:00Z'),
      ],
    });
    expect(summarize(late)).toEqual([
      expect.objectContaining({
        partition: '2026-05-04T00:00:00.000Z',
        recoveredAt: undefined,
        currentlyLate: true,
      }),
      expect.objectContaining({
        partition: '2026-05-05T00:00:00.000Z',
        recoveredAt: '2026-05-06T08:00:00.000Z',
        currentlyLate: false,
      }),
    ]);
  });

  it('counts skipped, aborted and unknown runs as not succeeded', () => {
    const late = findLatePartitions({
      schedule: daily,
      target,
      now: at('2026-05-10T00:00:00Z'),
      lookback: { from: at('2026-05-01T00:00:00Z') },
      outcomes: [
        dailyOutcome('2026-05-01', 'skipped'),
        dailyOutcome('2026-05-02', 'aborted'),
        dailyOutcome('2026-05-03', 'unknown'),
        dailyOutcome('2026-05-04', undefined),
      ],
    });
    expect(late.slice(0, 4).map(l => l.partition.toISOString())).toEqual([
      '2026-05-01T00:00:00.000Z',
      '2026-05-02T00:00:00.000Z',
      '2026-05-03T00:00:00.000Z',
      '2026-05-04T00:00:00.000Z',
    ]);
    // 2026-05-01 to 2026-05-08 are all due by now and none succeeded.
    expect(late).toHaveLength(8);
  });

  it('works on hourly partitions with a duration target', () => {
    const late = findLatePartitions({
      schedule: hourly,
      target: parseFreshnessTarget('PT2H'),
      now: at('2026-05-10T13:30:00Z'),
      lookback: { from: at('2026-05-10T10:00:00Z') },
      outcomes: [
        {
          partition: at('2026-05-10T11:00:00Z'),
          partitionEnd: at('2026-05-10T12:00:00Z'),
          state: 'failed',
        },
      ],
    });
    // 10:00 was due at 13:00; 11:00 is due at 14:00.
    expect(summarize(late)).toEqual([
      {
        partition: '2026-05-10T10:00:00.000Z',
        deadline: '2026-05-10T13:00:00.000Z',
        lateSince: '2026-05-10T13:00:00.000Z',
        recoveredAt: undefined,
        currentlyLate: true,
      },
    ]);
  });

  it('works on hourly partitions with a calendar target in a time zone', () => {
    // All hourly partitions of 11 May in Stockholm (22:00 UTC on the 10th to
    // 22:00 UTC on the 11th) are due 06:00 CEST on the 12th.
    const late = findLatePartitions({
      schedule: hourly,
      target: parseFreshnessTarget('D+1 06:00 Europe/Stockholm'),
      now: at('2026-05-12T04:00:00Z'),
      lookback: { from: at('2026-05-10T21:00:00Z') },
      outcomes: [],
    });
    expect(late.map(l => l.partition.toISOString())[0]).toBe(
      '2026-05-10T21:00:00.000Z',
    );
    expect(late).toHaveLength(25);
    expect(new Set(late.map(l => l.deadline.toISOString()))).toEqual(
      new Set(['2026-05-11T04:00:00.000Z', '2026-05-12T04:00:00.000Z']),
    );
  });

  it('follows the zone across DST, where UTC would not be late yet', () => {
    const options = {
      schedule: daily,
      now: at('2026-03-29T04:30:00Z'),
      lookback: { from: at('2026-03-28T00:00:00Z') },
      outcomes: [dailyOutcome('2026-03-28', 'running')],
    };
    expect(
      summarize(
        findLatePartitions({
          ...options,
          target: parseFreshnessTarget('D+1 06:00 Europe/Stockholm'),
        }),
      ),
    ).toEqual([
      expect.objectContaining({
        partition: '2026-03-28T00:00:00.000Z',
        lateSince: '2026-03-29T04:00:00.000Z',
        currentlyLate: true,
      }),
    ]);
    expect(findLatePartitions({ ...options, target })).toEqual([]);
  });

  it('refuses a lookback with too many partitions', () => {
    expect(() =>
      findLatePartitions({
        schedule: hourly,
        target,
        now: at('2026-05-10T00:00:00Z'),
        lookback: { from: at('2024-01-01T00:00:00Z') },
        outcomes: [],
      }),
    ).toThrow(InputError);
  });
});
