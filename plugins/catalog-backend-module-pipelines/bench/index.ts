/*
 * Benchmark of the pipelines entity provider in a real catalog: 20,000
 * pipelines + 50,000 datasets (seeded, synthetic) from an in-memory export,
 * emitted by PipelinesEntityProvider into @backstage/plugin-catalog-backend
 * running in a test backend, on SQLite (a file) and on PostgreSQL.
 *
 *   yarn bench     (in plugins/catalog-backend-module-pipelines)
 *   = node --expose-gc --require @backstage/cli/config/nodeTransform.cjs bench/index.ts [sqlite|postgres]
 *
 * It prints, next to the goal (<= 60 s for the full run):
 *  - the time to read, build and apply the first full mutation (until
 *    applyMutation resolves);
 *  - the time until the catalog has processed and stitched every entity:
 *    final_entities rows of the catalog's own database, then an empty
 *    stitch_queue (every relation folded into the stitched entities),
 *    cross-checked through the REST API at the end;
 *  - entities/s and the process RSS (the whole backend: catalog included);
 *  - after 100 pipelines change their outputs: the time to apply the delta and
 *    the time until all 100 pipeline entities show the new providesApi
 *    relation through the catalog REST API.
 *
 * Environment:
 *   CATALOG_BENCH_DATABASES=sqlite,postgres   databases, each in its own process
 *   CATALOG_BENCH_PIPELINES=20000, CATALOG_BENCH_DATASETS=50000,
 *   CATALOG_BENCH_CHANGED=100                 sizes (shrink for a quick check)
 *   CATALOG_BENCH_GROUPS=1                    0: no Group entities for the ~40
 *                                             owners (default: they exist, as
 *                                             in a catalog with org data)
 *   CATALOG_BENCH_PROCESSING_TIMEOUT_S=390    give up waiting for the full run
 *                                             and print the projected total
 *   CATALOG_BENCH_DELTA_TIMEOUT_S=120         give up waiting for the delta
 *   CATALOG_BENCH_PROCESSING_INTERVAL_S       catalog.processingInterval;
 *                                             unset: the catalog's default
 *                                             (100-150 s), as in production
 *   CATALOG_BENCH_LOG_LEVEL=warn              backend log level
 *   PIPELINES_BENCH_PG=postgresql://postgres@127.0.0.1:54329
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/config';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  CatalogDataset,
  CatalogPipeline,
} from '@tributary/plugin-pipelines-common';
import knexFactory, { Knex } from 'knex';
import { datasetEntityRef } from '../src/entities';
import { pipelineEntityName } from '../src/entityNames';
import { readEntityDefaults } from '../src/module';
import { PipelinesEntityProvider } from '../src/PipelinesEntityProvider';
import {
  count,
  createRandom,
  intFromEnv,
  loadLine,
  memoryLine,
  mib,
  ms,
  PG_URL,
  rate,
  rss,
  seconds,
  sleep,
  verdict,
} from './benchUtils';
import {
  generateCatalog,
  GROUPS,
  InMemoryCatalogSource,
  SyntheticCatalog,
} from './syntheticSource';

const PIPELINES = intFromEnv('CATALOG_BENCH_PIPELINES', 20_000);
const DATASETS = intFromEnv('CATALOG_BENCH_DATASETS', 50_000);
const CHANGED = intFromEnv('CATALOG_BENCH_CHANGED', 100);
const WITH_GROUPS = intFromEnv('CATALOG_BENCH_GROUPS', 1) > 0;
const PROCESSING_TIMEOUT_MS =
  intFromEnv('CATALOG_BENCH_PROCESSING_TIMEOUT_S', 390) * 1000;
const DELTA_TIMEOUT_MS =
  intFromEnv('CATALOG_BENCH_DELTA_TIMEOUT_S', 120) * 1000;
const PROCESSING_INTERVAL_S = process.env.CATALOG_BENCH_PROCESSING_INTERVAL_S
  ? intFromEnv('CATALOG_BENCH_PROCESSING_INTERVAL_S', 0)
  : undefined;
const LOG_LEVEL = (process.env.CATALOG_BENCH_LOG_LEVEL ?? 'warn') as
  | 'none'
  | 'error'
  | 'warn'
  | 'info'
  | 'debug';
const SEED = 20_261_104;

/** The issue's goal for the full run. */
const GOAL_FULL_MS = 60_000;
const POLL_MS = 2000;
const PROGRESS_EVERY_MS = 15_000;
const SAMPLED_PIPELINES = 20;

