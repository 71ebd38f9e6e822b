import { LoggerService } from '@backstage/backend-plugin-api';
import { PipelinesStore, StoredRawEvent } from '../store/PipelinesStore';
import { concatStoreWrites, StoreWrites } from '../store/StoreWrites';
import { mapOpenLineageEvent } from './mapOpenLineageEvent';
import { OpenLineageEvent } from './openLineageTypes';

/** A replica flushes every few seconds; one silent this long has died or hung. */
const DEFAULT_STALE_AFTER_MS = 60_000;
const PAGE_SIZE = 500;

/**
 * Replays the raw events behind another replica's unflushed touches, when
 * that replica stopped without flushing them. Every write is an idempotent
 * merge, so replaying events whose writes did land changes nothing.
 */
export class DeferredTouchRecovery {
  constructor(
    private readonly store: PipelinesStore,
    private readonly logger: LoggerService,
    private readonly staleAfterMs = DEFAULT_STALE_AFTER_MS,
  ) {}

  /** A payload that cannot be read again is skipped, not retried forever. */
  private writesOf(raw: StoredRawEvent): StoreWrites[] {
    try {
      return [
        mapOpenLineageEvent(
          JSON.parse(raw.payload) as OpenLineageEvent,
          raw.receivedAt,
        ),
      ];
    } catch (error) {
      this.logger.warn(`Cannot replay raw event ${raw.id}: ${error}`);
      return [];
    }
  }

  /** Answers the number of raw events replayed. */
  async run(now = new Date()): Promise<number> {
    const stale = await this.store.listStaleTouchCheckpoints(
      new Date(now.getTime() - this.staleAfterMs),
    );
    let replayed = 0;
    for (const checkpoint of stale) {
      let after: { receivedAt: Date; id: string } | undefined;
      for (;;) {
        const page = await this.store.listRawEventsReceivedSince({
          since: checkpoint.pendingSince,
          after,
          limit: PAGE_SIZE,
        });
        if (page.length === 0) {
          break;
        }
        await this.store.applyWrites(
          concatStoreWrites(page.flatMap(raw => this.writesOf(raw))),
        );
        replayed += page.length;
        const last = page[page.length - 1];
        after = { receivedAt: last.receivedAt, id: last.id };
      }
      await this.store.clearTouchCheckpoint(checkpoint);
      this.logger.info(
        `Replica ${
          checkpoint.replicaId
        } stopped with seen and written times unflushed since ${checkpoint.pendingSince.toISOString()}; replayed ${replayed} raw events from then on`,
      );
    }
    return replayed;
  }
}
