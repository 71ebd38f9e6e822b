import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { eventsServiceRef, EventsService } from '@backstage/plugin-events-node';
// The real backend plugin (a dev dependency) ingests what the feed sends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pipelinesPlugin from '@tributary/plugin-pipelines-backend';
import { Knex } from 'knex';
import request from 'supertest';
import { DemoFeed } from './DemoFeed';
import { demoRuns } from './platform/demoEvents';
import {
  createDemoPlatform,
  demoDatasetId,
  demoPipelineId,
} from './platform/demoPlatform';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const platform = createDemoPlatform(42);
const NOW = new Date('2026-11-28T10:30:00Z');
const HISTORY_DAYS = 2;

async function countRows(knex: Knex) {
  const counts: Record<string, number> = {};
  for (const table of [
    'pipelines',
    'runs',
    'datasets',
    'lineage_edges',
    'events',
    'quality_results',
    'column_lineage',
  ]) {
    const [{ count }] = await knex(table).count({ count: '*' });
    counts[table] = Number(count);
  }
  return counts;
}

describe('DemoFeed through the real OpenLineage ingest', () => {
  it('generates the demo idempotently: a second run changes no count', async () => {
    const knex = await databases.init('SQLITE_3');
    let events: EventsService | undefined;
    const { server } = await startTestBackend({
      features: [
        pipelinesPlugin,
        createBackendModule({
          pluginId: 'pipelines',
          moduleId: 'test-events',
          register(reg) {
            reg.registerInit({
              deps: { eventsService: eventsServiceRef },
              async init({ eventsService }) {
                events = eventsService;
              },
            });
          },
        }),
        mockServices.database.factory({ knex }),
      ],
    });
    const feed = () =>
      new DemoFeed({
        platform,
        events: events!,
        logger: mockServices.logger.mock(),
        seed: 42,
        historyDays: HISTORY_DAYS,
        clock: () => NOW,
      });

    const sent = await feed().publishDue();
    const first = await countRows(knex);
    expect(sent).toBe(first.events);

    const expectedRuns = platform.pipelines
      .filter(p => p.style !== 'simulated')
      .reduce(
        (sum, p) =>
          sum +
          demoRuns(p, { seed: 42, now: NOW, historyDays: HISTORY_DAYS }).length,
        0,
      );
    const datasets = new Set(
      platform.pipelines.flatMap(p =>
        [...p.inputs, ...p.outputs].map(demoDatasetId),
      ),
    );
    expect(first).toMatchObject({
      pipelines: platform.pipelines.length,
      runs: expectedRuns,
      datasets: datasets.size,
    });
    expect(first.quality_results).toBeGreaterThan(0);
    expect(first.column_lineage).toBeGreaterThan(0);

    expect(await feed().publishDue()).toBe(sent);
    expect(await countRows(knex)).toEqual(first);

    // A Luigi extract's lineage reaches an Airflow report.
    const luigi = platform.pipelines.find(
      p => p.style === 'luigi' && p.name.includes('Dump'),
    )!;
    const lineage = await request(server)
      .get('/api/pipelines/v1/lineage')
      .query({
        node: `pipeline:${demoPipelineId(luigi)}`,
        direction: 'downstream',
        depth: 4,
        limit: 100,
      })
      .set('Authorization', mockCredentials.service.header());
    expect(lineage.status).toBe(200);
    const reached = lineage.body.nodes.map((node: any) => node.id);
    expect(
      reached.filter((id: string) => id.startsWith('flyte://')).length,
    ).toBeGreaterThan(0);
    expect(
      reached.filter((id: string) => id.startsWith('airflow://')).length,
    ).toBeGreaterThan(0);
  });
});
