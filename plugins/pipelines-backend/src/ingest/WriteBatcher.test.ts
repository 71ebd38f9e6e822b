import { mockServices } from '@backstage/backend-test-utils';
import { ApplyWritesOptions, PipelinesStore } from '../store/PipelinesStore';
import { emptyStoreWrites, StoreWrites } from '../store/StoreWrites';
import { WriteBatcher } from './WriteBatcher';

function writesFor(id: string): StoreWrites {
  return {
    ...emptyStoreWrites(),
    pipelines: [
      { id, source: 's', namespace: 's', name: id, seenAt: new Date(0) },
    ],
  };
}

function fakeStore(
  options: { failFor?: string; concurrentCommits?: number } = {},
) {
  const committed: string[][] = [];
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  const store = {
    concurrentCommits: options.concurrentCommits ?? 1,
    applyWrites: jest.fn(
      async (writes: StoreWrites, _options?: ApplyWritesOptions) => {
        await gate;
        const ids = writes.pipelines.map(p => p.id);
        if (options.failFor && ids.includes(options.failFor)) {
          throw new Error(`cannot write ${options.failFor}`);
        }
        committed.push(ids);
      },
    ),
    flushDeferredTouches: jest.fn(async () => 0),
  };
  return {
    store: store as unknown as PipelinesStore,
    applyWrites: store.applyWrites,
    flushDeferredTouches: store.flushDeferredTouches,
    committed,
    hold() {
      gate = new Promise(resolve => {
        release = resolve;
      });
    },
    release: () => release(),
  };
}

describe('WriteBatcher', () => {
  it('keeps as many commits in flight as the store runs at once', async () => {
    const fake = fakeStore({ concurrentCommits: 2 });
    const batcher = WriteBatcher.create({
      store: fake.store,
      logger: mockServices.logger.mock(),
    });
    fake.hold();
    const first = batcher.submit(writesFor('a'));
    await new Promise(resolve => setImmediate(resolve));
    const second = batcher.submit(writesFor('b'));
    await new Promise(resolve => setImmediate(resolve));
    const third = batcher.submit(writesFor('c'));
    await new Promise(resolve => setImmediate(resolve));
    // Two groups wait on the database; the third waits for one of them.
    expect(fake.applyWrites).toHaveBeenCalledTimes(2);
    fake.release();
    await Promise.all([first, second, third]);
    expect(fake.committed).toEqual([['a'], ['b'], ['c']]);
  });

  it('lets the store defer touches only for groups of replayable writes', async () => {
    const fake = fakeStore();
    const batcher = WriteBatcher.create({
      store: fake.store,
      logger: mockServices.logger.mock(),
    });

    await batcher.submit(writesFor('a'), { replayable: true });
    // A poll's writes have no raw events to replay them from.
    await Promise.all([
      batcher.submit(writesFor('b'), { replayable: true }),
      batcher.submit(writesFor('c')),
    ]);
    expect(fake.applyWrites.mock.calls.map(call => call[1])).toEqual([
      { deferTouches: true },
      { deferTouches: false },
    ]);

    await batcher.stop();
    expect(fake.flushDeferredTouches).toHaveBeenCalledTimes(1);
  });

  it('writes touches with every commit when the flush interval is 0', async () => {
    const fake = fakeStore();
    const batcher = WriteBatcher.create({
      store: fake.store,
      logger: mockServices.logger.mock(),
      touchFlushIntervalMs: 0,
    });
    await batcher.submit(writesFor('a'), { replayable: true });
    expect(fake.applyWrites.mock.calls[0][1]).toEqual({ deferTouches: false });
  });

  it('commits concurrent submissions in one transaction', async () => {
    const fake = fakeStore();
    const onCommitted = jest.fn();
    const batcher = WriteBatcher.create({
      store: fake.store,
      logger: mockServices.logger.mock(),
      onCommitted,
    });

    await Promise.all(['a', 'b', 'c'].map(id => batcher.submit(writesFor(id))));

    expect(fake.applyWrites).toHaveBeenCalledTimes(1);
    expect(fake.committed).toEqual([['a', 'b', 'c']]);
    expect(onCommitted).toHaveBeenCalledTimes(1);
  });

  it('answers a submission only after its own commit', async () => {
    const fake = fakeStore();
    fake.hold();
    const batcher = WriteBatcher.create({
      store: fake.store,
      logger: mockServices.logger.mock(),
    });
    let answered = false;
    const submitted = batcher.submit(writesFor('a')).then(() => {
      answered = true;
    });
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    expect(fake.committed).toEqual([]);

    fake.release();
    await submitted;
    expect(fake.committed).toEqual([['a']]);
  });

  it('groups what arrives during a commit into the next one', async () => {
    const fake = fakeStore();
    fake.hold();
    const batcher = WriteBatcher.create({
      store: fake.store,
      logger: mockServices.logger.mock(),
    });
    const first = batcher.submit(writesFor('a'));
    await new Promise(resolve => setTimeout(resolve, 5));
    const later = [
      batcher.submit(writesFor('b')),
      batcher.submit(writesFor('c')),
    ];
    fake.release();
    await Promise.all([first, ...later]);
    expect(fake.committed).toEqual([['a'], ['b', 'c']]);
  });

  it('does not fail good writes with a bad neighbour', async () => {
    const fake = fakeStore({ failFor: 'bad' });
    const batcher = WriteBatcher.create({
      store: fake.store,
      logger: mockServices.logger.mock(),
    });
    const results = await Promise.allSettled(
      ['a', 'bad', 'c'].map(id => batcher.submit(writesFor(id))),
    );
    expect(results.map(r => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(fake.committed).toEqual([['a'], ['c']]);
  });
});
