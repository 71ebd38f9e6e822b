import { mockServices } from '@backstage/backend-test-utils';
import { runEvent } from '../__testUtils__/fixtures';
import {
  createStoreTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabases';
import { mapOpenLineageEvent } from '../ingest/mapOpenLineageEvent';
import { DatabasePipelinesStore } from '../store/DatabasePipelinesStore';
import { LineageService } from './LineageService';

jest.setTimeout(60_000);

const { databases, ids } = createStoreTestDatabases();

describe.each(ids)('lineage node summaries on %s', databaseId => {
  async function replica(knex: Awaited<ReturnType<typeof databases.init>>) {
    const store = await DatabasePipelinesStore.create({
      database: databaseServiceFor(knex),
    });
    const lineage = LineageService.create({
      store,
      logger: mockServices.logger.mock(),
    });
    const write = async (event: object) => {
      const writes = mapOpenLineageEvent(event as any, new Date());
      await store.applyWrites(writes);
      lineage.addCommittedWrites(writes);
    };
    const stateOf = async (pipelineId: string) => {
      const answer = await lineage.query({
        node: `pipeline:${pipelineId}`,
        direction: 'both',
        depth: 1,
        limit: 10,
      });
      return answer.nodes.find(node => node.id === pipelineId)?.latestRunState;
    };
    return { store, lineage, write, stateOf };
  }

  it('shows this replica its own commits at once, and others after a refresh', async () => {
    const knex = await databases.init(databaseId);
    const first = await replica(knex);
    const second = await replica(knex);
    const runId = '22222222-0000-4000-8000-000000000001';
    await first.write(
      runEvent({
        eventType: 'START',
        eventTime: '2026-11-02T03:00:00Z',
        runId,
        job: 'load',
        outputs: ['mart.sales'],
      }),
    );
    expect(await first.stateOf('tests:load')).toBe('running');
    expect(await second.stateOf('tests:load')).toBe('running');

    await first.write(
      runEvent({
        eventType: 'FAIL',
        eventTime: '2026-11-02T03:05:00Z',
        runId,
        job: 'load',
        outputs: ['mart.sales'],
      }),
    );
    expect(await first.stateOf('tests:load')).toBe('failed');
    // The other replica answers from memory until its periodic refresh.
    expect(await second.stateOf('tests:load')).toBe('running');
    await second.lineage.refresh();
    expect(await second.stateOf('tests:load')).toBe('failed');
  });
});
