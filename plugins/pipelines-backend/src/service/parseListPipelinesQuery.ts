import { InputError } from '@backstage/errors';
import {
  isRunState,
  LIST_PIPELINES_DEFAULT_LIMIT,
  RUN_STATES,
} from '@tributary/plugin-pipelines-common';
import { ListPipelinesOptions } from '../store/PipelinesStore';

const KNOWN_PARAMETERS = [
  'offset',
  'limit',
  'search',
  'owner',
  'source',
  'state',
] as const;

type RawQuery = Record<string, unknown>;

function singleString(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InputError(`Query parameter '${name}' must be given once`);
  }
  return value;
}

function integerParameter(
  query: RawQuery,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const text = singleString(query, name);
  if (text === undefined) {
    return undefined;
  }
  if (!/^-?\d+$/.test(text)) {
    throw new InputError(
      `Query parameter '${name}' must be an integer, got '${text}'`,
    );
  }
  const value = Number(text);
  if (value < bounds.min || value > bounds.max) {
    throw new InputError(
      `Query parameter '${name}' must be between ${bounds.min} and ${bounds.max}, got ${value}`,
    );
  }
  return value;
}

/** Turns the list endpoint's query string into store options, or a 400. */
export function parseListPipelinesQuery(
  query: RawQuery,
  maxLimit: number,
): ListPipelinesOptions {
  const unknown = Object.keys(query).filter(
    key => !(KNOWN_PARAMETERS as readonly string[]).includes(key),
  );
  if (unknown.length > 0) {
    throw new InputError(
      `Unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown
        .map(key => `'${key}'`)
        .join(', ')}; expected ${KNOWN_PARAMETERS.join(', ')}`,
    );
  }

  const state = singleString(query, 'state');
  if (state !== undefined && !isRunState(state)) {
    throw new InputError(
      `Query parameter 'state' must be one of ${RUN_STATES.join(
        ', ',
      )}, got '${state}'`,
    );
  }

  const nonEmpty = (name: string) => {
    const value = singleString(query, name)?.trim();
    return value ? value : undefined;
  };

  return {
    offset:
      integerParameter(query, 'offset', {
        min: 0,
        max: Number.MAX_SAFE_INTEGER,
      }) ?? 0,
    limit:
      integerParameter(query, 'limit', { min: 1, max: maxLimit }) ??
      Math.min(LIST_PIPELINES_DEFAULT_LIMIT, maxLimit),
    search: nonEmpty('search'),
    owner: nonEmpty('owner'),
    source: nonEmpty('source'),
    state,
  };
}
