import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { FlyteClientCredentials } from './FlyteAuth';
import { PartitionFormat } from './mapping';

/** One project (and optionally one domain) to watch. */
export interface FlyteProjectDomain {
  project: string;
  /** All domains of the project when absent. */
  domain?: string;
}

/** Typed options of one Flyte provider instance. @public */
export interface FlyteProviderOptions {
  /** Instance id; the provider id is `flyte:<id>`. */
  id: string;
  title?: string;
  /** FlyteAdmin's HTTP address, e.g. `https://flyte.example.com`. */
  baseUrl: string;
  /** Where the Flyte console is served; defaults to `baseUrl`. */
  consoleUrl?: string;
  schedule?: SchedulerServiceTaskScheduleDefinition;
  /** Owner reported instead of the project. */
  owner?: string;
  /** Pipeline-name glob → owner; first match wins. */
  owners?: Record<string, string>;
  /** Launch plan (then project) label whose value names the owner. */
  ownerLabel?: string;
  /** Per request; defaults to 30 s. */
  timeoutMs?: number;
  /** `limit` of every list call; defaults to 100. */
  pageSize?: number;
  /** Pages of executions per project/domain and listRuns call; defaults to 10. */
  pagesPerPoll?: number;
  /** How far before the cursor each poll looks again; defaults to 1 min. */
  cursorOverlapMs?: number;
  /** Without a cursor, only executions updated this recently; all by default. */
  initialLookbackMs?: number;
  /** Project/domain pairs to watch; all active projects × their domains by default. */
  projects?: FlyteProjectDomain[];
  /** Projects to leave out of the default "all projects". */
  excludeProjects?: string[];
  /**
   * The input carrying the partition when the launch plan has no
   * `kickoff_time_input_arg`; matched case-insensitively. Defaults to
   * `styx_parameter`. When set explicitly it is used even if the launch plan
   * has a kickoff time argument.
   */
  partitionInput?: string;
  /** How a partition is written into a STRING input; defaults to `auto`. */
  partitionFormat?: PartitionFormat;
  /** Set `overwrite_cache` on executions created by triggerRun. */
  overwriteCache?: boolean;
  /** Static bearer token. */
  token?: string;
  clientCredentials?: FlyteClientCredentials;
  /** Header carrying the bearer token; defaults to `Authorization`. */
  authorizationHeader?: string;
}

const PARTITION_FORMATS: PartitionFormat[] = [
  'auto',
  'date',
  'hour',
  'month',
  'iso',
];

type HumanDuration = ReturnType<typeof readDurationFromConfig>;

export function durationToMs(duration: HumanDuration): number {
  return (
    (duration.milliseconds ?? 0) +
    (duration.seconds ?? 0) * 1000 +
    (duration.minutes ?? 0) * 60_000 +
    (duration.hours ?? 0) * 3_600_000 +
    (duration.days ?? 0) * 86_400_000 +
    (duration.weeks ?? 0) * 7 * 86_400_000 +
    (duration.months ?? 0) * 30 * 86_400_000 +
    (duration.years ?? 0) * 365 * 86_400_000
  );
}

/** A HumanDuration, an ISO 8601 / ms-style string, or a number of ms. */
function readOptionalMs(config: Config, key: string): number | undefined {
  if (!config.has(key)) return undefined;
  const value = config.get(key);
  if (typeof value === 'number') return value;
  return durationToMs(readDurationFromConfig(config, { key }));
}

/**
 * `owners` keys are globs such as `Extract*` or `customer-analytics/*`, which
 * are no valid config key paths: read the map as a whole.
 */
function readOwners(
  config: Config,
  id: string,
): Record<string, string> | undefined {
  const value = config.getOptional('owners');
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(
      `pipelines.providers.flyte[${id}].owners must map pipeline-name patterns to owners`,
    );
  }
  const owners: Record<string, string> = {};
  for (const [pattern, owner] of Object.entries(value)) {
    if (typeof owner !== 'string') {
      throw new InputError(
        `pipelines.providers.flyte[${id}].owners['${pattern}'] must be a string`,
      );
    }
    owners[pattern] = owner;
  }
  return owners;
}

/** Reads the instances under `pipelines.providers.flyte`. */
export function readFlyteProviderOptions(root: Config): FlyteProviderOptions[] {
  const instances = root.getOptionalConfigArray('pipelines.providers.flyte');
  return (instances ?? []).map(config => {
    const id = config.getString('id');
    const partitionFormat = config.getOptionalString('partitionFormat') as
      | PartitionFormat
      | undefined;
    if (partitionFormat && !PARTITION_FORMATS.includes(partitionFormat)) {
      throw new InputError(
        `pipelines.providers.flyte[${id}].partitionFormat must be one of ${PARTITION_FORMATS.join(
          ', ',
        )}`,
      );
    }
    const owners = readOwners(config, id);
    const credentials = config.getOptionalConfig('clientCredentials');
    return {
      id,
      title: config.getOptionalString('title'),
      baseUrl: config.getString('baseUrl'),
      consoleUrl: config.getOptionalString('consoleUrl'),
      schedule: config.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            config.getConfig('schedule'),
          )
        : undefined,
      owner: config.getOptionalString('owner'),
      owners,
      ownerLabel: config.getOptionalString('ownerLabel'),
      timeoutMs: readOptionalMs(config, 'timeout'),
      pageSize: config.getOptionalNumber('pageSize'),
      pagesPerPoll: config.getOptionalNumber('pagesPerPoll'),
      cursorOverlapMs: readOptionalMs(config, 'cursorOverlap'),
      initialLookbackMs: readOptionalMs(config, 'initialLookback'),
      projects: config.getOptionalConfigArray('projects')?.map(entry => ({
        project: entry.getString('project'),
        domain: entry.getOptionalString('domain'),
      })),
      excludeProjects: config.getOptionalStringArray('excludeProjects'),
      partitionInput: config.getOptionalString('partitionInput'),
      partitionFormat,
      overwriteCache: config.getOptionalBoolean('overwriteCache'),
      token: config.getOptionalString('token'),
      clientCredentials: credentials
        ? {
            clientId: credentials.getString('clientId'),
            clientSecret: credentials.getString('clientSecret'),
            tokenUrl: credentials.getOptionalString('tokenUrl'),
            scope: credentials.getOptionalString('scope'),
            audience: credentials.getOptionalString('audience'),
          }
        : undefined,
      authorizationHeader: config.getOptionalString('authorizationHeader'),
    };
  });
}
