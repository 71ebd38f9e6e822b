import { LoggerService } from '@backstage/backend-plugin-api';
import { PipelinesStore } from '../store/PipelinesStore';
import { concatStoreWrites, StoreWrites } from '../store/StoreWrites';

const DEFAULT_TOUCH_FLUSH_INTERVAL_MS = 5_000;

interface PendingWrite {
  writes: StoreWrites;
  replayable: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes submitted while a transaction is in flight go into the
 * next one together. Each submitter is answered only after its own writes are
 * committed, so an acknowledgement never comes from memory.
 */
export class WriteBatcher {
  private pending: PendingWrite[] = [];
  private inFlight = 0;
  private flushScheduled = false;

  static create(options: {
    store: PipelinesStore;
    logger: LoggerService;
    onCommitted?: (writes: StoreWrites) => void;
    /**
     * Transactions at once; by default as many as the store runs to good
     * effect. A group that fails, as a deadlock between two may, is retried
     * write by write.
     */
    maxInFlight?: number;
    /**
     * How often deferred touches (seen and written times of known rows) are
     * flushed; 0 writes them with every commit instead.
     */
    touchFlushIntervalMs?: number;
  }): WriteBatcher {
    return new WriteBatcher(
      options.store,
      options.logger,
      Math.max(1, options.maxInFlight ?? options.store.concurrentCommits),
      options.touchFlushIntervalMs ?? DEFAULT_TOUCH_FLUSH_INTERVAL_MS,
      options.onCommitted,
    );
  }

  private readonly flushTimer?: ReturnType<typeof setInterval>;

  private constructor(
    private readonly store: PipelinesStore,
    private readonly logger: LoggerService,
    private readonly maxInFlight: number,
    touchFlushIntervalMs: number,
    private readonly onCommitted?: (writes: StoreWrites) => void,
  ) {
    if (touchFlushIntervalMs > 0) {
      this.flushTimer = setInterval(
        () => this.flushTouches(),
        touchFlushIntervalMs,
      );
      this.flushTimer.unref();
    }
  }

  /** Writes the deferred touches now; failures are logged and retried later. */
  async flushTouches(): Promise<void> {
    try {
      await this.store.flushDeferredTouches();
    } catch (error) {
      this.logger.warn(`Flushing deferred touches failed: ${error}`);
    }
  }

  /** Stops the flush timer and writes what is deferred, e.g. at shutdown. */
  async stop(): Promise<void> {
    if (this.flushTimer) {
      clearInterval(this.flushTimer);
    }
    await this.flushTouches();
  }

  /**
   * Resolves once the writes are committed; rejects if they cannot be.
   * `replayable` writes are derived from the raw events among them alone, so
   * their touches may be deferred: the raw events can replay them.
   */
  submit(
    writes: StoreWrites,
    options: { replayable?: boolean } = {},
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        writes,
        replayable: options.replayable ?? false,
        resolve,
        reject,
      });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // Let requests that arrive in the same tick join this transaction.
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush() {
    while (this.inFlight < this.maxInFlight && this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      this.inFlight += 1;
      this.commitGroup(group).finally(() => {
        this.inFlight -= 1;
        this.flush();
      });
    }
  }

  private async commitGroup(group: PendingWrite[]): Promise<void> {
    const combined = concatStoreWrites(group.map(p => p.writes));
    try {
      await this.store.applyWrites(combined, {
        deferTouches:
          this.flushTimer !== undefined && group.every(p => p.replayable),
      });
    } catch (error) {
      if (group.length === 1) {
        group[0].reject(error);
        return;
      }
      // One bad write must not fail its neighbours: commit each on its own.
      this.logger.warn(
        `Group commit of ${group.length} writes failed, retrying them one by one: ${error}`,
      );
      for (const pending of group) {
        await this.commitGroup([pending]);
      }
      return;
    }
    this.notifyCommitted(combined);
    group.forEach(p => p.resolve());
  }

  private notifyCommitted(writes: StoreWrites) {
    try {
      this.onCommitted?.(writes);
    } catch (error) {
      this.logger.error(`Post-commit hook failed: ${error}`);
    }
  }
}
