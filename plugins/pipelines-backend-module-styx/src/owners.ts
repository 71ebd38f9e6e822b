/** Configured owners: glob patterns over pipeline names, and a default. */
export interface OwnerRules {
  /** Pattern → owner, tried in order; `*` is any run of characters, `?` one. */
  owners?: Record<string, string>;
  owner?: string;
}

function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('')
    .map(c => {
      if (c === '*') return '.*';
      if (c === '?') return '.';
      return c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * The owners to report for a pipeline: the scheduler's own when it names any,
 * otherwise the first configured pattern matching the name, otherwise the
 * default owner.
 */
export function resolveOwners(
  name: string,
  schedulerOwners: Array<string | null | undefined>,
  rules: OwnerRules,
): string[] | undefined {
  const named = schedulerOwners.filter(
    (o): o is string => typeof o === 'string' && o.trim() !== '',
  );
  if (named.length) return named;
  for (const [pattern, owner] of Object.entries(rules.owners ?? {})) {
    if (globToRegExp(pattern).test(name)) return [owner];
  }
  return rules.owner ? [rules.owner] : undefined;
}