type DatabaseKind = 'sqlite' | 'postgres';
const DATABASE_KINDS: DatabaseKind[] = ['sqlite', 'postgres'];

// ---------------------------------------------------------------- databases

interface BenchDatabase {
  label: string;
  /** `backend.database` of the test backend's config. */
  config: JsonObject;
  dispose(): Promise<void>;
}

function adminKnex(): Knex {
  return knexFactory({
    client: 'pg',
    connection: `${PG_URL}/postgres`,
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 5000,
  });
}

async function postgresReachable(): Promise<boolean> {
  const admin = adminKnex();
  try {
    await admin.raw('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await admin.destroy();
  }
}

/**
 * A fresh, empty database for the catalog plugin, through `backend.database`
 * as an app configures it: a file in a temp dir (the backend's SQLite
 * connector names it catalog.sqlite) or a PostgreSQL database created here.
 */
async function createBenchDatabase(kind: DatabaseKind): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-bench-'));
    return {
      label: `SQLite file (${path.join(directory, 'catalog.sqlite')})`,
      config: { client: 'better-sqlite3', connection: { directory } },
      async dispose() {
        fs.rmSync(directory, { recursive: true, force: true });
      },
    };
  }
  const name = `catalog_bench_${randomBytes(4).toString('hex')}`;
  const admin = adminKnex();
  try {
    await admin.raw(`create database ${name}`);
  } finally {
    await admin.destroy();
  }
  return {
    label: `PostgreSQL (${name} at ${PG_URL})`,
    config: {
      client: 'pg',
      connection: PG_URL,
      ensureExists: false,
      plugin: { catalog: { connection: { database: name } } },
    },
    async dispose() {
      const dropper = adminKnex();
      try {
        await dropper.raw(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.destroy();
      }
    },
  };
}

async function describeDatabase(knex: Knex): Promise<string> {
  const client = String(knex.client.config.client);
  const pool = (knex.client as { pool?: { max?: number } }).pool;
  const poolText = `knex pool max ${pool?.max ?? '?'}`;
  if (client === 'pg') {
    const result = await knex.raw(
      `select name, setting, unit from pg_settings where name in ('fsync', 'synchronous_commit', 'shared_buffers', 'server_version') order by name`,
    );
    const settings = (
      result.rows as Array<{ name: string; setting: string; unit: string }>
    )
      .map(row => `${row.name}=${row.setting}${row.unit ? ` ${row.unit}` : ''}`)
      .join(', ');
    return `${settings}, ${poolText}`;
  }
  const pragma = async (name: string) => {
    const rows: Array<Record<string, unknown>> = await knex.raw(
      `pragma ${name}`,
    );
    return `${name}=${Object.values(rows[0] ?? {})[0]}`;
  };
  return `${await pragma('journal_mode')}, ${await pragma(
    'synchronous',
  )}, ${poolText}`;
}

// ------------------------------------------------- the provider, instrumented

interface MutationTiming {
  type: EntityProviderMutation['type'];
  entities: number;
  calledAt: number;
  resolvedAt?: number;
}

/**
 * Hands the provider a connection that records when each applyMutation is
 * called and when it resolves; the catalog sees the provider as it is.
 */
class TimedEntityProvider implements EntityProvider {
  readonly mutations: MutationTiming[] = [];

  constructor(readonly inner: PipelinesEntityProvider) {}

  getProviderName(): string {
    return this.inner.getProviderName();
  }

  connect(connection: EntityProviderConnection): Promise<void> {
    const mutations = this.mutations;
    return this.inner.connect({
      async applyMutation(mutation) {
        const timing: MutationTiming = {
          type: mutation.type,
          entities:
            mutation.type === 'full'
              ? mutation.entities.length
              : mutation.added.length + mutation.removed.length,
          calledAt: performance.now(),
        };
        mutations.push(timing);
        await connection.applyMutation(mutation);
        timing.resolvedAt = performance.now();
      },
      refresh: options => connection.refresh(options),
    });
  }
}

/**
 * The owners' Group entities, emitted once when the catalog connects, as an
 * org provider would: pipelines' and datasets' ownedBy relations then land on
 * real entities, whose ownerOf relations the catalog stitches too.
 */
