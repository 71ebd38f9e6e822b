/** Node keys of the lineage graph: `pipeline:<id>` and `dataset:<id>`. */
export type LineageNodeKind = 'pipeline' | 'dataset';

export function lineageKey(kind: LineageNodeKind, id: string): string {
  return `${kind}:${id}`;
}

/** Splits at the first ':' only: ids themselves may contain ':'. */
export function parseLineageKey(
  key: string,
): { kind: LineageNodeKind; id: string } | undefined {
  const separator = key.indexOf(':');
  if (separator < 0) return undefined;
  const kind = key.slice(0, separator);
  const id = key.slice(separator + 1);
  if ((kind !== 'pipeline' && kind !== 'dataset') || id.length === 0) {
    return undefined;
  }
  return { kind, id };
}
