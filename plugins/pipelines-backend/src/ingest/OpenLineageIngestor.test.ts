import { mockServices } from '@backstage/backend-test-utils';
import { runEvent } from '../__testUtils__/fixtures';
import { PipelinesStore } from '../store/PipelinesStore';
import { StoreWrites } from '../store/StoreWrites';
import { OpenLineageIngestor } from './OpenLineageIngestor';
import { OpenLineageValidator } from './OpenLineageValidator';
import { WriteBatcher } from './WriteBatcher';

const validator = OpenLineageValidator.create();

/** A store whose commits take a while, and whose `failing`th commit fails. */
function slowStore(options: { failing?: number } = {}) {
  const commits: Array<{ events: number; settledAt?: number }> = [];
  let clock = 0;
  const store = {
    concurrentCommits: 2,
    applyWrites: async (writes: StoreWrites) => {
      const commit: { events: number; settledAt?: number } = {
        events: writes.rawEvents.length,
      };
      commits.push(commit);
      const failing = commits.length === options.failing;
      await new Promise(resolve => setTimeout(resolve, 20));
      commit.settledAt = ++clock;
      if (failing) {
        throw new Error('the database went away');
      }
    },
    flushDeferredTouches: async () => 0,
  };
  return { store: store as unknown as PipelinesStore, commits };
}

function ingestorOver(store: PipelinesStore) {
  const logger = mockServices.logger.mock();
  return OpenLineageIngestor.create({
    validator,
    batcher: WriteBatcher.create({ store, logger, touchFlushIntervalMs: 0 }),
    logger,
    maxEventBytes: 1024 * 1024,
  });
}

const events = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    runEvent({
      eventTime: `2026-11-02T01:${String(i % 60).padStart(2, '0')}:00Z`,
    }),
  );

describe('OpenLineageIngestor', () => {
  it('commits a large batch in parts, and answers once every part is committed', async () => {
    const { store, commits } = slowStore();
    const results = await ingestorOver(store).ingest([
      ...events(60),
      { eventType: 'START' },
      ...events(59),
    ]);
    expect(results).toHaveLength(120);
    expect(results[60]).toMatchObject({ index: 60, statusCode: 400 });
    expect(results.filter(r => r.statusCode === 201)).toHaveLength(119);
    expect(commits.map(c => c.events)).toEqual([50, 49, 20]);
    expect(commits.every(c => c.settledAt !== undefined)).toBe(true);
  });

  it('fails the request when a part fails, after every other part settled', async () => {
    const { store, commits } = slowStore({ failing: 1 });
    await expect(ingestorOver(store).ingest(events(120))).rejects.toThrow(
      'the database went away',
    );
    expect(commits.map(c => c.events)).toEqual([50, 50, 20]);
    expect(commits.every(c => c.settledAt !== undefined)).toBe(true);
  });
});
