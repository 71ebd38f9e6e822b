/** Airflow's default owner: what a DAG reports when its author named none. */
const DEFAULT_AIRFLOW_OWNER = 'airflow';

/** `*` any characters, `?` one; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  const source = glob
    .split('')
    .map(c => {
      if (c === '*') return '.*';
      if (c === '?') return '.';
      return c.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/** Owners as configured: pattern → owner, first match wins; then the default. */
export class OwnerRules {
  static create(options: {
    /** Pipeline-name glob → owner, in the order written. */
    owners?: Record<string, string>;
    /** Owner of everything no pattern matches. */
    owner?: string;
  }): OwnerRules {
    return new OwnerRules(
      Object.entries(options.owners ?? {}).map(([glob, owner]) => ({
        pattern: globToRegExp(glob),
        owner,
      })),
      options.owner,
    );
  }

  private constructor(
    private readonly rules: Array<{ pattern: RegExp; owner: string }>,
    private readonly owner?: string,
  ) {}

  /** The DAG's own owners, or the configured ones when it names none. */
  ownersOf(dagId: string, dagOwners: string[] | null | undefined): string[] {
    const named = (dagOwners ?? [])
      .map(o => o.trim())
      .filter(o => o && o !== DEFAULT_AIRFLOW_OWNER);
    if (named.length) return named;
    const rule = this.rules.find(r => r.pattern.test(dagId));
    if (rule) return [rule.owner];
    return this.owner ? [this.owner] : [];
  }
}
