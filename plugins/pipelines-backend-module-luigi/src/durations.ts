import { Config, readDurationFromConfig } from '@backstage/config';

const UNIT_MS: Record<string, number> = {
  milliseconds: 1,
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
  months: 30 * 86_400_000,
  years: 365 * 86_400_000,
};

/**
 * Reads an optional duration: a number of milliseconds, an ISO 8601 or `ms`
 * style string, or an object such as `{ seconds: 20 }`.
 */
export function readOptionalDurationMs(
  config: Config,
  key: string,
): number | undefined {
  if (!config.has(key)) return undefined;
  const raw = config.get(key);
  if (typeof raw === 'number') {
    if (!(raw > 0)) {
      throw new Error(`Invalid ${key} ${raw}: expected a positive duration`);
    }
    return raw;
  }
  const duration = readDurationFromConfig(config, { key }) as Record<
    string,
    number | undefined
  >;
  let ms = 0;
  for (const [unit, value] of Object.entries(duration)) {
    ms += (value ?? 0) * (UNIT_MS[unit] ?? 0);
  }
  if (!(ms > 0)) {
    throw new Error(`Invalid ${key}: expected a positive duration`);
  }
  return ms;
}
