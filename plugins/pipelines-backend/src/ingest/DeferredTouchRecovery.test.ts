import { mockServices } from '@backstage/backend-test-utils';
import { runEvent } from '../__testUtils__/fixtures';
import {
  createStoreTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabases';
import { DatabasePipelinesStore } from '../store/DatabasePipelinesStore';
import { DeferredTouchRecovery } from './DeferredTouchRecovery';
import { mapOpenLineageEvent } from './mapOpenLineageEvent';
import { DbTime, toDate } from '../store/dbTime';

const toIso = (value: DbTime) => toDate(value).toISOString();

jest.setTimeout(60_000);

const { databases, ids } = createStoreTestDatabases();

const runId = '22222222-0000-4000-8000-000000000001';
const started = runEvent({
  eventTime: '2026-11-02T03:00:00Z',
  runId,
  job: 'load',
  inputs: ['raw.orders'],
  outputs: ['mart.orders'],
});
const completed = runEvent({
  eventType: 'COMPLETE',
  eventTime: '2026-11-02T04:00:00Z',
  runId,
  job: 'load',
  inputs: ['raw.orders'],
  outputs: ['mart.orders'],
});
const receivedAt = new Date('2026-11-02T04:00:01Z');

/** Applies the events' writes, deferring touches as the ingest path does. */
async function applyDeferring(
  store: DatabasePipelinesStore,
  ...events: object[]
) {
  for (const event of events) {
    await store.applyWrites(mapOpenLineageEvent(event as any, receivedAt), {
      deferTouches: true,
    });
  }
}

describe.each(ids)('deferred touches on %s', databaseId => {
  async function createStores() {
    const knex = await databases.init(databaseId);
    const create = () =>
      DatabasePipelinesStore.create({ database: databaseServiceFor(knex) });
    return { knex, first: await create(), second: await create() };
  }

  it('holds seen and written times of known rows until a flush, behind a checkpoint', async () => {
    const { knex, first } = await createStores();
    await applyDeferring(first, started);
    // New rows are written at once.
    expect(await first.getDataset('warehouse/mart.orders')).toMatchObject({
      lastSeenAt: '2026-11-02T03:00:00.000Z',
    });
    // Only the pipeline's latest-run refresh is held.
    expect(first.deferredTouchCount).toBe(1);

    await applyDeferring(first, completed);
    // The run is committed at once; the known dataset's times wait.
    expect(await first.getRun(runId)).toMatchObject({ state: 'succeeded' });
    expect(await first.getDataset('warehouse/mart.orders')).toMatchObject({
      lastSeenAt: '2026-11-02T03:00:00.000Z',
    });
    expect(first.deferredTouchCount).toBeGreaterThan(0);
    const [checkpoint] = await knex('ingest_checkpoints').select();
    expect(new Date(checkpoint.pending_since).getTime()).toBe(
      receivedAt.getTime(),
    );

    expect(await first.flushDeferredTouches()).toBeGreaterThan(0);
    expect(await first.getDataset('warehouse/mart.orders')).toMatchObject({
      lastSeenAt: '2026-11-02T04:00:00.000Z',
      lastWrittenAt: '2026-11-02T04:00:00.000Z',
      lastWrittenByRun: runId,
    });
    expect(await knex('ingest_checkpoints').select()).toEqual([]);
    expect(first.deferredTouchCount).toBe(0);
  });

  it("moves a known pipeline's and its edges' seen times at the flush", async () => {
    const { knex, first } = await createStores();
    const seenTimes = async () => ({
      pipelines: (
        await knex('pipelines').select('first_seen_at', 'last_seen_at')
      ).map(row => [toIso(row.first_seen_at), toIso(row.last_seen_at)]),
      edges: (
        await knex('lineage_edges')
          .select('direction', 'first_seen_at', 'last_seen_at')
          .orderBy('direction')
      ).map(row => [
        row.direction,
        toIso(row.first_seen_at),
        toIso(row.last_seen_at),
      ]),
    });
    await applyDeferring(first, started);
    const before = await seenTimes();
    await applyDeferring(first, completed);
    expect(await seenTimes()).toEqual(before);

    await first.flushDeferredTouches();
    const start = '2026-11-02T03:00:00.000Z';
    const end = '2026-11-02T04:00:00.000Z';
    expect(await seenTimes()).toEqual({
      pipelines: [[start, end]],
      edges: [
        ['input', start, end],
        ['output', start, end],
      ],
    });
  });

  it("holds the refresh of a pipeline's latest run until a flush, and refreshes it before its own reads", async () => {
    const { knex, first } = await createStores();
    const storedLatestRun = async () =>
      knex('pipelines').select('latest_run_state').first();
    await applyDeferring(first, started);
    expect(await storedLatestRun()).toEqual({ latest_run_state: null });
    expect(await knex('ingest_checkpoints').select()).toHaveLength(1);

    const [{ id: pipelineId }] = await knex('pipelines').select('id');
    expect(await first.getPipeline(pipelineId)).toMatchObject({
      latestRunState: 'running',
    });
    expect(await storedLatestRun()).toEqual({ latest_run_state: 'running' });

    await applyDeferring(first, completed);
    expect(await storedLatestRun()).toEqual({ latest_run_state: 'running' });
    expect(
      (await first.listPipelines({ offset: 0, limit: 10 })).items.map(p => [
        p.id,
        p.latestRunState,
      ]),
    ).toEqual([[pipelineId, 'succeeded']]);

    await applyDeferring(first, {
      ...completed,
      eventType: 'FAIL',
      eventTime: '2026-11-02T05:00:00Z',
    });
    // A flush refreshes what no read asked for, and clears the checkpoint.
    expect(await first.flushDeferredTouches()).toBeGreaterThan(0);
    expect(await storedLatestRun()).toEqual({ latest_run_state: 'failed' });
    expect(await knex('ingest_checkpoints').select()).toEqual([]);
    expect(first.deferredTouchCount).toBe(0);
  });

  it("writes only a touch's times: another replica's change and the row's change time stay", async () => {
    const { knex, first, second } = await createStores();
    await applyDeferring(first, started);
    const pipelineId = 'tests:load';
    // Another replica learns the pipeline's description.
    await second.upsertPipelines([
      {
        id: pipelineId,
        source: 'tests',
        namespace: 'tests',
        name: 'load',
        description: 'Loads orders',
        seenAt: new Date('2026-11-02T03:00:00Z'),
      },
    ]);
    const changedAt = async () =>
      (await knex('datasets').where({ id: 'warehouse/mart.orders' }).first())
        .updated_at;
    const datasetChangedAt = await changedAt();

    await applyDeferring(first, completed);
    await first.flushDeferredTouches();
    expect(await first.getPipeline(pipelineId)).toMatchObject({
      description: 'Loads orders',
      lastSeenAt: '2026-11-02T04:00:00.000Z',
    });
    expect(await first.getDataset('warehouse/mart.orders')).toMatchObject({
      lastWrittenAt: '2026-11-02T04:00:00.000Z',
    });
    expect(await changedAt()).toEqual(datasetChangedAt);
  });

  it('writes a changed row at once even when deferring', async () => {
    const { first } = await createStores();
    await applyDeferring(first, started);
    const described = {
      ...completed,
      outputs: [
        {
          namespace: 'warehouse',
          name: 'mart.orders',
          facets: {
            documentation: {
              _producer: 'https://example.com/test-producer',
              _schemaURL:
                'https://openlineage.io/spec/facets/1-0-1/DocumentationDatasetFacet.json',
              description: 'Orders, one row each',
            },
          },
        },
      ],
    };
    await applyDeferring(first, described);
    expect(await first.getDataset('warehouse/mart.orders')).toMatchObject({
      description: 'Orders, one row each',
      lastWrittenAt: '2026-11-02T04:00:00.000Z',
    });
  });

  it('replays the raw events of a replica that stopped before flushing', async () => {
    const { knex, first, second } = await createStores();
    await applyDeferring(first, started, completed);
    // `first` stops here, its touches unflushed.
    const recovery = new DeferredTouchRecovery(
      second,
      mockServices.logger.mock(),
      60_000,
    );

    // A checkpoint younger than a minute may belong to a live replica.
    expect(await recovery.run(new Date(receivedAt.getTime() + 30_000))).toBe(0);
    expect(await knex('ingest_checkpoints').select()).toHaveLength(1);

    expect(await recovery.run(new Date(receivedAt.getTime() + 120_000))).toBe(
      2,
    );
    expect(await second.getDataset('warehouse/mart.orders')).toMatchObject({
      lastSeenAt: '2026-11-02T04:00:00.000Z',
      lastWrittenAt: '2026-11-02T04:00:00.000Z',
      lastWrittenByRun: runId,
    });
    expect(await knex('ingest_checkpoints').select()).toEqual([]);
    // The refresh of the latest run that `first` held is replayed too.
    expect(await knex('pipelines').select('latest_run_state')).toEqual([
      { latest_run_state: 'succeeded' },
    ]);
    // Replaying changed nothing else: still one run, two raw events.
    expect(await second.getRun(runId)).toMatchObject({ state: 'succeeded' });
    expect(await second.countRawEvents()).toBe(2);
  });

  it('skips a raw event it cannot read and replays the rest', async () => {
    const { knex, first, second } = await createStores();
    await applyDeferring(first, started, completed);
    await knex('events').insert({
      id: 'f'.repeat(64),
      event_time: receivedAt,
      received_at: receivedAt,
      payload: '{not json',
    });
    const logger = mockServices.logger.mock();
    const recovery = new DeferredTouchRecovery(second, logger, 60_000);

    expect(await recovery.run(new Date(receivedAt.getTime() + 120_000))).toBe(
      3,
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(`Cannot replay raw event ${'f'.repeat(64)}`),
    );
    expect(await second.getDataset('warehouse/mart.orders')).toMatchObject({
      lastWrittenAt: '2026-11-02T04:00:00.000Z',
    });
    expect(await knex('ingest_checkpoints').select()).toEqual([]);
  });

  it('leaves a checkpoint that its replica moved meanwhile', async () => {
    const { knex, first, second } = await createStores();
    await applyDeferring(first, started, completed);
    const [stale] = await second.listStaleTouchCheckpoints(
      new Date(receivedAt.getTime() + 120_000),
    );
    await first.flushDeferredTouches();
    await first.applyWrites(
      mapOpenLineageEvent(
        { ...completed, eventTime: '2026-11-02T05:00:00Z' } as any,
        new Date(receivedAt.getTime() + 5_000),
      ),
      { deferTouches: true },
    );
    expect(await second.clearTouchCheckpoint(stale)).toBe(false);
    expect(await knex('ingest_checkpoints').select()).toHaveLength(1);
  });
});
