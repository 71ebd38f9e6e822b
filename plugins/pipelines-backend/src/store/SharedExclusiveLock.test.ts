import { SharedExclusiveLock } from './SharedExclusiveLock';

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('SharedExclusiveLock', () => {
  it('lets shared holders overlap and keeps an exclusive one apart', async () => {
    const lock = new SharedExclusiveLock();
    const log: string[] = [];
    const first = deferred();
    const second = deferred();

    const a = lock.withShared(async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
    });
    const b = lock.withShared(async () => {
      log.push('b start');
      await second.promise;
      log.push('b end');
    });
    const x = lock.withExclusive(async () => {
      log.push('x');
    });
    // Arrived after the exclusive waiter: waits for it.
    const c = lock.withShared(async () => {
      log.push('c');
    });

    await Promise.resolve();
    expect(log).toEqual(['a start', 'b start']);
    first.resolve();
    await a;
    expect(log).toEqual(['a start', 'b start', 'a end']);
    second.resolve();
    await Promise.all([b, x, c]);
    expect(log).toEqual(['a start', 'b start', 'a end', 'b end', 'x', 'c']);
  });

  it('releases the lock when the holder fails', async () => {
    const lock = new SharedExclusiveLock();
    await expect(
      lock.withExclusive(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(lock.withShared(async () => 'next')).resolves.toBe('next');
  });
});