class GroupsProvider implements EntityProvider {
  static readonly refs = GROUPS;

  getProviderName(): string {
    return 'bench-org';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    const location = 'bench-org:groups';
    await connection.applyMutation({
      type: 'full',
      entities: GroupsProvider.refs.map(ref => ({
        locationKey: 'bench-org',
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: {
            name: ref.slice('group:default/'.length),
            annotations: {
              'backstage.io/managed-by-location': location,
              'backstage.io/managed-by-origin-location': location,
            },
          },
          spec: { type: 'team', children: [] },
        },
      })),
    });
  }
}

interface BenchCatalog {
  provider: TimedEntityProvider;
  knex: Knex;
}

/** Registers the provider over the in-memory source, as module.ts does. */
function createBenchModule(
  source: InMemoryCatalogSource,
  onInit: (catalog: BenchCatalog) => void,
) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'bench',
    register(reg) {
      reg.registerInit({
        deps: {
          catalogProcessing: catalogProcessingExtensionPoint,
          catalog: catalogServiceRef,
          auth: coreServices.auth,
          logger: coreServices.logger,
          database: coreServices.database,
        },
        async init({ catalogProcessing, catalog, auth, logger, database }) {
          // No taskRunner: the bench calls refresh() itself.
          const provider = new TimedEntityProvider(
            PipelinesEntityProvider.create({
              source,
              catalog,
              auth,
              logger,
              defaults: readEntityDefaults(undefined),
            }),
          );
          catalogProcessing.addEntityProvider(provider);
          if (WITH_GROUPS) {
            catalogProcessing.addEntityProvider(new GroupsProvider());
          }
          // The catalog plugin's own client (the database manager caches it).
          onInit({ provider, knex: await database.getClient() });
        },
      });
    },
  });
}

// ------------------------------------------------------- catalog observation

async function countRows(
  knex: Knex,
  table: string,
  notNull?: string,
): Promise<number> {
  const query = knex(table).count({ n: '*' });
  if (notNull) query.whereNotNull(notNull);
  const [row] = await query;
  return Number(row.n);
}

interface CatalogProgress {
  /** final_entities rows: entities stitched at least once. */
  stitched: number;
  /** stitch_queue rows: entities waiting to be (re)stitched. */
  queued: number;
}

async function readProgress(knex: Knex): Promise<CatalogProgress> {
  // Every final_entities row is written by a stitch with its final_entity
  // (performStitching); the count(*) uses an index, so polling stays cheap.
  return {
    stitched: await countRows(knex, 'final_entities'),
    queued: await countRows(knex, 'stitch_queue'),
  };
}

class CatalogApi {
  constructor(private readonly baseUrl: string) {}

  private async request<T>(pathAndQuery: string, init?: RequestInit) {
    const response = await fetch(`${this.baseUrl}/catalog${pathAndQuery}`, {
      ...init,
      headers: {
        Authorization: mockCredentials.user.header(),
        'Content-Type': 'application/json',
        ...init?.headers,
      },
    });
    if (!response.ok) {
      throw new Error(
        `${init?.method ?? 'GET'} ${pathAndQuery} answered ${
          response.status
        }: ${await response.text()}`,
      );
    }
    return (await response.json()) as T;
  }

  async totalItems(kind: string): Promise<number> {
    const body = await this.request<{ totalItems: number }>(
      `/entities/by-query?filter=kind=${kind}&limit=1&fields=metadata.name`,
    );
    return body.totalItems;
  }

  async byRefs(refs: string[]): Promise<Array<Entity | null>> {
    const body = await this.request<{ items: Array<Entity | null> }>(
      '/entities/by-refs',
      {
        method: 'POST',
        body: JSON.stringify({
          entityRefs: refs,
          fields: ['kind', 'metadata.name', 'relations'],
        }),
      },
    );
    return body.items;
  }
}

function relationTargets(entity: Entity | null, type: string): Set<string> {
  return new Set(
    (entity?.relations ?? [])
      .filter(relation => relation.type === type)
      .map(relation => relation.targetRef.toLocaleLowerCase('en-US')),
  );
}

function lower(refs: string[]): string[] {
  return refs.map(ref => ref.toLocaleLowerCase('en-US'));
}

function pipelineRef(pipeline: CatalogPipeline): string {
  return `component:default/${pipelineEntityName(pipeline)}`;
}

