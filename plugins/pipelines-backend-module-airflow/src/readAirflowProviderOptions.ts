import { readSchedulerServiceTaskScheduleDefinitionFromConfig } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { AirflowProviderOptions } from './AirflowProvider';
import { AirflowReprocessBehavior } from './airflowTypes';

const MS_PER: Record<string, number> = {
  years: 365.25 * 24 * 3600_000,
  months: (365.25 / 12) * 24 * 3600_000,
  weeks: 7 * 24 * 3600_000,
  days: 24 * 3600_000,
  hours: 3600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
};

/** A duration key as milliseconds: a number is ms, else a HumanDuration. */
export function readOptionalDurationMs(
  config: Config,
  key: string,
): number | undefined {
  const value = config.getOptional(key);
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const duration = readDurationFromConfig(config, { key });
  return Object.entries(duration).reduce(
    (sum, [unit, amount]) => sum + (amount ?? 0) * (MS_PER[unit] ?? 0),
    0,
  );
}

const REPROCESS_BEHAVIORS: AirflowReprocessBehavior[] = [
  'none',
  'failed',
  'completed',
];

/** One entry of `pipelines.providers.airflow` as provider options. */
export function readAirflowProviderOptions(
  config: Config,
): Omit<AirflowProviderOptions, 'logger'> {
  const id = config.getString('id');
  const where = `pipelines.providers.airflow[id=${id}]`;
  const baseUrl = config.getString('baseUrl');
  for (const [key, url] of [
    ['baseUrl', baseUrl],
    ['webUrl', config.getOptionalString('webUrl')],
  ]) {
    if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) {
      throw new InputError(
        `${where}.${key} must be an http(s) URL, not '${url}'`,
      );
    }
  }

  const owners = config.getOptional('owners');
  if (
    owners !== undefined &&
    (typeof owners !== 'object' ||
      owners === null ||
      Array.isArray(owners) ||
      Object.values(owners).some(v => typeof v !== 'string'))
  ) {
    throw new InputError(
      `${where}.owners must map pipeline-name patterns to owner strings`,
    );
  }

  const reprocessBehavior = config.getOptionalString(
    'backfill.reprocessBehavior',
  );
  if (
    reprocessBehavior !== undefined &&
    !REPROCESS_BEHAVIORS.includes(reprocessBehavior as AirflowReprocessBehavior)
  ) {
    throw new InputError(
      `${where}.backfill.reprocessBehavior must be one of ${REPROCESS_BEHAVIORS.join(
        ', ',
      )}`,
    );
  }

  const username = config.getOptionalString('auth.username');
  const password = config.getOptionalString('auth.password');
  if (Boolean(username) !== Boolean(password)) {
    throw new InputError(
      `${where}.auth needs both username and password, or neither`,
    );
  }

  return {
    id,
    title: config.getOptionalString('title'),
    baseUrl,
    webUrl: config.getOptionalString('webUrl'),
    schedule: config.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          config.getConfig('schedule'),
        )
      : undefined,
    owner: config.getOptionalString('owner'),
    owners: owners as Record<string, string> | undefined,
    timeoutMs: readOptionalDurationMs(config, 'timeout'),
    credentials: {
      username,
      password,
      token: config.getOptionalString('auth.token'),
    },
    pageSize: config.getOptionalNumber('pageSize'),
    cursorOverlapMs: readOptionalDurationMs(config, 'cursorOverlap'),
    errorLookbackMs: readOptionalDurationMs(config, 'errorLookback'),
    reprocessBehavior: reprocessBehavior as
      | AirflowReprocessBehavior
      | undefined,
  };
}
