import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
// The integration test runs the real pipelines backend plugin (a dev
// dependency) to read the export from.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pipelinesPlugin from '@tributary/plugin-pipelines-backend';
import { datasetEntityRef } from './entities';
import { datasetEntityName, pipelineEntityName } from './entityNames';
import { catalogModulePipelines, readEntityDefaults } from './module';

jest.setTimeout(60_000);

const producer = 'https://example.com/tributary-tests';

/** A COMPLETE run of `tests:orders.daily`, code in the orders repository. */
const runEvent = {
  eventType: 'COMPLETE',
  eventTime: '2026-11-02T03:00:00Z',
  producer,
  schemaURL:
    'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  run: { runId: '0195f3a4-7b5c-7d8e-9f00-000000000001' },
  job: {
    namespace: 'tests',
    name: 'orders.daily',
    facets: {
      sourceCodeLocation: {
        _producer: producer,
        _schemaURL:
          'https://openlineage.io/spec/facets/1-0-0/SourceCodeLocationJobFacet.json',
        type: 'git',
        url: 'https://github.com/org/orders/blob/main/dags/daily.py',
      },
    },
  },
  inputs: [{ namespace: 'warehouse', name: 'orders' }],
  outputs: [{ namespace: 'warehouse', name: 'daily_sales' }],
};

const pipelineName = pipelineEntityName({
  id: 'tests:orders.daily',
  name: 'orders.daily',
});
const pipelineRef = `component:default/${pipelineName}`;
const dailySalesRef = datasetEntityRef('warehouse/daily_sales');
const ordersRef = datasetEntityRef('warehouse/orders');

/**
 * The catalog plugin's scheduler. The test backend's scheduler runs tasks once
 * at start-up and never again, so the test triggers the refresh itself.
 */
let catalogScheduler: SchedulerService | undefined;
const catalogSchedulerProbe = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-scheduler-probe',
  register(reg) {
    reg.registerInit({
      deps: { scheduler: coreServices.scheduler },
      async init({ scheduler }) {
        catalogScheduler = scheduler;
      },
    });
  },
});

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await catalogScheduler?.triggerTask('tributary-pipelines:refresh');
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting');
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

function relationsOf(entity: Entity): string[] {
  return (entity.relations ?? [])
    .map(relation => `${relation.type} ${relation.targetRef}`)
    .sort();
}

describe('readEntityDefaults', () => {
  it('falls back to an unowned group and production', () => {
    expect(readEntityDefaults(undefined)).toEqual({
      owner: 'group:default/unowned',
      lifecycle: 'production',
      system: undefined,
    });
    expect(
      readEntityDefaults(
        mockServices.rootConfig({
          data: {
            defaults: {
              owner: 'group:default/data-platform',
              lifecycle: 'experimental',
              system: 'warehouse',
            },
          },
        }),
      ),
    ).toEqual({
      owner: 'group:default/data-platform',
      lifecycle: 'experimental',
      system: 'warehouse',
    });
  });
});

describe('catalogModulePipelines', () => {
  const mockDir = createMockDirectory();

  it('puts pipelines, datasets and their links to services into the catalog', async () => {
    mockDir.setContent({
      'catalog-info.yaml': `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-service
  annotations:
    backstage.io/source-location: url:https://github.com/org/orders/tree/main/
spec:
  type: service
  lifecycle: production
  owner: group:default/orders
  consumesApis: [${dailySalesRef}]
`,
    });
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModulePipelines,
        catalogSchedulerProbe,
        pipelinesPlugin,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                {
                  allow: [
                    'Component',
                    'API',
                    'Location',
                    'Group',
                    'User',
                    'System',
                  ],
                },
              ],
              locations: [
                { type: 'file', target: mockDir.resolve('catalog-info.yaml') },
              ],
              providers: {
                tributaryPipelines: {
                  defaults: { owner: 'group:default/data-platform' },
                  schedule: {
                    frequency: { seconds: 1 },
                    timeout: { seconds: 30 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    const baseUrl = `http://localhost:${backend.server.port()}/api`;

    try {
      const posted = await fetch(`${baseUrl}/pipelines/v1/lineage`, {
        method: 'POST',
        headers: {
          Authorization: mockCredentials.service.header(),
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(runEvent),
      });
      expect(posted.status).toBe(201);

      const getEntity = async (
        ref: string,
        expectedRelations: string[],
      ): Promise<Entity | undefined> => {
        const [kind, rest] = ref.split(':');
        const response = await fetch(
          `${baseUrl}/catalog/entities/by-name/${kind}/${rest}`,
          { headers: { Authorization: mockCredentials.user.header() } },
        );
        if (response.status !== 200) return undefined;
        const entity: Entity = await response.json();
        const relations = relationsOf(entity);
        return expectedRelations.every(r => relations.includes(r))
          ? entity
          : undefined;
      };

      const pipeline = await waitFor(() =>
        getEntity(pipelineRef, [
          `providesApi ${dailySalesRef}`,
          `consumesApi ${ordersRef}`,
          'partOf component:default/orders-service',
        ]),
      );
      expect(pipeline.metadata).toMatchObject({
        title: 'orders.daily',
        annotations: {
          'tributary.dev/pipeline-id': 'tests:orders.daily',
          'backstage.io/source-location':
            'url:https://github.com/org/orders/blob/main/dags/daily.py',
        },
      });
      expect(pipeline.spec).toMatchObject({
        type: 'data-pipeline',
        owner: 'group:default/data-platform',
        lifecycle: 'production',
        subcomponentOf: 'component:default/orders-service',
      });

      const dailySales = await waitFor(() =>
        getEntity(dailySalesRef, [
          `apiProvidedBy ${pipelineRef}`,
          'apiConsumedBy component:default/orders-service',
        ]),
      );
      expect(dailySales.metadata).toMatchObject({
        name: datasetEntityName('warehouse/daily_sales'),
        title: 'daily_sales',
        annotations: { 'tributary.dev/dataset-id': 'warehouse/daily_sales' },
      });
      expect(dailySales.spec).toMatchObject({ type: 'dataset' });

      await waitFor(() =>
        getEntity(ordersRef, [`apiConsumedBy ${pipelineRef}`]),
      );
      await waitFor(() =>
        getEntity('component:default/orders-service', [
          `hasPart ${pipelineRef}`,
          `consumesApi ${dailySalesRef}`,
        ]),
      );
    } finally {
      await backend.stop();
    }
  });
});
