import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  ProviderRun,
  SchedulerProvider,
} from '@tributary/plugin-pipelines-node';
import { WriteBatcher } from '../ingest/WriteBatcher';
import { PipelinesStore, ProviderState } from '../store/PipelinesStore';
import { providerWrites } from './providerWrites';

export const DEFAULT_POLL_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 1 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 5 },
};

/** At most this many pages of runs per poll, so one poll cannot run forever. */
const MAX_RUN_PAGES_PER_POLL = 100;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 30 * 60_000;

/** How long to wait after the given number of failures in a row. */
export function backoffDelayMs(consecutiveFailures: number): number {
  if (consecutiveFailures <= 1) return 0;
  return Math.min(
    BACKOFF_BASE_MS * 2 ** (consecutiveFailures - 2),
    BACKOFF_MAX_MS,
  );
}

/**
 * Polls every registered scheduler provider on its schedule. Tasks are global,
 * so with several replicas on one database each poll runs once; cursor and
 * health live in the store for the same reason.
 */
export class ProviderPoller {
  static create(options: {
    providers: SchedulerProvider[];
    store: PipelinesStore;
    batcher: WriteBatcher;
    scheduler: SchedulerService;
    logger: LoggerService;
  }): ProviderPoller {
    return new ProviderPoller(
      options.providers,
      options.store,
      options.batcher,
      options.scheduler,
      options.logger,
    );
  }

  private constructor(
    private readonly providers: SchedulerProvider[],
    private readonly store: PipelinesStore,
    private readonly batcher: WriteBatcher,
    private readonly scheduler: SchedulerService,
    private readonly logger: LoggerService,
  ) {
    const ids = providers.map(p => p.id);
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) {
      throw new Error(`Two scheduler providers have the id '${duplicate}'`);
    }
  }

  async start(): Promise<void> {
    for (const provider of this.providers) {
      await this.scheduler.scheduleTask({
        id: `pipelines-poll-${provider.id}`,
        ...DEFAULT_POLL_SCHEDULE,
        ...provider.schedule,
        fn: async abortSignal => {
          await this.poll(provider, { signal: abortSignal });
        },
      });
      this.logger.info(
        `Polling scheduler provider ${provider.id} (${provider.title})`,
      );
    }
  }

  /** One poll; failures are recorded, not thrown. Answers what it did. */
  async poll(
    provider: SchedulerProvider,
    options: { signal?: AbortSignal; now?: Date } = {},
  ): Promise<'polled' | 'failed' | 'backing-off'> {
    const now = options.now ?? new Date();
    const state = await this.store.getProviderState(provider.id);
    if (state.consecutiveFailures > 0 && state.lastFailureAt) {
      const retryAt =
        state.lastFailureAt.getTime() +
        backoffDelayMs(state.consecutiveFailures);
      if (now.getTime() < retryAt) {
        return 'backing-off';
      }
    }

    try {
      const pipelines = await provider.listPipelines({
        signal: options.signal,
      });
      const runs: ProviderRun[] = [];
      let cursor = state.cursor;
      for (let page = 0; page < MAX_RUN_PAGES_PER_POLL; page++) {
        const result = await provider.listRuns({
          cursor,
          signal: options.signal,
        });
        runs.push(...result.runs);
        cursor = result.cursor ?? cursor;
        if (!result.hasMore) break;
      }
      const dependencies =
        provider.capabilities.taskDependencies && provider.listDependencies
          ? await provider.listDependencies({ signal: options.signal })
          : [];

      await this.batcher.submit(
        providerWrites(provider, { pipelines, runs, dependencies }, now),
      );
      await this.store.saveProviderState({
        providerId: provider.id,
        cursor,
        lastSuccessAt: now,
        consecutiveFailures: 0,
      });
      this.logger.debug(
        `Polled ${provider.id}: ${pipelines.length} pipelines, ${runs.length} runs, ${dependencies.length} dependencies`,
      );
      return 'polled';
    } catch (error) {
      const failed: ProviderState = {
        ...state,
        lastFailureAt: now,
        lastError: error instanceof Error ? error.message : String(error),
        consecutiveFailures: state.consecutiveFailures + 1,
      };
      await this.store.saveProviderState(failed);
      this.logger.warn(
        `Poll of scheduler provider ${provider.id} failed (${
          failed.consecutiveFailures
        } in a row, next try in ≥ ${Math.round(
          backoffDelayMs(failed.consecutiveFailures) / 1000,
        )} s): ${failed.lastError}`,
      );
      return 'failed';
    }
  }
}