function sameSet(actual: Set<string>, expected: string[]): boolean {
  const wanted = new Set(lower(expected));
  return (
    actual.size === wanted.size && [...wanted].every(ref => actual.has(ref))
  );
}

// --------------------------------------------------------------- the bench

function line(label: string, value: string, goal?: string) {
  console.log(`  ${label.padEnd(58)} ${value}${goal ? `   ${goal}` : ''}`);
}

/** Seconds, and minutes or hours when long. */
function duration(millis: number): string {
  if (millis < 600_000) return seconds(millis);
  const text = `${count(millis / 1000)} s`;
  return millis < 7_200_000
    ? `${text} (${(millis / 60_000).toFixed(0)} min)`
    : `${text} (${(millis / 3_600_000).toFixed(1)} h)`;
}

function cpuPercent(usage: NodeJS.CpuUsage, wallMs: number): string {
  return `${(((usage.user + usage.system) / 1000 / wallMs) * 100).toFixed(0)}%`;
}

function goalText(millis: number): string {
  return `goal <= ${seconds(GOAL_FULL_MS)}: ${verdict(millis <= GOAL_FULL_MS)}`;
}

/** Changed times spread over the last 30 days, so a delta reads only news. */
function changedTimes(catalog: SyntheticCatalog): Map<string, number> {
  const random = createRandom(SEED + 1);
  const day = 24 * 3600 * 1000;
  const base = Date.now() - 30 * day;
  const times = new Map<string, number>();
  for (const { id } of [...catalog.pipelines, ...catalog.datasets]) {
    times.set(id, base + Math.floor(random.next() * 29 * day));
  }
  return times;
}

