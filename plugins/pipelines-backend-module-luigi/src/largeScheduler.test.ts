import { mockServices } from '@backstage/backend-test-utils';
import { decodeCursor } from './cursor';
import { LuigiProvider } from './LuigiProvider';
import { FakeLuigiServer } from './testUtils/FakeLuigiServer';
import { syntheticScheduler } from './testUtils/syntheticScheduler';

// Behaviour at scale only; the timings are measured by `yarn bench`.
describe('a scheduler with 20,000 tasks', () => {
  const state = syntheticScheduler({ families: 50, dates: 400 });
  let fake: FakeLuigiServer;

  beforeAll(async () => {
    fake = await FakeLuigiServer.start();
    fake.lists = state.lists;
    fake.graph = state.graph;
  });

  afterAll(async () => {
    await fake.stop();
  });

  it('is polled whole, then polled again for the changes only', async () => {
    const provider = LuigiProvider.create({
      id: 'big',
      baseUrl: fake.url,
      logger: mockServices.logger.mock(),
    });

    const pipelines = await provider.listPipelines({});
    const first = await provider.listRuns({});
    const edges = await provider.listDependencies({});
    await provider.listPipelines({});
    const second = await provider.listRuns({ cursor: first.cursor });
    await provider.listDependencies({});

    expect(pipelines).toHaveLength(50);
    expect(edges).toHaveLength(40);
    // DONE tasks that never ran would be skipped; every synthetic one ran.
    expect(first.runs).toHaveLength(20_000);
    // Only what changed since the cursor: nothing but the overlap, which is
    // as long as the first poll's requests took (the synthetic tasks change
    // every 10 ms, far denser than a real scheduler's).
    const { since } = decodeCursor(first.cursor)!;
    expect(second.runs.map(r => r.id).sort()).toEqual(
      first.runs
        .filter(r =>
          Object.values(state.lists).some(l => l[r.id]?.last_updated! >= since),
        )
        .map(r => r.id)
        .sort(),
    );
    expect(second.runs.length).toBeLessThan(first.runs.length / 4);
    expect(fake.calls('graph')).toHaveLength(1);
  }, 60_000);
});
