import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { demoEvents } from './platform/demoEvents';
import { DemoPlatform } from './platform/demoPlatform';

/** The events service topic the pipelines plugin ingests OpenLineage from. */
const OPENLINEAGE_TOPIC = 'openlineage';
/** Events in flight at once: the ingest groups them into transactions. */
const CONCURRENCY = 256;

/**
 * Sends the demo's OpenLineage events through the events service, as a
 * Kafka or Pub/Sub event module would: the history at start-up, then every
 * call the events that became due since the last one.
 */
export class DemoFeed {
  private publishedUpTo: Date | undefined;

  constructor(
    private readonly options: {
      platform: DemoPlatform;
      events: EventsService;
      logger: LoggerService;
      seed: number;
      historyDays: number;
      clock?: () => Date;
    },
  ) {}

  /** Publishes what is due up to now; answers how many events it sent. */
  async publishDue(): Promise<number> {
    const { platform, events, seed, historyDays } = this.options;
    const now = this.options.clock?.() ?? new Date();
    const due = demoEvents(platform, {
      seed,
      now,
      historyDays,
      after: this.publishedUpTo,
    });
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const eventPayload = due[next++];
        await events.publish({ topic: OPENLINEAGE_TOPIC, eventPayload });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    this.publishedUpTo = now;
    return due.length;
  }
}