async function runBench(kind: DatabaseKind) {
  const groups = WITH_GROUPS ? GroupsProvider.refs.length : 0;
  /** Every entity of the catalog: the provider's, and the owners' groups. */
  const target = PIPELINES + DATASETS + groups;
  const generatedAt = performance.now();
  const catalog = generateCatalog({
    seed: SEED,
    pipelineCount: PIPELINES,
    datasetCount: DATASETS,
  });
  const times = changedTimes(catalog);
  const source = new InMemoryCatalogSource(
    catalog,
    id => times.get(id) ?? Date.now(),
  );
  const generationMs = performance.now() - generatedAt;
  const edges = catalog.pipelines.reduce(
    (sum, p) => sum + p.inputs.length + p.outputs.length,
    0,
  );
  const withSchema = catalog.datasets.filter(d => d.schema?.length).length;

  const database = await createBenchDatabase(kind);
  console.log(
    `\n== Catalog bench: ${count(PIPELINES)} pipelines + ${count(
      DATASETS,
    )} datasets${groups ? ` (+ ${groups} owner Groups)` : ''} on ${
      database.label
    } ==`,
  );
  console.log(
    `  generated in ${ms(generationMs)} (seed ${SEED}): ${count(
      edges,
    )} lineage edges, ${count(withSchema)} datasets with a schema, ${
      catalog.hubDatasetIds.length
    } hub datasets; ${loadLine()}`,
  );

  let bench: BenchCatalog | undefined;
  const backendStartedAt = performance.now();
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      createBenchModule(source, created => {
        bench = created;
      }),
      mockServices.rootLogger.factory({ level: LOG_LEVEL }),
      mockServices.rootConfig.factory({
        data: {
          backend: { database: database.config },
          catalog: {
            rules: [
              { allow: ['Component', 'API', 'Group', 'User', 'Location'] },
            ],
            ...(PROCESSING_INTERVAL_S !== undefined && {
              processingInterval: { seconds: PROCESSING_INTERVAL_S },
            }),
          },
        },
      }),
    ],
  });
  try {
    if (!bench) throw new Error('The bench module was not initialised');
    const { provider, knex } = bench;
    const api = new CatalogApi(`http://localhost:${backend.server.port()}/api`);
    console.log(
      `  backend started in ${ms(
        performance.now() - backendStartedAt,
      )}; ${await describeDatabase(knex)}; catalog.processingInterval ${
        PROCESSING_INTERVAL_S !== undefined
          ? `${PROCESSING_INTERVAL_S} s`
          : 'default (100-150 s)'
      }`,
    );

    // ------------------------------------------------------ full mutation
    source.resetStats();
    const fullStartedAt = performance.now();
    await provider.inner.refresh();
    const fullRefreshedAt = performance.now();
    const full = provider.mutations.at(-1);
    if (!full || full.type !== 'full' || full.resolvedAt === undefined) {
      throw new Error('The first refresh applied no full mutation');
    }
    const stats = source.stats;
    const appliedMs = full.resolvedAt - fullStartedAt;
    console.log(
      `\nFull mutation: ${count(full.entities)} entities (${count(
        PIPELINES,
      )} Components + ${count(DATASETS)} APIs)`,
    );
    line(
      'service Components lookup in the catalog',
      ms((stats.firstCallAt ?? fullStartedAt) - fullStartedAt),
    );
    line(
      `read the export (${stats.pages} pages, ${count(stats.items)} items)`,
      ms((stats.lastAnswerAt ?? 0) - (stats.firstCallAt ?? 0)),
    );
    line(
      'build the entities',
      ms(full.calledAt - (stats.lastAnswerAt ?? fullStartedAt)),
    );
    line('applyMutation', ms(full.resolvedAt - full.calledAt));
    line(
      'read + build + apply (until applyMutation resolved)',
      seconds(appliedMs),
      goalText(appliedMs),
    );
    line(
      'refresh() resolved (plus hashing what it emitted)',
      seconds(fullRefreshedAt - fullStartedAt),
    );
    line('process', `${memoryLine()}; ${loadLine()}`);

    // ------------------------------------------------- catalog processing
    console.log(
      `\nCatalog processing (polling the catalog database every ${seconds(
        POLL_MS,
      )}: final_entities rows, stitch_queue rows)`,
    );
    let peakRss = rss();
    let allStitchedAt: number | undefined;
    let drainedAt: number | undefined;
    let lastProgressAt = performance.now();
    let lastCpu = process.cpuUsage();
    const processingCpu = process.cpuUsage();
    const history: Array<{ at: number; stitched: number }> = [];
    const processedHistory: Array<{ at: number; processed: number }> = [
      { at: full.resolvedAt, processed: 0 },
    ];
    let progress: CatalogProgress = { stitched: 0, queued: 0 };
    const deadline = full.resolvedAt + PROCESSING_TIMEOUT_MS;
    for (;;) {
      progress = await readProgress(knex);
      const now = performance.now();
      peakRss = Math.max(peakRss, rss());
      history.push({ at: now, stitched: progress.stitched });
      if (progress.stitched >= target && allStitchedAt === undefined) {
        allStitchedAt = now;
      }
      if (progress.stitched >= target && progress.queued === 0) {
        drainedAt = now;
        break;
      }
      if (now - lastProgressAt >= PROGRESS_EVERY_MS) {
        const wallMs = now - lastProgressAt;
        lastProgressAt = now;
        const processed = await countRows(
          knex,
          'refresh_state',
          'processed_entity',
        );
        processedHistory.push({ at: now, processed });
        const recent = history.find(h => h.at >= now - 60_000) ?? history[0];
        const cpu = process.cpuUsage(lastCpu);
        lastCpu = process.cpuUsage();
        console.log(
          `  .. ${seconds(now - fullStartedAt).padStart(7)}: ${count(
            processed,
          )} processed, ${count(progress.stitched)} stitched, ${count(
            progress.queued,
          )} queued for stitching; stitched ${rate(
            ((progress.stitched - recent.stitched) * 1000) /
              Math.max(1, now - recent.at),
          )} over the last ${seconds(now - recent.at)}; node CPU ${cpuPercent(
            cpu,
            wallMs,
          )}; RSS ${mib(rss())}; ${loadLine()}`,
        );
      }
      if (now > deadline) break;
      await sleep(POLL_MS);
    }

    let fullProcessedMs: number | undefined;
    if (drainedAt !== undefined && allStitchedAt !== undefined) {
      fullProcessedMs = drainedAt - fullStartedAt;
      line(
        `all ${count(target)} entities stitched (final_entities)`,
        `${seconds(allStitchedAt - fullStartedAt)} after refresh() started`,
      );
      line(
        'stitch queue drained: every relation stitched',
        `${seconds(fullProcessedMs)} after refresh() started (${seconds(
          drainedAt - full.resolvedAt,
        )} after applyMutation)`,
        goalText(fullProcessedMs),
      );
      line(
        'throughput, applyMutation resolved -> queue drained',
        `${rate((target * 1000) / (drainedAt - full.resolvedAt))} entities`,
      );
      line(
        'throughput, refresh() started -> queue drained',
        `${rate((target * 1000) / fullProcessedMs)} entities`,
      );
    } else {
      const now = performance.now();
      const processed = await countRows(
        knex,
        'refresh_state',
        'processed_entity',
      );
      processedHistory.push({ at: now, processed });
      const lastMinute = <T extends { at: number }>(points: T[]) =>
        points.find(p => p.at >= now - 60_000) ?? points[0];
      const stitchedThen = lastMinute(history);
      const processedThen = lastMinute(processedHistory);
      const stitchRate =
        ((progress.stitched - stitchedThen.stitched) * 1000) /
        Math.max(1, now - stitchedThen.at);
      const processRate =
        ((processed - processedThen.processed) * 1000) /
        Math.max(1, now - processedThen.at);
      const projected = (done: number, perSecond: number) =>
        perSecond > 0
          ? `~${duration(
              now - fullStartedAt + ((target - done) * 1000) / perSecond,
            )} after refresh() started`
          : 'never, at the recent rate';
      line(
        `NOT FINISHED ${seconds(now - fullStartedAt)} after refresh() started`,
        `${count(processed)} of ${count(target)} processed, ${count(
          progress.stitched,
        )} stitched (${((progress.stitched * 100) / target).toFixed(
          0,
        )}%), ${count(progress.queued)} queued for stitching`,
        now - fullStartedAt > GOAL_FULL_MS
          ? `goal <= ${seconds(GOAL_FULL_MS)}: ${verdict(false)}`
          : `goal <= ${seconds(GOAL_FULL_MS)}: unknown (stopped waiting)`,
      );
      line(
        'rate so far: processed / stitched',
        `${rate(
          (processed * 1000) / Math.max(1, now - full.resolvedAt),
        )} / ${rate(
          (progress.stitched * 1000) / Math.max(1, now - full.resolvedAt),
        )} entities`,
      );
      line(
        'rate over the last minute: processed / stitched',
        `${rate(processRate)} / ${rate(stitchRate)} entities`,
      );
      line(
        'projected, all processed once (recent rate)',
        `${projected(processed, processRate)} (not measured)`,
      );
      line(
        'projected, all stitched (recent stitch rate)',
        `${projected(progress.stitched, stitchRate)} (not measured; ${
          processed < target
            ? 'stitching shares the database with processing, so it may speed up once processing is done'
            : 'processing is done'
        })`,
      );
    }
    line('peak RSS while processing (whole backend)', mib(peakRss));
    line(
      'CPU of this process while processing (1 core = 100%)',
      cpuPercent(
        process.cpuUsage(processingCpu),
        performance.now() - full.resolvedAt,
      ),
    );

    if (fullProcessedMs !== undefined) {
      await checkCatalog(api, catalog);
    }

    // ----------------------------------------------------------- the delta
    await runDelta({ api, knex, provider, source, catalog });
    console.log(`  ${memoryLine()}; ${loadLine()}`);
  } finally {
    await backend.stop();
    // Processing tasks already in flight finish after stop(); let them, so
    // that dropping the database does not cut their connections.
    await sleep(3000);
    await database.dispose();
  }
}

