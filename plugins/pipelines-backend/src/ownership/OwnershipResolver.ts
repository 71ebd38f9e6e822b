import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/** The catalog's Groups and Users, as far as owner names can match them. */
export interface CatalogOwners {
  /** Full refs, e.g. `group:default/data-platform`. */
  refs: Set<string>;
  /** `metadata.name` → refs with that name, Groups before Users. */
  byName: Map<string, string[]>;
  /** A User's `spec.profile.email` → its ref. */
  byEmail: Map<string, string>;
}

export interface CatalogOwnerEntity {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { profile?: { email?: string } };
}

export function indexCatalogOwners(
  entities: CatalogOwnerEntity[],
): CatalogOwners {
  const owners: CatalogOwners = {
    refs: new Set(),
    byName: new Map(),
    byEmail: new Map(),
  };
  // Groups first, and the default namespace first: they win a shared name.
  const rank = (entity: CatalogOwnerEntity) =>
    (entity.kind.toLowerCase() === 'group' ? 0 : 2) +
    ((entity.metadata.namespace ?? 'default') === 'default' ? 0 : 1);
  for (const entity of [...entities].sort((a, b) => rank(a) - rank(b))) {
    const ref = stringifyEntityRef({
      kind: entity.kind,
      namespace: entity.metadata.namespace,
      name: entity.metadata.name,
    });
    owners.refs.add(ref);
    const named = owners.byName.get(entity.metadata.name) ?? [];
    named.push(ref);
    owners.byName.set(entity.metadata.name, named);
    const email = entity.spec?.profile?.email;
    if (email && !owners.byEmail.has(email)) {
      owners.byEmail.set(email, ref);
    }
  }
  return owners;
}

export interface OwnerResolution {
  /** The first source owner that resolved, as a full entity ref. */
  owner?: string;
  /** Source owners that resolved to nothing. */
  unmapped: string[];
}

/**
 * Maps owners as sources name them (an OpenLineage ownership facet, Airflow
 * DAG owners, a Styx component, a Flyte project) to catalog Group or User
 * refs: the configured mapping first, then an entity ref naming a known
 * entity, then an exact match of a Group or User name or a User's email.
 */
export class OwnershipResolver {
  private readonly mapping: Map<string, string>;

  constructor(
    mapping: Record<string, string>,
    private readonly catalog: CatalogOwners,
  ) {
    this.mapping = new Map(
      Object.entries(mapping).map(([name, ref]) => [
        name,
        normalizeOwnerRef(ref),
      ]),
    );
  }

  resolve(sourceOwners: string[] | undefined): OwnerResolution {
    let owner: string | undefined;
    const unmapped: string[] = [];
    for (const name of sourceOwners ?? []) {
      const ref = this.resolveOne(name);
      if (!ref) {
        unmapped.push(name);
      } else if (!owner) {
        owner = ref;
      }
    }
    return { owner, unmapped };
  }

  private resolveOne(name: string): string | undefined {
    const mapped = this.mapping.get(name);
    if (mapped) return mapped;
    if (name.includes(':')) {
      const ref = tryNormalizeOwnerRef(name);
      if (ref && this.catalog.refs.has(ref)) return ref;
    }
    return this.catalog.byName.get(name)?.[0] ?? this.catalog.byEmail.get(name);
  }
}

/** `data-platform` → `group:default/data-platform`; kinds other than Group or User are refused. */
export function normalizeOwnerRef(ref: string): string {
  const parsed = parseEntityRef(ref, {
    defaultKind: 'group',
    defaultNamespace: 'default',
  });
  const kind = parsed.kind.toLowerCase();
  if (kind !== 'group' && kind !== 'user') {
    throw new Error(
      `Owner '${ref}' must be a Group or User entity ref, not a ${parsed.kind}`,
    );
  }
  return stringifyEntityRef({ ...parsed, kind });
}

function tryNormalizeOwnerRef(ref: string): string | undefined {
  try {
    return normalizeOwnerRef(ref);
  } catch {
    return undefined;
  }
}
