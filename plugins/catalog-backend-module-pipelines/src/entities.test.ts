import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  makeValidator,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import {
  CatalogDataset,
  CatalogPipeline,
} from '@tributary/plugin-pipelines-common';
import {
  datasetDefinition,
  datasetEntityRef,
  datasetToEntity,
  EntityContext,
  pipelineToEntity,
} from './entities';
import { datasetEntityName } from './entityNames';

/** The policies the catalog applies to every entity it ingests. */
const catalogPolicies = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(makeValidator()),
]);

/** Why the catalog would reject the entity, or undefined when it would not. */
async function catalogErrors(entity: Entity): Promise<string | undefined> {
  const validator =
    entity.kind === 'API'
      ? apiEntityV1alpha1Validator
      : componentEntityV1alpha1Validator;
  try {
    await catalogPolicies.enforce(entity);
    return (await validator.check(entity)) ? undefined : 'unknown kind';
  } catch (error) {
    return String(error);
  }
}

const context: EntityContext = {
  providerName: 'tributary-pipelines',
  defaults: { owner: 'group:default/unowned', lifecycle: 'production' },
};

const airflowPipeline: CatalogPipeline = {
  id: 'airflow:prod:daily_sales.load',
  source: 'airflow:prod',
  namespace: 'airflow:prod',
  name: 'daily_sales.load',
  title: 'Daily sales: load',
  description: 'Loads the daily sales into the warehouse.',
  owner: 'group:default/sales-data',
  system: 'system:default/sales',
  sourceUrl: 'https://github.com/org/sales/blob/main/dags/sales.py',
  schedulerUrl: 'https://airflow.example.com/dags/daily_sales/grid',
  inputs: ['postgres://db.host:5432/shop.public.orders'],
  outputs: ['bigquery/project.sales.daily', 'gs://bucket/exports/daily sales'],
};

const bareDataset: CatalogDataset = {
  id: 'gs://bucket/exports/daily sales',
  namespace: 'gs://bucket',
  name: 'exports/daily sales',
  platform: 'gs',
};

describe('pipelineToEntity', () => {
  it('builds a data-pipeline Component with its datasets as APIs', async () => {
    const entity = pipelineToEntity(
      airflowPipeline,
      context,
      'component:default/sales-service',
    );
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: expect.stringMatching(/^daily_sales\.load-[0-9a-f]{16}$/),
        title: 'Daily sales: load',
        description: 'Loads the daily sales into the warehouse.',
        annotations: {
          'backstage.io/managed-by-location':
            'tributary-pipelines:airflow:prod:daily_sales.load',
          'backstage.io/managed-by-origin-location':
            'tributary-pipelines:airflow:prod:daily_sales.load',
          'tributary.dev/pipeline-id': 'airflow:prod:daily_sales.load',
          'backstage.io/source-location':
            'url:https://github.com/org/sales/blob/main/dags/sales.py',
        },
        tags: ['airflow'],
        links: [
          {
            url: 'https://airflow.example.com/dags/daily_sales/grid',
            title: 'Open in Airflow',
          },
        ],
      },
      spec: {
        type: 'data-pipeline',
        lifecycle: 'production',
        owner: 'group:default/sales-data',
        system: 'system:default/sales',
        subcomponentOf: 'component:default/sales-service',
        providesApis: [
          `api:default/${datasetEntityName('bigquery/project.sales.daily')}`,
          `api:default/${datasetEntityName('gs://bucket/exports/daily sales')}`,
        ],
        consumesApis: [
          `api:default/${datasetEntityName(
            'postgres://db.host:5432/shop.public.orders',
          )}`,
        ],
      },
    });
    expect(await catalogErrors(entity)).toBeUndefined();
  });

  it('falls back to the defaults and leaves out what is unknown', async () => {
    const entity = pipelineToEntity(
      {
        id: 'my-namespace:job.name',
        source: 'my-namespace',
        namespace: 'my-namespace',
        name: 'job.name',
        inputs: [],
        outputs: [],
      },
      {
        ...context,
        defaults: { ...context.defaults, system: 'data-platform' },
      },
    );
    expect(entity.metadata).toEqual({
      name: expect.stringMatching(/^job\.name-/),
      title: 'job.name',
      annotations: {
        'backstage.io/managed-by-location':
          'tributary-pipelines:my-namespace:job.name',
        'backstage.io/managed-by-origin-location':
          'tributary-pipelines:my-namespace:job.name',
        'tributary.dev/pipeline-id': 'my-namespace:job.name',
      },
    });
    expect(entity.spec).toEqual({
      type: 'data-pipeline',
      lifecycle: 'production',
      owner: 'group:default/unowned',
      system: 'data-platform',
      providesApis: [],
      consumesApis: [],
    });
    expect(await catalogErrors(entity)).toBeUndefined();
  });

  it('omits the system when neither the pipeline nor the config names one', () => {
    const entity = pipelineToEntity(
      { ...airflowPipeline, system: undefined },
      context,
    );
    expect(entity.spec).not.toHaveProperty('system');
    expect(entity.spec).not.toHaveProperty('subcomponentOf');
  });

  it('links Git remotes as web URLs and drops links that are not URLs', async () => {
    const entity = pipelineToEntity(
      {
        ...airflowPipeline,
        source: 'simulated:demo',
        sourceUrl: 'git@github.com:org/sales.git',
        schedulerUrl: 'not a url',
      },
      context,
    );
    expect(entity.metadata.annotations?.['backstage.io/source-location']).toBe(
      'url:https://github.com/org/sales.git',
    );
    expect(entity.metadata).not.toHaveProperty('links');
    expect(entity.metadata).not.toHaveProperty('tags');
    expect(await catalogErrors(entity)).toBeUndefined();
  });

  it('names a link to an unknown scheduler generically', () => {
    const entity = pipelineToEntity(
      { ...airflowPipeline, source: 'simulated:demo' },
      context,
    );
    expect(entity.metadata.links).toEqual([
      {
        url: airflowPipeline.schedulerUrl,
        title: 'Open in scheduler',
      },
    ]);
  });

  it('lists each dataset once', () => {
    const entity = pipelineToEntity(
      {
        ...airflowPipeline,
        outputs: ['bigquery/a', 'bigquery/a'],
      },
      context,
    );
    expect(entity.spec.providesApis).toEqual([datasetEntityRef('bigquery/a')]);
  });

  it.each([
    ['a 300-character name', 'x'.repeat(300)],
    ['unicode and punctuation', 'Läuft: täglich / 日本 (v2)!'],
    ['only punctuation', '///'],
  ])('builds a valid entity for %s', async (_label, name) => {
    const entity = pipelineToEntity(
      {
        ...airflowPipeline,
        id: `airflow:prod:${name}`,
        name,
        title: undefined,
      },
      context,
    );
    expect(await catalogErrors(entity)).toBeUndefined();
  });

  it('is checked by validators that reject invalid entities', async () => {
    const entity = pipelineToEntity(airflowPipeline, context);
    expect(
      await catalogErrors({
        ...entity,
        metadata: { ...entity.metadata, tags: ['Not Valid'] },
      }),
    ).toContain('tags.0');
    expect(
      await catalogErrors({
        ...entity,
        metadata: { ...entity.metadata, name: 'a/b' },
      }),
    ).toContain('metadata.name');
  });
});

