import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { toError } from '@backstage/errors';
import {
  CatalogService,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_PIPELINE_ID,
  CatalogExportPage,
  CatalogPipeline,
} from '@tributary/plugin-pipelines-common';
import { createHash } from 'node:crypto';
import {
  datasetToEntity,
  EntityContext,
  EntityDefaults,
  pipelineToEntity,
} from './entities';
import {
  CatalogExportQuery,
  PipelinesCatalogSource,
} from './PipelinesCatalogClient';
import { ServiceLocation, SourceLocationMatcher } from './sourceLocations';

const PROVIDER_NAME = 'tributary-pipelines';

/**
 * How far each delta read reaches back before the previous read time: a
 * transaction's rows can commit after a concurrent reader's read time.
 */
const CHANGED_SINCE_OVERLAP_MS = 2 * 60 * 1000;

/**
 * How often a run is a full mutation again, by the backend's clock: deltas
 * only add, so an entity whose row went away (a dataset merged into the one
 * it is an alias of) leaves the catalog at the next full one.
 */
const FULL_MUTATION_EVERY_MS = 60 * 60 * 1000;

const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';

export interface PipelinesEntityProviderOptions {
  source: PipelinesCatalogSource;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  defaults: EntityDefaults;
  /** Items per export page; the pipelines backend's default when absent. */
  pageSize?: number;
  /**
   * Runs `refresh` on a schedule once the catalog has connected; without it,
   * the caller calls `refresh`.
   */
  taskRunner?: SchedulerServiceTaskRunner;
}

/** The service Components pipelines are linked to, as last read. */
interface ServiceMatch {
  matcher: SourceLocationMatcher;
  /** Hash of the services and their locations, to notice when they change. */
  signature: string;
}

/**
 * Emits the pipelines backend's pipelines as `data-pipeline` Components and
 * its datasets as `dataset` APIs: everything in a full mutation on the first
 * run and every FULL_MUTATION_EVERY_MS, deltas of what changed in between.
 *
 * State lives in memory, so with the task scheduled globally on several
 * replicas, each replica's first run is a full mutation and later ones may
 * re-emit entities another replica already emitted. Both only cost work: every
 * entity emitted is built from a fresh read.
 */