/** Totals through the REST API, and a sample of relations checked exactly. */
async function checkCatalog(api: CatalogApi, catalog: SyntheticCatalog) {
  const [apis, components, groups] = [
    await api.totalItems('api'),
    await api.totalItems('component'),
    await api.totalItems('group'),
  ];
  line(
    'REST cross-check: by-query kind=api / component / group',
    `totalItems ${count(apis)} / ${count(components)} / ${count(
      groups,
    )} (expected ${count(DATASETS)} / ${count(PIPELINES)} / ${
      WITH_GROUPS ? GroupsProvider.refs.length : 0
    })`,
  );
  const random = createRandom(SEED + 2);
  const sample = Array.from(
    { length: Math.min(SAMPLED_PIPELINES, catalog.pipelines.length) },
    () => random.pick(catalog.pipelines),
  );
  const entities = await api.byRefs(sample.map(pipelineRef));
  const exact = sample.filter(
    (pipeline, i) =>
      sameSet(
        relationTargets(entities[i], 'providesApi'),
        pipeline.outputs.map(datasetEntityRef),
      ) &&
      sameSet(
        relationTargets(entities[i], 'consumesApi'),
        pipeline.inputs.map(datasetEntityRef),
      ),
  ).length;
  const hubId = catalog.hubDatasetIds[0];
  let hubText = '';
  if (hubId) {
    const readers = catalog.pipelines.filter(p => p.inputs.includes(hubId));
    const [hub] = await api.byRefs([datasetEntityRef(hubId)]);
    const consumedBy = relationTargets(hub, 'apiConsumedBy');
    hubText = `; hub dataset ${hubId}: ${count(
      consumedBy.size,
    )} apiConsumedBy (expected ${count(readers.length)})`;
  }
  line(
    'REST cross-check: relations of sampled pipelines',
    `${exact}/${sample.length} exactly as expected${hubText}`,
  );
}

