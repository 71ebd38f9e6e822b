/*
 * Deterministic synthetic pipelines and datasets, and an in-memory
 * PipelinesCatalogSource that serves them as the pipelines backend's catalog
 * export does: ordered by id, paged with `after`/`limit`, filtered by
 * `changedSince` on a per-row changed time.
 */
import {
  CatalogDataset,
  CatalogExportPage,
  CatalogPipeline,
  DatasetField,
} from '@tributary/plugin-pipelines-common';
import {
  CatalogExportQuery,
  PipelinesCatalogSource,
} from '../src/PipelinesCatalogClient';
import { createRandom, Random } from './benchUtils';

const DOMAINS = [
  'ads',
  'billing',
  'checkout',
  'content',
  'crm',
  'delivery',
  'finance',
  'fraud',
  'growth',
  'identity',
  'inventory',
  'logistics',
  'marketing',
  'orders',
  'payments',
  'pricing',
  'recommendations',
  'search',
  'supply',
  'support',
];

/** About 40 owning groups, two per domain, as entity refs. */
export const GROUPS = DOMAINS.flatMap(domain => [
  `group:default/${domain}-data`,
  `group:default/${domain}-analytics`,
]);

const NOUNS = [
  'orders',
  'sessions',
  'events',
  'customers',
  'invoices',
  'clicks',
  'impressions',
  'refunds',
  'shipments',
  'products',
  'accounts',
  'payouts',
  'carts',
  'reviews',
  'searches',
  'visits',
];

const VERBS = ['load', 'transform', 'aggregate', 'export', 'dedupe', 'enrich'];

const COLUMN_NAMES = [
  'id',
  'created_at',
  'updated_at',
  'customer_id',
  'order_id',
  'amount',
  'currency',
  'country',
  'status',
  'event_type',
  'session_id',
  'device',
  'price',
  'quantity',
  'sku',
  'email_hash',
  'region',
  'partition_date',
  'source_system',
  'is_test',
];

const COLUMN_TYPES: Record<string, string[]> = {
  bigquery: ['STRING', 'INT64', 'NUMERIC', 'TIMESTAMP', 'DATE', 'BOOL'],
  snowflake: ['VARCHAR', 'NUMBER(38,0)', 'TIMESTAMP_NTZ', 'DATE', 'BOOLEAN'],
  postgres: ['text', 'bigint', 'numeric', 'timestamptz', 'date', 'boolean'],
  s3: ['string', 'long', 'double', 'timestamp', 'date', 'boolean'],
  kafka: ['string', 'long', 'double', 'timestamp-millis', 'boolean'],
};

/** Datasets read by hundreds of pipelines: calendars, FX rates, dimensions. */
const HUB_DATASETS = 10;
const HUB_INPUT_SHARE = 0.1;

export interface SyntheticCatalog {
  pipelines: CatalogPipeline[];
  datasets: CatalogDataset[];
  /** Ids of the datasets many pipelines read. */
  hubDatasetIds: string[];
}

function datasetOf(random: Random, i: number): CatalogDataset {
  const domain = random.pick(DOMAINS);
  const noun = random.pick(NOUNS);
  const roll = random.next();
  let platform: string;
  let namespace: string;
  let name: string;
  if (roll < 0.45) {
    platform = 'bigquery';
    namespace = 'bigquery';
    name = `acme-${domain}-prod.${domain}_${random.pick([
      'raw',
      'staging',
      'marts',
    ])}.${noun}_${i}`;
  } else if (roll < 0.65) {
    platform = 's3';
    namespace = `s3://acme-${domain}-lake`;
    name = `${random.pick(['raw', 'curated', 'exports'])}/${noun}/${noun}_${i}`;
  } else if (roll < 0.8) {
    platform = 'snowflake';
    namespace = 'snowflake://acme-prod.eu-west-1';
    name = `ANALYTICS.${domain.toUpperCase()}.${noun.toUpperCase()}_${i}`;
  } else if (roll < 0.9) {
    platform = 'postgres';
    namespace = `postgres://${domain}-db-${random.int(4)}.internal:5432`;
    name = `${domain}.public.${noun}_${i}`;
  } else {
    platform = 'kafka';
    namespace = `kafka://kafka-${random.int(3)}.internal:9092`;
    name = `${domain}.${noun}.v${random.between(1, 3)}_${i}`;
  }
  let schema: DatasetField[] | undefined;
  if (random.chance(0.6)) {
    const columns = random.between(5, 30);
    const types = COLUMN_TYPES[platform];
    schema = [];
    for (let c = 0; c < columns; c++) {
      const base = COLUMN_NAMES[c % COLUMN_NAMES.length];
      schema.push({
        name: c < COLUMN_NAMES.length ? base : `${base}_${c}`,
        type: random.pick(types),
        ...(random.chance(0.3) && {
          description: `The ${base.replace(
            /_/g,
            ' ',
          )} of the ${noun} row, as reported by the ${domain} source system.`,
        }),
      });
    }
  }
  const owner = random.chance(0.85)
    ? `group:default/${domain}-${random.pick(['data', 'analytics'])}`
    : undefined;
  return {
    id: `${namespace}/${name}`,
    namespace,
    name,
    platform,
    ...(random.chance(0.3) && {
      description: `${noun} of the ${domain} domain, one row per ${noun.replace(
        /s$/,
        '',
      )}.`,
    }),
    ...(schema && { schema }),
    ...(owner && {
      owner,
      sourceOwners: [`${owner.slice('group:default/'.length)}@acme.example`],
    }),
  };
}

