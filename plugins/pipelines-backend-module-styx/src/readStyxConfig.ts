import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** One configured Styx instance, as read from `pipelines.providers.styx[]`. */
export interface StyxInstanceConfig {
  id: string;
  title?: string;
  baseUrl: string;
  token?: string;
  timeoutMs?: number;
  schedule?: SchedulerServiceTaskScheduleDefinition;
  owner?: string;
  owners?: Record<string, string>;
  pageSize?: number;
  initialLookbackMs?: number;
}

const MS: Record<string, number> = {
  years: 365 * 86_400_000,
  months: 30 * 86_400_000,
  weeks: 7 * 86_400_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
};

/** A duration in config: milliseconds, `'30s'`, `'PT30S'` or `{ seconds: 30 }`. */
function readMs(config: Config, key: string): number | undefined {
  const value = config.getOptional(key);
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const duration = readDurationFromConfig(config, { key });
  return Object.entries(duration).reduce(
    (sum, [unit, n]) => sum + (MS[unit] ?? 0) * (n as number),
    0,
  );
}

function readOwners(config: Config): Record<string, string> | undefined {
  // Read raw: config keys may not hold `*` or `/`, patterns do.
  const raw = config.getOptional('owners');
  if (raw === undefined) return undefined;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(
      `Invalid config at '${config.getString(
        'id',
      )}.owners': expected a map of pipeline name pattern to owner`,
    );
  }
  const owners: Record<string, string> = {};
  for (const [pattern, owner] of Object.entries(raw)) {
    if (typeof owner !== 'string') {
      throw new InputError(
        `Invalid owner for pattern '${pattern}' of Styx provider '${config.getString(
          'id',
        )}': expected a string`,
      );
    }
    owners[pattern] = owner;
  }
  return owners;
}

/** Reads every instance under `pipelines.providers.styx`. */
export function readStyxConfig(root: Config): StyxInstanceConfig[] {
  const instances =
    root.getOptionalConfigArray('pipelines.providers.styx') ?? [];
  return instances.map(config => {
    const pageSize = config.getOptionalNumber('pageSize');
    if (
      pageSize !== undefined &&
      (!Number.isInteger(pageSize) || pageSize < 2)
    ) {
      throw new InputError(
        `Invalid pageSize ${pageSize} of Styx provider '${config.getString(
          'id',
        )}': expected an integer of at least 2`,
      );
    }
    return {
      id: config.getString('id'),
      title: config.getOptionalString('title'),
      baseUrl: config.getString('baseUrl'),
      token: config.getOptionalString('token'),
      timeoutMs: readMs(config, 'timeout'),
      schedule: config.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            config.getConfig('schedule'),
          )
        : undefined,
      owner: config.getOptionalString('owner'),
      owners: readOwners(config),
      pageSize,
      initialLookbackMs: readMs(config, 'initialLookback'),
    };
  });
}