async function runDelta(options: {
  api: CatalogApi;
  knex: Knex;
  provider: TimedEntityProvider;
  source: InMemoryCatalogSource;
  catalog: SyntheticCatalog;
}) {
  const { api, knex, provider, source, catalog } = options;
  const changedCount = Math.min(CHANGED, catalog.pipelines.length);
  const random = createRandom(SEED + 3);
  const chosen = new Set<number>();
  while (chosen.size < changedCount) {
    chosen.add(random.int(catalog.pipelines.length));
  }
  const changedAt = Date.now();
  const changes: Array<{
    ref: string;
    oldOutputRef: string;
    newOutputRef: string;
  }> = [];
  let k = 0;
  for (const index of chosen) {
    const pipeline = catalog.pipelines[index];
    const name = `acme-bench-prod.delta.replacement_${k++}`;
    const dataset: CatalogDataset = {
      id: `bigquery/${name}`,
      namespace: 'bigquery',
      name,
      platform: 'bigquery',
      ...(pipeline.owner && { owner: pipeline.owner }),
      schema: [
        { name: 'id', type: 'STRING' },
        { name: 'created_at', type: 'TIMESTAMP' },
        { name: 'amount', type: 'NUMERIC' },
      ],
    };
    const [oldOutput, ...keptOutputs] = pipeline.outputs;
    source.putDataset(dataset, changedAt);
    // The backend reports a dataset whose lineage edges changed as changed.
    source.touchDataset(oldOutput, changedAt);
    source.putPipeline(
      { ...pipeline, outputs: [...keptOutputs, dataset.id].sort() },
      changedAt,
    );
    changes.push({
      ref: pipelineRef(pipeline),
      oldOutputRef: datasetEntityRef(oldOutput),
      newOutputRef: datasetEntityRef(dataset.id),
    });
  }

  const [due] = await knex('refresh_state')
    .where('next_update_at', '<=', knex.fn.now())
    .count({ n: '*' });
  const [unprocessed] = await knex('refresh_state')
    .whereNull('processed_entity')
    .count({ n: '*' });
  console.log(
    `\nDelta: ${changedCount} pipelines each write a new dataset instead of one of their outputs`,
  );
  line(
    'catalog queue when the delta starts',
    `${count(Number(due.n))} entities due for processing, ${count(
      Number(unprocessed.n),
    )} of them never processed yet`,
  );

  source.resetStats();
  const mutationsBefore = provider.mutations.length;
  const startedAt = performance.now();
  await provider.inner.refresh();
  const refreshedAt = performance.now();
  const delta = provider.mutations.slice(mutationsBefore).at(-1);
  const stats = source.stats;
  line(
    'service Components lookup in the catalog',
    ms((stats.firstCallAt ?? startedAt) - startedAt),
  );
  line(
    `read changed rows (${stats.pages} pages, ${count(stats.items)} items)`,
    ms((stats.lastAnswerAt ?? 0) - (stats.firstCallAt ?? 0)),
  );
  if (!delta || delta.resolvedAt === undefined) {
    line('applyMutation', 'not called: nothing changed?!');
    return;
  }
  line(
    `applyMutation (${delta.type}, ${count(delta.entities)} entities)`,
    ms(delta.resolvedAt - delta.calledAt),
  );
  line(
    'read + build + apply (until applyMutation resolved)',
    ms(delta.resolvedAt - startedAt),
    '(no goal in the issue)',
  );
  line('refresh() resolved', ms(refreshedAt - startedAt));

  const pipelineRefs = changes.map(c => c.ref);
  const datasetRefs = changes.map(c => c.newOutputRef);
  const deadline = delta.resolvedAt + DELTA_TIMEOUT_MS;
  let pipelinesShownAt: number | undefined;
  let datasetsShownAt: number | undefined;
  let shownPipelines = 0;
  let shownDatasets = 0;
  let lastReportAt = performance.now();
  for (;;) {
    const entities = await api.byRefs([...pipelineRefs, ...datasetRefs]);
    const now = performance.now();
    shownPipelines = changes.filter((change, i) => {
      const provides = relationTargets(entities[i], 'providesApi');
      return (
        provides.has(change.newOutputRef.toLocaleLowerCase('en-US')) &&
        !provides.has(change.oldOutputRef.toLocaleLowerCase('en-US'))
      );
    }).length;
    shownDatasets = changes.filter((change, i) =>
      relationTargets(entities[changes.length + i], 'apiProvidedBy').has(
        change.ref.toLocaleLowerCase('en-US'),
      ),
    ).length;
    if (shownPipelines === changes.length) pipelinesShownAt ??= now;
    if (shownDatasets === changes.length) datasetsShownAt ??= now;
    if (pipelinesShownAt !== undefined && datasetsShownAt !== undefined) break;
    if (now > deadline) break;
    if (now - lastReportAt >= PROGRESS_EVERY_MS) {
      lastReportAt = now;
      console.log(
        `  .. ${seconds(now - startedAt).padStart(7)}: ${shownPipelines}/${
          changes.length
        } pipelines and ${shownDatasets}/${
          changes.length
        } new datasets show the new relation; ${loadLine()}`,
      );
    }
    await sleep(1000);
  }
  line(
    `all ${changes.length} pipelines show the new providesApi (REST)`,
    pipelinesShownAt !== undefined
      ? `${seconds(pipelinesShownAt - startedAt)} after refresh() started`
      : `NOT within ${seconds(DELTA_TIMEOUT_MS)}: ${shownPipelines}/${
          changes.length
        } did`,
  );
  line(
    `all ${changes.length} new datasets show apiProvidedBy (REST)`,
    datasetsShownAt !== undefined
      ? `${seconds(datasetsShownAt - startedAt)} after refresh() started`
      : `NOT within ${seconds(DELTA_TIMEOUT_MS)}: ${shownDatasets}/${
          changes.length
        } did`,
  );
}