function pipelineOf(
  random: Random,
  i: number,
  inputs: string[],
  outputs: string[],
): CatalogPipeline {
  const domain = random.pick(DOMAINS);
  const noun = random.pick(NOUNS);
  const verb = random.pick(VERBS);
  const roll = random.next();
  // Cumulative shares: 70% Airflow, 15% Flyte, 10% Luigi, 5% Styx.
  const scheduler = (
    [
      [0.7, 'airflow'],
      [0.85, 'flyte'],
      [0.95, 'luigi'],
      [1, 'styx'],
    ] as const
  ).find(([upTo]) => roll < upTo)![1];
  const environment = random.chance(0.9) ? 'prod' : 'staging';
  const namespace = `${scheduler}:${environment}`;
  const dag = `${domain}_${noun}_${random.int(400)}`;
  const task = `${verb}_${noun}_${i}`;
  const name = `${dag}.${task}`;
  const repository = `https://github.com/acme/${domain}-pipelines`;
  const owner = random.chance(0.9) ? random.pick(GROUPS) : undefined;
  return {
    id: `${namespace}:${name}`,
    source: namespace,
    namespace,
    name,
    ...(random.chance(0.2) && {
      title: `${verb} ${noun} (${domain})`,
    }),
    ...(random.chance(0.3) && {
      description: `${verb[0].toUpperCase()}${verb.slice(
        1,
      )}s ${noun} for the ${domain} domain, hourly.`,
    }),
    ...(owner && { owner, sourceOwners: [owner.split('/')[1]] }),
    ...(random.chance(0.3) && { system: `${domain}-data` }),
    ...(random.chance(0.75) && {
      sourceUrl: `${repository}/blob/main/dags/${dag}.py`,
    }),
    ...(scheduler === 'airflow' && {
      schedulerUrl: `https://airflow-${environment}.acme.example/dags/${dag}/grid?task_id=${task}`,
    }),
    inputs,
    outputs,
  };
}

function sortedUnique(ids: string[]): string[] {
  return [...new Set(ids)].sort();
}

/**
 * `pipelineCount` pipelines reading 1-3 and writing 1-3 of `datasetCount`
 * datasets. Most datasets have one producer (outputs are dealt from a
 * shuffled deck), some none; 10% of all reads go to 10 hub datasets.
 */
export function generateCatalog(options: {
  seed: number;
  pipelineCount: number;
  datasetCount: number;
}): SyntheticCatalog {
  const random = createRandom(options.seed);
  const datasets: CatalogDataset[] = [];
  for (let i = 0; i < options.datasetCount; i++) {
    datasets.push(datasetOf(random, i));
  }
  const hubCount = Math.min(HUB_DATASETS, datasets.length);
  const hubDatasetIds = datasets.slice(0, hubCount).map(d => d.id);

  // Fisher-Yates shuffle of the dataset numbers: the deck outputs come from.
  const deck = datasets.map((_, index) => index);
  for (let i = deck.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [deck[i], deck[j]] = [deck[j], deck[i]];
  }
  let dealt = 0;
  const nextOutput = () => {
    if (dealt < deck.length && !random.chance(0.05)) {
      return datasets[deck[dealt++]].id;
    }
    return random.pick(datasets).id;
  };

  const pipelines: CatalogPipeline[] = [];
  for (let i = 0; i < options.pipelineCount; i++) {
    const inputs: string[] = [];
    for (let n = random.between(1, 3); n > 0; n--) {
      inputs.push(
        random.chance(HUB_INPUT_SHARE)
          ? random.pick(hubDatasetIds)
          : random.pick(datasets).id,
      );
    }
    const outputs: string[] = [];
    for (let n = random.between(1, 3); n > 0; n--) {
      outputs.push(nextOutput());
    }
    pipelines.push(
      pipelineOf(random, i, sortedUnique(inputs), sortedUnique(outputs)),
    );
  }
  return { pipelines, datasets, hubDatasetIds };
}

