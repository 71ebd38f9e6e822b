import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  PIPELINES_CHANGED_SIGNAL_CHANNEL,
  pipelineSignalChannel,
} from '@tributary/plugin-pipelines-common';

/** Ids per broadcast message, and pipelines given their own signal per flush. */
const IDS_PER_MESSAGE = 500;
const PER_PIPELINE_SIGNALS_PER_FLUSH = 50;

/**
 * Tells open pages which pipelines changed: one broadcast on
 * PIPELINES_CHANGED_SIGNAL_CHANNEL with their ids, and one signal on each
 * pipeline's own channel. Changes are gathered for `intervalMs` first, so a
 * burst of events is a few messages, not one per event.
 */
export class PipelineSignals {
  private readonly pending = new Set<string>();
  /** Pipelines still owed a signal on their own channel. */
  private perPipeline: string[] = [];
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
    private readonly intervalMs = 1000,
  ) {}

  notify(pipelineIds: Iterable<string>): void {
    for (const id of pipelineIds) this.pending.add(id);
    const owed = this.pending.size > 0 || this.perPipeline.length > 0;
    if (owed && !this.timer) {
      this.timer = setTimeout(() => {
        this.flush().catch(error =>
          this.logger.warn(`Could not publish pipeline signals: ${error}`),
        );
      }, this.intervalMs);
      this.timer.unref?.();
    }
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const ids = [...this.pending].sort();
    this.pending.clear();
    for (let i = 0; i < ids.length; i += IDS_PER_MESSAGE) {
      await this.signals.publish({
        recipients: { type: 'broadcast' },
        channel: PIPELINES_CHANGED_SIGNAL_CHANNEL,
        message: { pipelineIds: ids.slice(i, i + IDS_PER_MESSAGE) },
      });
    }
    // A burst (the demo's history, a scheduler's first poll) touches
    // thousands of pipelines: their own signals go out a batch per flush.
    this.perPipeline = [...new Set([...this.perPipeline, ...ids])];
    const batch = this.perPipeline.splice(0, PER_PIPELINE_SIGNALS_PER_FLUSH);
    for (const id of batch) {
      await this.signals.publish({
        recipients: { type: 'broadcast' },
        channel: pipelineSignalChannel(id),
        message: { pipelineIds: [id] },
      });
    }
    if (this.perPipeline.length > 0) this.notify([]);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
