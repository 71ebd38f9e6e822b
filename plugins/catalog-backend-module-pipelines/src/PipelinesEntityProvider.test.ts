import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CatalogDataset,
  CatalogExportPage,
  CatalogPipeline,
} from '@tributary/plugin-pipelines-common';
import { datasetEntityRef } from './entities';
import { datasetEntityName, pipelineEntityName } from './entityNames';
import {
  CatalogExportQuery,
  PipelinesCatalogSource,
} from './PipelinesCatalogClient';
import { PipelinesEntityProvider } from './PipelinesEntityProvider';

/** The export endpoints in memory, with a clock the test moves. */
class FakeCatalogSource implements PipelinesCatalogSource {
  now = new Date('2026-11-02T10:00:00Z');
  readonly queries: Array<{ what: string } & CatalogExportQuery> = [];
  private readonly pipelines = new Map<
    string,
    { item: CatalogPipeline; changedAt: Date }
  >();
  private readonly datasets = new Map<
    string,
    { item: CatalogDataset; changedAt: Date }
  >();

  setPipeline(item: CatalogPipeline) {
    this.pipelines.set(item.id, { item, changedAt: this.now });
  }

  setDataset(item: CatalogDataset) {
    this.datasets.set(item.id, { item, changedAt: this.now });
  }

  deleteDataset(id: string) {
    this.datasets.delete(id);
  }

  advance(minutes: number) {
    this.now = new Date(this.now.getTime() + minutes * 60_000);
  }

  async listPipelines(query: CatalogExportQuery) {
    this.queries.push({ what: 'pipelines', ...query });
    return this.page(this.pipelines, query);
  }

  async listDatasets(query: CatalogExportQuery) {
    this.queries.push({ what: 'datasets', ...query });
    return this.page(this.datasets, query);
  }

  private page<T extends { id: string }>(
    rows: Map<string, { item: T; changedAt: Date }>,
    { limit = 1000, after, changedSince }: CatalogExportQuery,
  ): CatalogExportPage<T> {
    const matching = [...rows.values()]
      .filter(row => !changedSince || row.changedAt >= new Date(changedSince))
      .map(row => row.item)
      .filter(item => !after || item.id > after)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const items = matching.slice(0, limit);
    return {
      items,
      ...(matching.length > limit && {
        nextCursor: items[items.length - 1].id,
      }),
      readAt: this.now.toISOString(),
    };
  }
}

class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  async applyMutation(mutation: EntityProviderMutation) {
    this.mutations.push(mutation);
  }
  async refresh() {}
}

function pipeline(
  name: string,
  inputs: string[],
  outputs: string[],
  extra: Partial<CatalogPipeline> = {},
): CatalogPipeline {
  return {
    id: `airflow:prod:${name}`,
    source: 'airflow:prod',
    namespace: 'airflow:prod',
    name,
    inputs,
    outputs,
    ...extra,
  };
}

function dataset(id: string): CatalogDataset {
  const [namespace, name] = id.split('/');
  return { id, namespace, name };
}

/** The deferred entities of a mutation of the expected type. */
function deferredOf(
  mutation: EntityProviderMutation,
  type: EntityProviderMutation['type'],
): DeferredEntity[] {
  if (mutation.type !== type) {
    throw new Error(`Expected a ${type} mutation, got ${mutation.type}`);
  }
  return mutation.type === 'full' ? mutation.entities : mutation.added;
}

function entitiesOf(
  mutation: EntityProviderMutation,
  type: EntityProviderMutation['type'],
): Entity[] {
  return deferredOf(mutation, type).map(deferred => deferred.entity);
}

function names(entities: Entity[]): string[] {
  return entities.map(entity => entity.metadata.name).sort();
}

function addedNames(mutation: EntityProviderMutation): string[] {
  return names(entitiesOf(mutation, 'delta'));
}

const serviceComponent: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'sales-service',
    annotations: {
      'backstage.io/source-location':
        'url:https://github.com/org/sales/tree/main/',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:sales' },
};