interface Row<T> {
  id: string;
  item: T;
  /** Epoch millis of the row's last change, for `changedSince`. */
  changedAt: number;
}

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 5000;

/** Time spent answering, to tell reads from the provider's own work. */
export interface SourceStats {
  pages: number;
  items: number;
  /** performance.now() of the first and the end of the last page call. */
  firstCallAt?: number;
  lastAnswerAt?: number;
}

/**
 * Serves pipelines and datasets like `GET /v1/catalog/pipelines|datasets`.
 * Every page goes through JSON, as it does between the HTTP client and the
 * backend, so the provider gets fresh objects and the parse cost is counted.
 */
export class InMemoryCatalogSource implements PipelinesCatalogSource {
  private readonly pipelines: Row<CatalogPipeline>[];
  private readonly datasets: Row<CatalogDataset>[];
  stats: SourceStats = { pages: 0, items: 0 };

  constructor(catalog: SyntheticCatalog, changedAtOf: (id: string) => number) {
    const rowOf = <T extends { id: string }>(item: T): Row<T> => ({
      id: item.id,
      item,
      changedAt: changedAtOf(item.id),
    });
    this.pipelines = catalog.pipelines.map(rowOf).sort(byId);
    this.datasets = catalog.datasets.map(rowOf).sort(byId);
  }

  resetStats() {
    this.stats = { pages: 0, items: 0 };
  }

  listPipelines(
    query: CatalogExportQuery,
  ): Promise<CatalogExportPage<CatalogPipeline>> {
    return this.page(this.pipelines, query);
  }

  listDatasets(
    query: CatalogExportQuery,
  ): Promise<CatalogExportPage<CatalogDataset>> {
    return this.page(this.datasets, query);
  }

  /** Adds or replaces a pipeline, changed at `changedAt`. */
  putPipeline(pipeline: CatalogPipeline, changedAt: number) {
    put(this.pipelines, { id: pipeline.id, item: pipeline, changedAt });
  }

  /** Adds or replaces a dataset, changed at `changedAt`. */
  putDataset(dataset: CatalogDataset, changedAt: number) {
    put(this.datasets, { id: dataset.id, item: dataset, changedAt });
  }

  /** Marks a dataset changed, as a new lineage edge does in the backend. */
  touchDataset(id: string, changedAt: number) {
    const index = lowerBound(this.datasets, id);
    if (this.datasets[index]?.id === id) {
      this.datasets[index].changedAt = changedAt;
    }
  }

  private async page<T>(
    rows: Row<T>[],
    query: CatalogExportQuery,
  ): Promise<CatalogExportPage<T>> {
    const startedAt = performance.now();
    this.stats.firstCallAt ??= startedAt;
    const limit = Math.min(
      MAX_LIMIT,
      Math.max(1, query.limit ?? DEFAULT_LIMIT),
    );
    const since =
      query.changedSince !== undefined
        ? Date.parse(query.changedSince)
        : undefined;
    const matches = (row: Row<T>) =>
      since === undefined || row.changedAt >= since;
    let index = query.after !== undefined ? upperBound(rows, query.after) : 0;
    const items: T[] = [];
    while (index < rows.length && items.length < limit) {
      if (matches(rows[index])) {
        items.push(rows[index].item);
      }
      index++;
    }
    // As the backend's `limit + 1` read: a cursor only when more follow.
    while (index < rows.length && !matches(rows[index])) {
      index++;
    }
    const page: CatalogExportPage<T> = {
      items,
      ...(index < rows.length &&
        items.length > 0 && {
          nextCursor: (items[items.length - 1] as { id: string }).id,
        }),
      readAt: new Date().toISOString(),
    };
    const copy = JSON.parse(JSON.stringify(page)) as CatalogExportPage<T>;
    // An answer comes back on a later turn of the event loop, as over HTTP.
    await new Promise(resolve => setImmediate(resolve));
    this.stats.pages += 1;
    this.stats.items += items.length;
    this.stats.lastAnswerAt = performance.now();
    return copy;
  }
}

function byId<T>(a: Row<T>, b: Row<T>): number {
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/** First index whose id is >= id. */
function lowerBound<T>(rows: Row<T>[], id: string): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (rows[middle].id < id) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** First index whose id is > id. */
function upperBound<T>(rows: Row<T>[], id: string): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (rows[middle].id <= id) low = middle + 1;
    else high = middle;
  }
  return low;
}

function put<T>(rows: Row<T>[], row: Row<T>) {
  const index = lowerBound(rows, row.id);
  if (rows[index]?.id === row.id) {
    rows[index] = row;
  } else {
    rows.splice(index, 0, row);
  }
}
