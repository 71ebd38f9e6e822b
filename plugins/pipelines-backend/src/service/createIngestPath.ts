import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { OpenLineageIngestor } from '../ingest/OpenLineageIngestor';
import { OpenLineageValidator } from '../ingest/OpenLineageValidator';
import { WriteBatcher } from '../ingest/WriteBatcher';
import { LineageService } from '../lineage/LineageService';
import { PipelinesStore } from '../store/PipelinesStore';
import { StoreWrites } from '../store/StoreWrites';
import { DEFAULT_MAX_EVENT_BYTES } from './router';

/**
 * The write path over a store: the group committer, the lineage graph it keeps
 * current, and the OpenLineage ingestor in front of it. The plugin, the tests
 * and the benchmarks all wire it here.
 */
export function createIngestPath(options: {
  store: PipelinesStore;
  config: RootConfigService;
  logger: LoggerService;
  /** Compiling the schemas takes a while; tests share one. */
  validator?: OpenLineageValidator;
  /** Also told of every committed group of writes. */
  onCommitted?: (writes: StoreWrites) => void;
}) {
  const { store, config, logger } = options;
  const lineage = LineageService.create({ store, logger });
  const batcher = WriteBatcher.create({
    store,
    logger,
    maxInFlight: config.getOptionalNumber(
      'pipelines.ingest.maxConcurrentCommits',
    ),
    touchFlushIntervalMs: config.getOptionalNumber(
      'pipelines.ingest.touchFlushIntervalMs',
    ),
    onCommitted: writes => {
      lineage.addCommittedWrites(writes);
      options.onCommitted?.(writes);
    },
  });
  const ingestor = OpenLineageIngestor.create({
    validator: options.validator ?? OpenLineageValidator.create(),
    batcher,
    logger,
    maxEventBytes:
      config.getOptionalNumber('pipelines.ingest.maxEventBytes') ??
      DEFAULT_MAX_EVENT_BYTES,
  });
  return { lineage, batcher, ingestor };
}
