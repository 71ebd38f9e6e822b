import {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { UnmappedOwner } from '@tributary/plugin-pipelines-common';
import { OwnerChanges, PipelinesStore } from '../store/PipelinesStore';
import {
  CatalogOwners,
  indexCatalogOwners,
  normalizeOwnerRef,
  OwnershipResolver,
} from './OwnershipResolver';

/** How long one replica reuses the catalog's Groups and Users. */
const CATALOG_OWNERS_MAX_AGE_MS = 60_000;
const UNMAPPED_EXAMPLES = 5;

export function readOwnerMapping(
  config: RootConfigService,
): Record<string, string> {
  const mapping: Record<string, string> = {};
  const entries =
    config.getOptionalConfigArray('pipelines.ownership.mapping') ?? [];
  for (const entry of entries) {
    // A list, not an object: config keys cannot hold the '@' or '.' of
    // e-mail addresses, which sources often name owners by.
    const source = entry.getString('source');
    const owner = entry.getString('owner');
    try {
      mapping[source] = normalizeOwnerRef(owner);
    } catch (error) {
      throw new InputError(
        `Invalid pipelines.ownership.mapping entry for '${source}': ${
          (error as Error).message
        }`,
      );
    }
  }
  return mapping;
}

/**
 * Keeps the `owner` of every pipeline and dataset resolved from the owners its
 * source names, and reports the names nothing resolves. A dataset without
 * owners of its own takes its producing pipeline's.
 */
export class OwnershipService {
  private catalogOwners?: { owners: CatalogOwners; loadedAt: number };

  constructor(
    private readonly options: {
      store: PipelinesStore;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      mapping: Record<string, string>;
    },
  ) {}

  /** Writes every owner that changed; answers how many rows changed. */
  async sync(): Promise<number> {
    const { changes } = await this.resolveAll(true);
    const changed = changes.pipelines.length + changes.datasets.length;
    if (changed > 0) {
      await this.options.store.saveOwners(changes);
      this.options.logger.info(
        `Resolved owners changed for ${changes.pipelines.length} pipelines and ${changes.datasets.length} datasets`,
      );
    }
    return changed;
  }

  async listUnmapped(): Promise<UnmappedOwner[]> {
    const { unmapped } = await this.resolveAll(false);
    return [...unmapped.values()].sort(
      (a, b) =>
        b.pipelineCount + b.datasetCount - (a.pipelineCount + a.datasetCount) ||
        a.name.localeCompare(b.name),
    );
  }

  private async resolveAll(freshCatalog: boolean) {
    const resolver = new OwnershipResolver(
      this.options.mapping,
      await this.loadCatalogOwners(freshCatalog),
    );
    const rows = await this.options.store.listOwnershipRows();
    const changes: OwnerChanges = { pipelines: [], datasets: [] };
    const unmapped = new Map<string, UnmappedOwner>();
    const report = (
      names: string[],
      id: string,
      kind: 'pipeline' | 'dataset',
    ) => {
      for (const name of names) {
        const entry = unmapped.get(name) ?? {
          name,
          pipelineCount: 0,
          datasetCount: 0,
          examples: [],
        };
        if (kind === 'pipeline') entry.pipelineCount += 1;
        else entry.datasetCount += 1;
        if (entry.examples.length < UNMAPPED_EXAMPLES) entry.examples.push(id);
        unmapped.set(name, entry);
      }
    };

    const pipelineOwners = new Map<string, string | undefined>();
    for (const pipeline of rows.pipelines) {
      const { owner, unmapped: names } = resolver.resolve(
        pipeline.sourceOwners,
      );
      report(names, pipeline.id, 'pipeline');
      pipelineOwners.set(pipeline.id, owner);
      if (owner !== pipeline.owner) {
        changes.pipelines.push({ id: pipeline.id, owner: owner ?? null });
      }
    }
    for (const dataset of rows.datasets) {
      const own = resolver.resolve(dataset.sourceOwners);
      report(own.unmapped, dataset.id, 'dataset');
      const owner =
        own.owner ??
        (dataset.producerId
          ? pipelineOwners.get(dataset.producerId)
          : undefined);
      if (owner !== dataset.owner) {
        changes.datasets.push({ id: dataset.id, owner: owner ?? null });
      }
    }
    return { changes, unmapped };
  }

  private async loadCatalogOwners(fresh: boolean): Promise<CatalogOwners> {
    const cached = this.catalogOwners;
    if (
      cached &&
      !fresh &&
      Date.now() - cached.loadedAt < CATALOG_OWNERS_MAX_AGE_MS
    ) {
      return cached.owners;
    }
    // A failure here fails the sync rather than clearing owners that only
    // the catalog's names resolved.
    const { items } = await this.options.catalog.getEntities(
      {
        filter: [{ kind: 'group' }, { kind: 'user' }],
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'spec.profile.email',
        ],
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    const owners = indexCatalogOwners(items);
    this.catalogOwners = { owners, loadedAt: Date.now() };
    return owners;
  }
}
