import { examplePipeline } from '../../__testUtils__/fakePipelinesApi';
import { attentionRank, mergeById, sortByAttention } from './attention';

const LATE = {
  since: '2026-11-30T06:00:00.000Z',
  partitionCount: 1,
  oldestPartition: '2026-11-29T00:00:00.000Z',
};

describe('attentionRank', () => {
  it('puts failing first, then late, then the rest, healthy last', () => {
    const failingAndLate = examplePipeline('A', {
      latestRunState: 'failed',
      late: LATE,
    });
    const late = examplePipeline('B', {
      latestRunState: 'succeeded',
      late: LATE,
    });
    const running = examplePipeline('C', { latestRunState: 'running' });
    const stale = examplePipeline('D', {
      latestRunState: 'succeeded',
      stale: {},
    });
    const healthy = examplePipeline('E', { latestRunState: 'succeeded' });
    expect(
      [failingAndLate, late, running, stale, healthy].map(attentionRank),
    ).toEqual([0, 1, 2, 2, 3]);
  });
});

describe('sortByAttention', () => {
  it('orders by rank, then by title or name', () => {
    const sorted = sortByAttention([
      examplePipeline('zeta', { latestRunState: 'succeeded' }),
      examplePipeline('beta', { latestRunState: 'succeeded', late: LATE }),
      examplePipeline('alpha', { latestRunState: 'succeeded', late: LATE }),
      examplePipeline('omega', { latestRunState: 'failed' }),
    ]);
    expect(sorted.map(p => p.name)).toEqual(['omega', 'alpha', 'beta', 'zeta']);
  });
});

describe('mergeById', () => {
  it('keeps each pipeline once, in the order first seen', () => {
    const a = examplePipeline('a');
    const b = examplePipeline('b');
    const c = examplePipeline('c');
    expect(mergeById([b], [a, b], [c, a]).map(p => p.name)).toEqual([
      'b',
      'a',
      'c',
    ]);
  });
});
