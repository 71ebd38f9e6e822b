import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AirflowProvider } from './AirflowProvider';
import { OwnerRules } from './OwnerRules';
import { FakeAirflow, startFakeAirflow } from './__testUtils__/fakeAirflow';

function config(airflow: object[]) {
  return new ConfigReader({
    pipelines: { providers: { airflow } },
  } as ConstructorParameters<typeof ConfigReader>[0]);
}

describe('AirflowProvider.fromConfig', () => {
  let airflow: FakeAirflow;

  beforeEach(async () => {
    airflow = await startFakeAirflow();
  });

  afterEach(async () => {
    await airflow.close();
  });

  const logger = mockServices.logger.mock();

  it('creates one provider per instance', async () => {
    const providers = AirflowProvider.fromConfig(
      config([
        {
          id: 'central',
          title: 'Central Airflow',
          baseUrl: airflow.url,
          webUrl: 'https://airflow.example.com/',
          schedule: { frequency: { minutes: 2 }, timeout: { minutes: 1 } },
          timeout: '10s',
          auth: { username: 'backstage', password: 's3cr3t' },
          owner: 'group:default/data-platform',
          owners: {
            'legacy_*': 'group:default/crm',
            '*_export': 'group:default/never-reached',
          },
        },
        {
          id: 'marketing',
          baseUrl: airflow.url,
          timeout: 5000,
          auth: { token: 'static-token' },
          cursorOverlap: { minutes: 5 },
          errorLookback: 'P1D',
          backfill: { reprocessBehavior: 'failed' },
        },
      ]),
      { logger },
    );

    expect(providers.map(p => [p.id, p.title])).toEqual([
      ['airflow:central', 'Central Airflow'],
      ['airflow:marketing', 'Airflow marketing'],
    ]);
    expect(providers[0].schedule).toEqual({
      frequency: { minutes: 2 },
      timeout: { minutes: 1 },
    });
    expect(providers[1].schedule).toBeUndefined();

    const pipelines = await providers[0].listPipelines({});
    expect(pipelines.map(p => [p.name, p.owners, p.url])).toEqual([
      [
        'daily_sales_etl',
        ['data-eng'],
        'https://airflow.example.com/dags/daily_sales_etl',
      ],
      [
        'hourly_inventory_sync',
        ['inventory-team', 'platform'],
        'https://airflow.example.com/dags/hourly_inventory_sync',
      ],
      // owner "airflow" is Airflow's default: the first matching pattern wins
      [
        'legacy_customer_export',
        ['group:default/crm'],
        'https://airflow.example.com/dags/legacy_customer_export',
      ],
    ]);

    airflow.validTokens.add('static-token');
    await providers[1].listPipelines({});
    expect(airflow.apiRequests().at(-1)?.headers.authorization).toBe(
      'Bearer static-token',
    );
  });

  it('creates nothing without instances', () => {
    expect(
      AirflowProvider.fromConfig(new ConfigReader({}), { logger }),
    ).toEqual([]);
  });

  it('refuses duplicate ids, bad URLs and half credentials', () => {
    expect(() =>
      AirflowProvider.fromConfig(
        config([
          { id: 'a', baseUrl: airflow.url },
          { id: 'a', baseUrl: airflow.url },
        ]),
        { logger },
      ),
    ).toThrow("pipelines.providers.airflow has two instances with the id 'a'");
    expect(() =>
      AirflowProvider.fromConfig(
        config([{ id: 'a', baseUrl: 'airflow:8080' }]),
        {
          logger,
        },
      ),
    ).toThrow(/baseUrl must be an http\(s\) URL/);
    expect(() =>
      AirflowProvider.fromConfig(
        config([{ id: 'a', baseUrl: airflow.url, auth: { username: 'x' } }]),
        { logger },
      ),
    ).toThrow(/auth needs both username and password/);
    expect(() =>
      AirflowProvider.fromConfig(
        config([
          {
            id: 'a',
            baseUrl: airflow.url,
            backfill: { reprocessBehavior: 'all' },
          },
        ]),
        { logger },
      ),
    ).toThrow(/reprocessBehavior must be one of none, failed, completed/);
  });
});

describe('OwnerRules', () => {
  it('matches globs against whole DAG ids', () => {
    const rules = OwnerRules.create({
      owners: { 'Extract*': 'team-a', 'load_?': 'team-b', 'a.b': 'team-c' },
      owner: 'fallback',
    });
    expect(rules.ownersOf('ExtractOrders', [])).toEqual(['team-a']);
    expect(rules.ownersOf('load_1', null)).toEqual(['team-b']);
    expect(rules.ownersOf('load_12', ['airflow'])).toEqual(['fallback']);
    expect(rules.ownersOf('axb', [])).toEqual(['fallback']);
    expect(rules.ownersOf('a.b', [])).toEqual(['team-c']);
    expect(rules.ownersOf('ExtractOrders', ['named'])).toEqual(['named']);
    expect(OwnerRules.create({}).ownersOf('x', ['airflow'])).toEqual([]);
  });
});