describe('PipelinesEntityProvider', () => {
  let source: FakeCatalogSource;
  let connection: RecordingConnection;
  let catalogEntities: Entity[];
  const logger = mockServices.logger.mock();

  function createProvider(
    options: { pageSize?: number; catalogFails?: () => boolean } = {},
  ) {
    const catalog = catalogServiceMock.mock({
      streamEntities: (request, requestOptions) => {
        if (options.catalogFails?.()) {
          throw new Error('catalog is starting');
        }
        return catalogServiceMock({
          entities: catalogEntities,
        }).streamEntities(request, requestOptions);
      },
    });
    return PipelinesEntityProvider.create({
      source,
      catalog,
      auth: mockServices.auth(),
      logger,
      defaults: { owner: 'group:default/unowned', lifecycle: 'production' },
      pageSize: options.pageSize,
    });
  }

  async function connected(options: Parameters<typeof createProvider>[0] = {}) {
    const provider = createProvider(options);
    await provider.connect(connection);
    return provider;
  }

  beforeEach(() => {
    source = new FakeCatalogSource();
    connection = new RecordingConnection();
    catalogEntities = [];
    source.setPipeline(pipeline('extract', ['pg/orders'], ['bq/raw_orders']));
    source.setPipeline(
      pipeline('aggregate', ['bq/raw_orders'], ['bq/daily_sales'], {
        sourceUrl: 'https://github.com/org/sales/blob/main/dags/aggregate.py',
      }),
    );
    for (const id of ['pg/orders', 'bq/raw_orders', 'bq/daily_sales']) {
      source.setDataset(dataset(id));
    }
  });

  it('is named tributary-pipelines', () => {
    expect(createProvider().getProviderName()).toBe('tributary-pipelines');
  });

  it('refuses to refresh before the catalog connects', async () => {
    await expect(createProvider().refresh()).rejects.toThrow(/not connected/);
  });

  it('emits everything in a full mutation first', async () => {
    const provider = await connected();
    await provider.refresh();

    expect(connection.mutations).toHaveLength(1);
    const deferred = deferredOf(connection.mutations[0], 'full');
    expect(deferred.every(e => e.locationKey === 'tributary-pipelines')).toBe(
      true,
    );
    expect(names(deferred.map(e => e.entity))).toEqual(
      [
        pipelineEntityName({ id: 'airflow:prod:extract', name: 'extract' }),
        pipelineEntityName({ id: 'airflow:prod:aggregate', name: 'aggregate' }),
        datasetEntityName('pg/orders'),
        datasetEntityName('bq/raw_orders'),
        datasetEntityName('bq/daily_sales'),
      ].sort(),
    );
    expect(source.queries).toEqual([
      { what: 'pipelines', limit: undefined, after: undefined },
      { what: 'datasets', limit: undefined, after: undefined },
    ]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/^Emitted 2 pipelines and 3 datasets/),
    );
  });

  it('makes a full mutation again once an hour has passed since the last, so entities whose rows went away leave', async () => {
    const provider = await connected();
    await provider.refresh();
    // Merged into the dataset it is an alias of: the row goes away.
    source.deleteDataset('bq/daily_sales');

    source.advance(30);
    await provider.refresh();
    source.advance(31);
    await provider.refresh();
    // Deltas only add: nothing changed, nothing applied.
    expect(connection.mutations.map(m => m.type)).toEqual(['full']);

    source.advance(1);
    await provider.refresh();

    expect(connection.mutations.map(m => m.type)).toEqual(['full', 'full']);
    expect(names(entitiesOf(connection.mutations[1], 'full'))).toEqual(
      [
        pipelineEntityName({ id: 'airflow:prod:extract', name: 'extract' }),
        pipelineEntityName({ id: 'airflow:prod:aggregate', name: 'aggregate' }),
        datasetEntityName('pg/orders'),
        datasetEntityName('bq/raw_orders'),
      ].sort(),
    );
  });

  it('pages through the export', async () => {
    const provider = await connected({ pageSize: 2 });
    await provider.refresh();

    expect(entitiesOf(connection.mutations[0], 'full')).toHaveLength(5);
    expect(source.queries).toEqual([
      { what: 'pipelines', limit: 2, after: undefined },
      { what: 'datasets', limit: 2, after: undefined },
      { what: 'datasets', limit: 2, after: 'bq/raw_orders' },
    ]);
  });

  it('emits exactly the changed pipeline and its new dataset in a delta', async () => {
    const provider = await connected();
    await provider.refresh();
    const firstReadAt = source.now;

    source.advance(5);
    source.setPipeline(
      pipeline('extract', ['pg/orders'], ['bq/raw_orders', 'bq/refunds']),
    );
    source.setDataset(dataset('bq/refunds'));
    source.queries.length = 0;
    await provider.refresh();

    expect(source.queries).toEqual([
      {
        what: 'pipelines',
        limit: undefined,
        after: undefined,
        changedSince: new Date(firstReadAt.getTime() - 120_000).toISOString(),
      },
      expect.objectContaining({ what: 'datasets' }),
    ]);
    expect(connection.mutations).toHaveLength(2);
    const delta = connection.mutations[1];
    expect(delta).toMatchObject({ type: 'delta', removed: [] });
    expect(addedNames(delta)).toEqual(
      [
        pipelineEntityName({ id: 'airflow:prod:extract', name: 'extract' }),
        datasetEntityName('bq/refunds'),
      ].sort(),
    );
    const extract = entitiesOf(delta, 'delta').find(
      entity => entity.kind === 'Component',
    );
    expect(extract?.spec?.providesApis).toEqual([
      datasetEntityRef('bq/raw_orders'),
      datasetEntityRef('bq/refunds'),
    ]);
  });

  it('applies nothing when nothing changed, even what the overlap reads again', async () => {
    const provider = await connected();
    await provider.refresh();

    // Within the overlap: the next read returns them all again, unchanged.
    source.advance(1);
    await provider.refresh();
    source.advance(10);
    await provider.refresh();

    expect(connection.mutations).toHaveLength(1);
  });

  it('moves its cursor to each run’s read time', async () => {
    const provider = await connected();
    await provider.refresh();
    source.advance(10);
    await provider.refresh();
    const secondReadAt = source.now;
    source.advance(10);
    source.queries.length = 0;
    await provider.refresh();

    expect(source.queries[0].changedSince).toBe(
      new Date(secondReadAt.getTime() - 120_000).toISOString(),
    );
  });

  it('links a pipeline to the service whose repository holds it', async () => {
    catalogEntities = [serviceComponent];
    const provider = await connected();
    await provider.refresh();

    const components = entitiesOf(connection.mutations[0], 'full').filter(
      entity => entity.kind === 'Component',
    );
    expect(
      components.map(entity => [
        entity.metadata.title,
        entity.spec?.subcomponentOf,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['aggregate', 'component:default/sales-service'],
        ['extract', undefined],
      ]),
    );
  });

  it('re-emits the pipelines a service appearing later matches', async () => {
    const provider = await connected();
    await provider.refresh();

    source.advance(10);
    catalogEntities = [serviceComponent];
    await provider.refresh();

    expect(connection.mutations).toHaveLength(2);
    const delta = connection.mutations[1];
    expect(addedNames(delta)).toEqual([
      pipelineEntityName({ id: 'airflow:prod:aggregate', name: 'aggregate' }),
    ]);
    expect(entitiesOf(delta, 'delta')[0].spec).toMatchObject({
      subcomponentOf: 'component:default/sales-service',
    });

    // And unlinks them when it goes away.
    source.advance(10);
    catalogEntities = [];
    await provider.refresh();
    const unlinked = connection.mutations[2];
    expect(addedNames(unlinked)).toEqual(addedNames(delta));
    expect(entitiesOf(unlinked, 'delta')[0].spec).not.toHaveProperty(
      'subcomponentOf',
    );
  });

  it('does not match its own pipelines as services', async () => {
    const provider = await connected();
    await provider.refresh();
    // The catalog now holds the emitted pipelines, with their source locations.
    catalogEntities = entitiesOf(connection.mutations[0], 'full');

    source.advance(10);
    await provider.refresh();

    expect(connection.mutations).toHaveLength(1);
  });

  it('emits pipelines while the catalog does not answer, and links them once it does', async () => {
    catalogEntities = [serviceComponent];
    let catalogDown = true;
    const provider = await connected({ catalogFails: () => catalogDown });
    await provider.refresh();

    expect(connection.mutations).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Could not read service Components'),
      expect.any(Error),
    );

    catalogDown = false;
    source.advance(10);
    await provider.refresh();
    expect(addedNames(connection.mutations[1])).toEqual([
      pipelineEntityName({ id: 'airflow:prod:aggregate', name: 'aggregate' }),
    ]);
  });

  it('reads the same changes again after a failed mutation', async () => {
    const provider = await connected();
    await provider.refresh();

    source.advance(10);
    source.setPipeline(pipeline('extract', ['pg/orders'], []));
    const failing = jest
      .spyOn(connection, 'applyMutation')
      .mockRejectedValueOnce(new Error('database is locked'));
    await expect(provider.refresh()).rejects.toThrow('database is locked');
    failing.mockRestore();

    source.advance(10);
    await provider.refresh();
    expect(connection.mutations).toHaveLength(2);
    expect(addedNames(connection.mutations[1])).toEqual([
      pipelineEntityName({ id: 'airflow:prod:extract', name: 'extract' }),
    ]);
  });
});