export class PipelinesEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  /** Server time of the last successful run's first read. */
  private cursor?: Date;
  /** Server time of the last full mutation's first read. */
  private fullReadAt?: Date;
  /** Hash of each emitted entity by entity ref, to emit only real changes. */
  private readonly emittedHashes = new Map<string, string>();
  /** Every pipeline, so a change of services can re-link unchanged ones. */
  private readonly pipelines = new Map<string, CatalogPipeline>();
  private serviceMatch: ServiceMatch = {
    matcher: new SourceLocationMatcher([]),
    signature: hashOf([]),
  };

  static create(options: PipelinesEntityProviderOptions) {
    return new PipelinesEntityProvider(options);
  }

  private constructor(
    private readonly options: PipelinesEntityProviderOptions,
  ) {}

  getProviderName(): string {
    return PROVIDER_NAME;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    this.cursor = undefined;
    // Scheduled here rather than at start-up so no run finds it unconnected.
    await this.options.taskRunner?.run({
      id: `${PROVIDER_NAME}:refresh`,
      fn: () => this.refresh(),
    });
  }

  /** Reads what changed and applies it to the catalog; called on a schedule. */
  async refresh(): Promise<void> {
    const connection = this.connection;
    if (!connection) {
      throw new Error(`${PROVIDER_NAME} is not connected to the catalog yet`);
    }
    const serviceMatch = await this.readServiceMatch();
    if (
      this.cursor &&
      this.fullReadAt &&
      this.cursor.getTime() - this.fullReadAt.getTime() < FULL_MUTATION_EVERY_MS
    ) {
      await this.applyDelta(connection, serviceMatch, this.cursor);
    } else {
      await this.applyFull(connection, serviceMatch);
    }
  }

  private async applyFull(
    connection: EntityProviderConnection,
    serviceMatch: ServiceMatch,
  ): Promise<void> {
    const startedAt = Date.now();
    const pipelines = await this.readAll(q =>
      this.options.source.listPipelines(q),
    );
    const datasets = await this.readAll(q =>
      this.options.source.listDatasets(q),
    );
    const context = this.entityContext();
    const entities: Entity[] = [
      ...pipelines.items.map(pipeline =>
        pipelineToEntity(
          pipeline,
          context,
          serviceMatch.matcher.match(pipeline.sourceUrl),
        ),
      ),
      ...datasets.items.map(dataset => datasetToEntity(dataset, context)),
    ];

    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: PROVIDER_NAME,
      })),
    });

    this.emittedHashes.clear();
    for (const entity of entities) {
      this.emittedHashes.set(stringifyEntityRef(entity), hashOf(entity));
    }
    this.pipelines.clear();
    for (const pipeline of pipelines.items) {
      this.pipelines.set(pipeline.id, pipeline);
    }
    this.serviceMatch = serviceMatch;
    this.cursor = pipelines.readAt;
    this.fullReadAt = pipelines.readAt;
    this.options.logger.info(
      `Emitted ${pipelines.items.length} pipelines and ${
        datasets.items.length
      } datasets to the catalog in ${Date.now() - startedAt} ms`,
    );
  }

  private async applyDelta(
    connection: EntityProviderConnection,
    serviceMatch: ServiceMatch,
    cursor: Date,
  ): Promise<void> {
    const startedAt = Date.now();
    const changedSince = new Date(
      cursor.getTime() - CHANGED_SINCE_OVERLAP_MS,
    ).toISOString();
    const pipelines = await this.readAll(q =>
      this.options.source.listPipelines({ ...q, changedSince }),
    );
    const datasets = await this.readAll(q =>
      this.options.source.listDatasets({ ...q, changedSince }),
    );
    const context = this.entityContext();
    const toEntity = (pipeline: CatalogPipeline) =>
      pipelineToEntity(
        pipeline,
        context,
        serviceMatch.matcher.match(pipeline.sourceUrl),
      );

    const candidates: Entity[] = [
      ...pipelines.items.map(toEntity),
      ...datasets.items.map(dataset => datasetToEntity(dataset, context)),
    ];
    const servicesChanged =
      serviceMatch.signature !== this.serviceMatch.signature;
    if (servicesChanged) {
      const changedIds = new Set(pipelines.items.map(pipeline => pipeline.id));
      for (const pipeline of this.pipelines.values()) {
        if (pipeline.sourceUrl && !changedIds.has(pipeline.id)) {
          candidates.push(toEntity(pipeline));
        }
      }
    }
    const added = candidates
      .map(entity => ({
        entity,
        ref: stringifyEntityRef(entity),
        hash: hashOf(entity),
      }))
      .filter(({ ref, hash }) => this.emittedHashes.get(ref) !== hash);

    if (added.length > 0) {
      await connection.applyMutation({
        type: 'delta',
        added: added.map(({ entity }) => ({
          entity,
          locationKey: PROVIDER_NAME,
        })),
        removed: [],
      });
    }

    for (const { ref, hash } of added) {
      this.emittedHashes.set(ref, hash);
    }
    for (const pipeline of pipelines.items) {
      this.pipelines.set(pipeline.id, pipeline);
    }
    this.serviceMatch = serviceMatch;
    this.cursor = pipelines.readAt;
    this.options.logger.debug(
      `Read ${pipelines.items.length} changed pipelines and ${
        datasets.items.length
      } changed datasets${
        servicesChanged ? ' and changed service locations' : ''
      }; emitted ${added.length} changed entities in ${
        Date.now() - startedAt
      } ms`,
    );
  }

  /** Pages through one export; `readAt` is the first page's. */
  private async readAll<T>(
    readPage: (query: CatalogExportQuery) => Promise<CatalogExportPage<T>>,
  ): Promise<{ items: T[]; readAt: Date }> {
    const items: T[] = [];
    let readAt: Date | undefined;
    let after: string | undefined;
    do {
      const page = await readPage({ limit: this.options.pageSize, after });
      readAt ??= new Date(page.readAt);
      items.push(...page.items);
      after = page.nextCursor;
    } while (after);
    return { items, readAt };
  }

  /**
   * The catalog's service Components with a source location, our own pipeline
   * Components excluded. The catalog may not answer, e.g. while it starts: the
   * previous match then stays, so pipelines are still emitted.
   */
  private async readServiceMatch(): Promise<ServiceMatch> {
    const { catalog, auth, logger } = this.options;
    try {
      const credentials = await auth.getOwnServiceCredentials();
      const services: ServiceLocation[] = [];
      for await (const page of catalog.streamEntities(
        {
          query: {
            $all: [
              { kind: 'component' },
              {
                [`metadata.annotations.${SOURCE_LOCATION_ANNOTATION}`]: {
                  $exists: true,
                },
              },
              {
                $not: {
                  [`metadata.annotations.${ANNOTATION_PIPELINE_ID}`]: {
                    $exists: true,
                  },
                },
              },
            ],
          },
          fields: [
            'kind',
            'metadata.namespace',
            'metadata.name',
            `metadata.annotations.${SOURCE_LOCATION_ANNOTATION}`,
          ],
        },
        { credentials },
      )) {
        for (const entity of page) {
          const sourceLocation =
            entity.metadata.annotations?.[SOURCE_LOCATION_ANNOTATION];
          if (sourceLocation) {
            services.push({
              entityRef: stringifyEntityRef(entity),
              sourceLocation,
            });
          }
        }
      }
      services.sort((a, b) => (a.entityRef < b.entityRef ? -1 : 1));
      return {
        matcher: new SourceLocationMatcher(services),
        signature: hashOf(services),
      };
    } catch (error) {
      logger.warn(
        'Could not read service Components from the catalog; pipelines stay linked to the services known before',
        toError(error),
      );
      return this.serviceMatch;
    }
  }

  private entityContext(): EntityContext {
    return { providerName: PROVIDER_NAME, defaults: this.options.defaults };
  }
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64');
}
