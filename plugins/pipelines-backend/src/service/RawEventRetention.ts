import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { HumanDuration } from '@backstage/types';
import { PipelinesStore } from '../store/PipelinesStore';

export const DEFAULT_RAW_EVENT_RETENTION: HumanDuration = { days: 14 };

/** `pipelines.events.retention`, 14 days when unset. */
export function readRawEventRetention(config: Config): HumanDuration {
  return config.has('pipelines.events.retention')
    ? readDurationFromConfig(config, { key: 'pipelines.events.retention' })
    : DEFAULT_RAW_EVENT_RETENTION;
}

function durationToMs(duration: HumanDuration): number {
  const { years = 0, months = 0, weeks = 0, days = 0 } = duration;
  const { hours = 0, minutes = 0, seconds = 0, milliseconds = 0 } = duration;
  return (
    ((((years * 365 + months * 30 + weeks * 7 + days) * 24 + hours) * 60 +
      minutes) *
      60 +
      seconds) *
      1000 +
    milliseconds
  );
}

/** Deletes raw OpenLineage events older than the retention period, hourly. */
export class RawEventRetention {
  static async start(options: {
    store: PipelinesStore;
    scheduler: SchedulerService;
    logger: LoggerService;
    retention: HumanDuration;
  }): Promise<RawEventRetention> {
    const retention = new RawEventRetention(
      options.store,
      options.logger,
      durationToMs(options.retention),
    );
    await options.scheduler.scheduleTask({
      id: 'pipelines-prune-raw-events',
      frequency: { hours: 1 },
      timeout: { minutes: 15 },
      initialDelay: { minutes: 1 },
      fn: async () => {
        await retention.prune();
      },
    });
    return retention;
  }

  private constructor(
    private readonly store: PipelinesStore,
    private readonly logger: LoggerService,
    private readonly retentionMs: number,
  ) {}

  async prune(now: Date = new Date()): Promise<number> {
    const deleted = await this.store.pruneRawEvents(
      new Date(now.getTime() - this.retentionMs),
    );
    if (deleted > 0) {
      this.logger.info(`Pruned ${deleted} raw OpenLineage events`);
    }
    return deleted;
  }
}