describe('datasetToEntity', () => {
  it('builds a dataset API whose definition is its schema', async () => {
    const entity = datasetToEntity(
      {
        id: 'bigquery/project.sales.daily',
        namespace: 'bigquery',
        name: 'project.sales.daily',
        platform: 'bigquery',
        description: 'Sales per day and store.',
        owner: 'group:default/sales-data',
        schema: [
          { name: 'day', type: 'DATE', description: 'The sales day' },
          { name: 'store_id', type: 'STRING' },
          { name: 'amount', description: 'In euros,\nVAT included' },
        ],
      },
      context,
    );
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: {
        name: datasetEntityName('bigquery/project.sales.daily'),
        title: 'project.sales.daily',
        description: 'Sales per day and store.',
        annotations: {
          'backstage.io/managed-by-location':
            'tributary-pipelines:bigquery/project.sales.daily',
          'backstage.io/managed-by-origin-location':
            'tributary-pipelines:bigquery/project.sales.daily',
          'tributary.dev/dataset-id': 'bigquery/project.sales.daily',
        },
      },
      spec: {
        type: 'dataset',
        lifecycle: 'production',
        owner: 'group:default/sales-data',
        definition: [
          'day: DATE - The sales day',
          'store_id: STRING',
          'amount - In euros, VAT included',
          '',
        ].join('\n'),
      },
    });
    expect(await catalogErrors(entity)).toBeUndefined();
  });

  it('describes a dataset without a schema in one line', async () => {
    const entity = datasetToEntity(bareDataset, {
      ...context,
      defaults: { ...context.defaults, system: 'system:default/lake' },
    });
    expect(entity.spec).toEqual({
      type: 'dataset',
      lifecycle: 'production',
      owner: 'group:default/unowned',
      system: 'system:default/lake',
      definition:
        'Dataset exports/daily sales in gs://bucket (gs), no schema reported yet.',
    });
    expect(entity.metadata.name).toMatch(/^exports-daily-sales-/);
    expect(await catalogErrors(entity)).toBeUndefined();
  });

  it('is what pipelines refer to', () => {
    const entity = datasetToEntity(bareDataset, context);
    const pipeline = pipelineToEntity(airflowPipeline, context);
    expect(pipeline.spec.providesApis).toContain(
      `api:default/${entity.metadata.name}`,
    );
  });
});

describe('datasetDefinition', () => {
  it('leaves out the platform when unknown and treats no columns as no schema', () => {
    expect(
      datasetDefinition({
        id: 'warehouse/orders',
        namespace: 'warehouse',
        name: 'orders',
        schema: [],
      }),
    ).toBe('Dataset orders in warehouse, no schema reported yet.');
  });
});
