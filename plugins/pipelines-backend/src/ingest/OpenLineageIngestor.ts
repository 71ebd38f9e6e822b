import { LoggerService } from '@backstage/backend-plugin-api';
import { IngestEventResult } from '@tributary/plugin-pipelines-common';
import { concatStoreWrites, StoreWrites } from '../store/StoreWrites';
import { mapOpenLineageEvent } from './mapOpenLineageEvent';
import { OpenLineageValidator } from './OpenLineageValidator';
import { WriteBatcher } from './WriteBatcher';

/**
 * The one path every OpenLineage event takes, from HTTP or the events service:
 * validate, map to store writes, commit (grouped with concurrent requests).
 */
export class OpenLineageIngestor {
  static create(options: {
    validator: OpenLineageValidator;
    batcher: WriteBatcher;
    logger: LoggerService;
    maxEventBytes: number;
  }): OpenLineageIngestor {
    return new OpenLineageIngestor(
      options.validator,
      options.batcher,
      options.logger,
      options.maxEventBytes,
    );
  }

  private constructor(
    private readonly validator: OpenLineageValidator,
    private readonly batcher: WriteBatcher,
    private readonly logger: LoggerService,
    private readonly maxEventBytes: number,
  ) {}

  /**
   * Ingests events; every valid one is committed before this resolves, no
   * invalid one writes anything. Answers one result per event, in order.
   */
  async ingest(
    events: unknown[],
    options: {
      checkSizes?: boolean;
      /**
       * Bytes of the request the events came in. When it is within the
       * per-event limit no event of it can pass the limit, and measuring each
       * (serializing it again) is skipped.
       */
      requestBytes?: number;
    } = {},
  ): Promise<IngestEventResult[]> {
    const receivedAt = new Date();
    const checkSizes =
      options.checkSizes &&
      !(
        options.requestBytes !== undefined &&
        options.requestBytes <= this.maxEventBytes
      );
    const results: IngestEventResult[] = [];
    const accepted: StoreWrites[] = [];
    for (const [index, event] of events.entries()) {
      const size = checkSizes
        ? Buffer.byteLength(JSON.stringify(event) ?? '')
        : 0;
      if (size > this.maxEventBytes) {
        results.push({
          index,
          status: 'rejected',
          statusCode: 413,
          problems: [
            {
              path: '$',
              message: `event is ${size} bytes, more than the limit of ${this.maxEventBytes}`,
            },
          ],
        });
        continue;
      }
      const validation = this.validator.validate(event);
      if (!validation.valid) {
        results.push({
          index,
          status: 'rejected',
          statusCode: 400,
          problems: validation.problems,
        });
        continue;
      }
      accepted.push(mapOpenLineageEvent(validation.event, receivedAt));
      results.push({ index, status: 'accepted', statusCode: 201 });
    }

    if (accepted.length > 0) {
      await this.batcher.submit(concatStoreWrites(accepted), {
        replayable: true,
      });
    }
    const rejected = results.filter(r => r.status === 'rejected').length;
    if (rejected > 0) {
      this.logger.debug(
        `Rejected ${rejected} of ${events.length} OpenLineage events`,
      );
    }
    return results;
  }
}
