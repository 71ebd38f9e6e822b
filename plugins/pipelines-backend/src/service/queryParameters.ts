import { InputError } from '@backstage/errors';

type ParameterSpec =
  | { type: 'integer'; min: number; max: number }
  | { type: 'string' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'time' };

type ParsedValue<S extends ParameterSpec> = S extends { type: 'integer' }
  ? number
  : S extends { type: 'time' }
  ? Date
  : S extends { type: 'enum'; values: readonly (infer V)[] }
  ? V
  : string;

export type ParsedQuery<Specs extends Record<string, ParameterSpec>> = {
  [K in keyof Specs]?: ParsedValue<Specs[K]>;
};

/**
 * Reads a query string against the parameters an endpoint knows; anything
 * unknown, repeated or malformed is an InputError (400) that names it.
 */
export function parseQuery<Specs extends Record<string, ParameterSpec>>(
  query: Record<string, unknown>,
  specs: Specs,
): ParsedQuery<Specs> {
  const known = Object.keys(specs);
  const unknown = Object.keys(query).filter(key => !known.includes(key));
  if (unknown.length > 0) {
    throw new InputError(
      `Unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown
        .map(key => `'${key}'`)
        .join(', ')}; expected ${known.join(', ')}`,
    );
  }

  const parsed: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = query[name];
    if (raw === undefined) {
      continue;
    }
    if (typeof raw !== 'string') {
      throw new InputError(`Query parameter '${name}' must be given once`);
    }
    const text = raw.trim();
    if (text === '' && spec.type === 'string') {
      continue;
    }
    switch (spec.type) {
      case 'integer': {
        if (!/^-?\d+$/.test(text)) {
          throw new InputError(
            `Query parameter '${name}' must be an integer, got '${raw}'`,
          );
        }
        const value = Number(text);
        if (value < spec.min || value > spec.max) {
          throw new InputError(
            `Query parameter '${name}' must be between ${spec.min} and ${spec.max}, got ${value}`,
          );
        }
        parsed[name] = value;
        break;
      }
      case 'enum':
        if (!spec.values.includes(text)) {
          throw new InputError(
            `Query parameter '${name}' must be one of ${spec.values.join(
              ', ',
            )}, got '${raw}'`,
          );
        }
        parsed[name] = text;
        break;
      case 'time': {
        const value = new Date(text);
        if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(value.getTime())) {
          throw new InputError(
            `Query parameter '${name}' must be an ISO-8601 time, got '${raw}'`,
          );
        }
        parsed[name] = value;
        break;
      }
      default:
        parsed[name] = text;
    }
  }
  return parsed as ParsedQuery<Specs>;
}
