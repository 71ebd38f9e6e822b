import { createHash } from 'node:crypto';

/** The catalog's limit on `metadata.name`. */
const MAX_NAME_LENGTH = 63;

/**
 * Hex characters of the id's sha256 kept in every name: 64 bits, so even a
 * million entities of one kind collide with a chance of about 3 in 100 million.
 */
const HASH_LENGTH = 16;

const MAX_READABLE_LENGTH = MAX_NAME_LENGTH - HASH_LENGTH - 1;

/**
 * A valid catalog entity name for a source id: a readable part, sanitised to
 * `[a-zA-Z0-9]` runs joined by single `-`, `_` or `.`, then `-` and a hash of
 * the whole id. The hash keeps names distinct where the readable parts agree,
 * are truncated, or differ only in characters the catalog does not allow.
 */
export function entityNameForId(id: string, readable: string): string {
  const hash = createHash('sha256')
    .update(id)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const prefix = sanitize(readable, MAX_READABLE_LENGTH);
  return prefix ? `${prefix}-${hash}` : hash;
}

function sanitize(text: string, maxLength: number): string {
  return (
    text
      // Accented letters keep their base letter: `Müller` becomes `Muller`.
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, separator =>
        separator === '_' || separator === '.' ? separator : '-',
      )
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, maxLength)
      .replace(/[^A-Za-z0-9]+$/, '')
  );
}

/** The entity name of a pipeline, readable part from its name. */
export function pipelineEntityName(pipeline: {
  id: string;
  name: string;
}): string {
  return entityNameForId(pipeline.id, pipeline.name);
}

/**
 * The entity name of a dataset, from its id alone, so a pipeline that only
 * knows the ids of its inputs and outputs names them as their own entities do.
 */
export function datasetEntityName(datasetId: string): string {
  return entityNameForId(datasetId, datasetNameOfId(datasetId));
}

/**
 * The OpenLineage name in a dataset id `<namespace>/<name>`. A namespace with a
 * scheme (`gs://bucket`, `kafka://broker:9092`) ends at the first `/` after its
 * authority; one without (`bigquery`) at the first `/`.
 */
export function datasetNameOfId(datasetId: string): string {
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*\/(.*)$/s.exec(
    datasetId,
  );
  if (withScheme) return withScheme[1];
  const slash = datasetId.indexOf('/');
  return slash === -1 ? datasetId : datasetId.slice(slash + 1);
}