// ------------------------------------------------------------------ main

function runInChild(kind: DatabaseKind): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1], [kind], {
      execArgv: process.execArgv,
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', code =>
      code === 0
        ? resolve()
        : reject(new Error(`The ${kind} bench exited with code ${code}`)),
    );
  });
}

function requestedDatabases(): DatabaseKind[] {
  const names = process.argv.slice(2).length
    ? process.argv.slice(2)
    : (process.env.CATALOG_BENCH_DATABASES ?? 'sqlite,postgres')
        .split(',')
        .map(name => name.trim())
        .filter(Boolean);
  const unknown = names.filter(
    name => !DATABASE_KINDS.includes(name as DatabaseKind),
  );
  if (unknown.length > 0) {
    throw new Error(
      `Unknown database ${unknown.join(
        ', ',
      )}; choose from ${DATABASE_KINDS.join(', ')}`,
    );
  }
  return names as DatabaseKind[];
}

async function main() {
  const kinds = requestedDatabases();
  const available: DatabaseKind[] = [];
  for (const kind of kinds) {
    if (kind === 'postgres' && !(await postgresReachable())) {
      console.log(
        `PostgreSQL at ${PG_URL} is not reachable: skipping it (start it or set PIPELINES_BENCH_PG)`,
      );
      continue;
    }
    available.push(kind);
  }
  if (available.length > 1) {
    // Each database in a fresh process, so that its RSS is its own.
    for (const kind of available) {
      await runInChild(kind);
    }
    return;
  }
  for (const kind of available) {
    const startedAt = performance.now();
    await runBench(kind);
    console.log(
      `\n(${kind} bench took ${seconds(performance.now() - startedAt)})`,
    );
  }
}

main().then(
  // Lingering timers or sockets of the stopped backend must not keep it alive.
  () => process.exit(process.exitCode ?? 0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
