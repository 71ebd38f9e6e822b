/**
 * Owners of pipelines, from configuration: Luigi names none. The first glob
 * pattern (`*`, `?`) matching the whole pipeline name wins, then the default.
 */
export class OwnerResolver {
  static create(options: {
    owner?: string;
    owners?: Record<string, string>;
  }): OwnerResolver {
    const patterns = Object.entries(options.owners ?? {}).map(
      ([pattern, owner]) => ({ regex: globToRegExp(pattern), owner }),
    );
    return new OwnerResolver(patterns, options.owner);
  }

  private readonly cache = new Map<string, string[] | undefined>();

  private constructor(
    private readonly patterns: Array<{ regex: RegExp; owner: string }>,
    private readonly defaultOwner: string | undefined,
  ) {}

  ownersOf(pipelineName: string): string[] | undefined {
    if (this.cache.has(pipelineName)) return this.cache.get(pipelineName);
    const match = this.patterns.find(p => p.regex.test(pipelineName));
    const owner = match?.owner ?? this.defaultOwner;
    const owners = owner ? [owner] : undefined;
    this.cache.set(pipelineName, owners);
    return owners;
  }
}

/** `Extract*` → /^Extract.*$/; every other character stands for itself. */
export function globToRegExp(pattern: string): RegExp {
  const source = Array.from(pattern, ch => {
    if (ch === '*') return '.*';
    if (ch === '?') return '.';
    return ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }).join('');
  return new RegExp(`^${source}$`, 's');
}
