import {
  DeferredTouches,
  emptyTouchWrites,
  splitTouchWrites,
  TouchWrites,
} from './DeferredTouches';

const at = (time: string) => new Date(`2026-11-02T${time}Z`);

function touches(overrides: Partial<TouchWrites>): TouchWrites {
  return { ...emptyTouchWrites(), ...overrides };
}

describe('DeferredTouches', () => {
  it('keeps one row per key with the earliest and latest times', () => {
    const held = new DeferredTouches();
    const edge = {
      pipelineId: 'p',
      datasetId: 'd',
      direction: 'output' as const,
    };
    held.add(
      touches({ lineageEdges: [{ ...edge, seenAt: at('03:00:00') }] }),
      at('03:00:05'),
    );
    held.add(
      touches({
        lineageEdges: [{ ...edge, seenAt: at('01:00:00') }],
        datasets: [
          {
            id: 'd',
            namespace: 'n',
            name: 'd',
            seenAt: at('02:00:00'),
            writtenAt: at('02:00:00'),
            writtenByRun: 'r1',
          },
        ],
      }),
      at('03:00:01'),
    );
    expect(held.size).toBe(2);
    expect(held.pendingSince).toEqual(at('03:00:01'));

    const taken = held.take();
    expect(taken?.count).toBe(2);
    expect(taken?.since).toEqual(at('03:00:01'));
    expect(taken?.writes.lineageEdges).toEqual([
      { ...edge, seenAt: at('03:00:00'), firstSeenAt: at('01:00:00') },
    ]);
    expect(taken?.writes.datasets[0]).toMatchObject({
      writtenAt: at('02:00:00'),
      writtenByRun: 'r1',
    });
    expect(held.size).toBe(0);
    expect(held.pendingSince).toBeUndefined();
    expect(held.take()).toBeUndefined();
  });

  it('splits writes into parts of one table each', () => {
    const edges = ['a', 'b', 'c'].map(datasetId => ({
      pipelineId: 'p',
      datasetId,
      direction: 'input' as const,
      seenAt: at('01:00:00'),
    }));
    const pipelines = [
      {
        id: 'p',
        source: 's',
        namespace: 'n',
        name: 'p',
        seenAt: at('01:00:00'),
      },
    ];
    const parts = splitTouchWrites(
      touches({ pipelines, lineageEdges: edges }),
      2,
    );
    expect(
      parts.map(part => [part.pipelines.length, part.lineageEdges.length]),
    ).toEqual([
      [1, 0],
      [0, 2],
      [0, 1],
    ]);
  });
});
