import { LoggerService } from '@backstage/backend-plugin-api';
import { IngestEventResult } from '@tributary/plugin-pipelines-common';
import { concatStoreWrites, StoreWrites } from '../store/StoreWrites';
import { mapOpenLineageEvent } from './mapOpenLineageEvent';
import { OpenLineageValidator } from './OpenLineageValidator';
import { WriteBatcher } from './WriteBatcher';

/**
 * Events of a request committed together: the first half of a batch of 100
 * commits while the second is validated and mapped. Measured with the ingest
 * bench, 25 a commit cost more than the overlap gained.
 */
const COMMIT_CHUNK_EVENTS = 50;

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
    const commits: Array<Promise<void>> = [];
    let accepted: StoreWrites[] = [];
    const submitAccepted = () => {
      if (accepted.length > 0) {
        commits.push(
          this.batcher.submit(concatStoreWrites(accepted), {
            replayable: true,
          }),
        );
        accepted = [];
      }
    };
    for (const [index, event] of events.entries()) {
      if (index > 0 && index % COMMIT_CHUNK_EVENTS === 0) {
        // This chunk commits while the next is validated and mapped.
        submitAccepted();
        await new Promise(resolve => setImmediate(resolve));
      }
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
    submitAccepted();
    // Every commit settles before the answer, the first failure fails it.
    const failed = (await Promise.allSettled(commits)).find(
      (outcome): outcome is PromiseRejectedResult =>
        outcome.status === 'rejected',
    );
    if (failed) {
      throw failed.reason;
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
