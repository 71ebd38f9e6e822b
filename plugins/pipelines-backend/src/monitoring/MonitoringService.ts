import {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { NotificationSeverity } from '@backstage/plugin-notifications-common';
import {
  ANNOTATION_DATASET_ID,
  ANNOTATION_PIPELINE_ID,
} from '@tributary/plugin-pipelines-common';
import { durationToMilliseconds } from '@backstage/types';
import { randomUUID } from 'node:crypto';
import {
  parsePartitionSchedule,
  PartitionSchedule,
} from '../backfills/partitionSchedule';
import {
  describeFreshnessTarget,
  FreshnessTarget,
  parseFreshnessTarget,
} from '../freshness/freshnessTarget';
import { DuePartition, duePartitions } from '../freshness/lateness';
import { LineageService } from '../lineage/LineageService';
import {
  findPipelineEntityRef,
  pipelineTabPath,
} from '../service/pipelineEntities';
import {
  AlertKind,
  DatabaseMonitoringStore,
  MonitoredPipeline,
  PipelineHealth,
  sameHealth,
  StoredAlert,
} from '../store/DatabaseMonitoringStore';
import { PipelinesStore } from '../store/PipelinesStore';

/** Annotation on a catalog entity of a pipeline or dataset. */
export const ANNOTATION_FRESHNESS = 'tributary.dev/freshness';

const DEFAULT_FAILURE_STREAK = 3;
const DEFAULT_LOOKBACK_MS = 7 * 24 * 3600_000;
const IMPACT_DEPTH = 20;
const IMPACT_LIMIT = 2000;
const MAX_OWNERS_LISTED = 10;

/** `pipelines.freshness.targets`: a pipeline id (`*` matches any text) → target. */
export interface ConfiguredTarget {
  pattern: RegExp;
  text: string;
  target: FreshnessTarget;
}

export function readConfiguredTargets(
  config: RootConfigService,
): ConfiguredTarget[] {
  const entries = config.getOptionalConfigArray('pipelines.freshness.targets');
  return (entries ?? []).map((entry, index) => {
    const pipeline = entry.getString('pipeline');
    const text = entry.getString('target');
    // Parsed at start-up: a bad target in config stops the backend with why.
    const target = parseFreshnessTarget(
      text,
      `pipelines.freshness.targets[${index}]`,
    );
    const pattern = new RegExp(
      `^${pipeline
        .split('*')
        .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    return { pattern, text, target };
  });
}

export interface MonitoringOptions {
  failureStreak: number;
  lookbackMs: number;
  targets: ConfiguredTarget[];
}

export function readMonitoringOptions(
  config: RootConfigService,
): MonitoringOptions {
  const failureStreak =
    config.getOptionalNumber('pipelines.monitoring.failureStreak') ??
    DEFAULT_FAILURE_STREAK;
  if (!Number.isInteger(failureStreak) || failureStreak < 1) {
    throw new InputError(
      `pipelines.monitoring.failureStreak must be a positive integer, not ${failureStreak}`,
    );
  }
  const lookbackMs = config.has('pipelines.monitoring.lookback')
    ? durationToMilliseconds(
        readDurationFromConfig(config, {
          key: 'pipelines.monitoring.lookback',
        }),
      )
    : DEFAULT_LOOKBACK_MS;
  return { failureStreak, lookbackMs, targets: readConfiguredTargets(config) };
}

/** What an incident reaches downstream, through lineage. */
export interface Impact {
  downstreamPipelines: number;
  downstreamDatasets: number;
  /** Owners of downstream nodes other than the pipeline's own. */
  owners: string[];
}

export function severityOf(impact: Impact): NotificationSeverity {
  if (impact.downstreamPipelines >= 10) return 'critical';
  if (impact.downstreamPipelines >= 1) return 'high';
  return 'normal';
}

function describeImpact(impact: Impact): string {
  if (impact.downstreamPipelines + impact.downstreamDatasets === 0) {
    return 'Nothing downstream reads its output.';
  }
  const owners = impact.owners.length
    ? ` Owners affected: ${impact.owners
        .slice(0, MAX_OWNERS_LISTED)
        .join(', ')}${
        impact.owners.length > MAX_OWNERS_LISTED
          ? ` and ${impact.owners.length - MAX_OWNERS_LISTED} more`
          : ''
      }.`
    : '';
  return `Downstream: ${impact.downstreamPipelines} pipelines and ${impact.downstreamDatasets} datasets.${owners}`;
}

export interface EvaluationResult {
  evaluated: number;
  withTarget: number;
  late: number;
  failing: number;
  changed: string[];
  opened: number;
  resolved: number;
}

/**
 * Evaluates every pipeline on a schedule: its freshness target (catalog
 * annotation, then config, then what its source reports), the partitions
 * past their deadline, and its failure streak. Opens one alert incident per
 * episode of lateness or failure and resolves it on recovery; each opening
 * and recovery is one notification to the owner.
 */
export class MonitoringService {
  private readonly schedules = new Map<string, PartitionSchedule | null>();
  private readonly parsedTargets = new Map<string, FreshnessTarget | null>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly deps: {
      store: PipelinesStore;
      monitoring: DatabaseMonitoringStore;
      lineage: LineageService;
      catalog: CatalogService;
      auth: AuthService;
      notifications?: NotificationService;
      logger: LoggerService;
      options: MonitoringOptions;
      /** Told the pipelines whose health changed. */
      onChanged?: (pipelineIds: string[]) => void;
      clock?: () => Date;
    },
  ) {}

  async evaluate(): Promise<EvaluationResult> {
    const now = (this.deps.clock ?? (() => new Date()))();
    const windowStart = now.getTime() - this.deps.options.lookbackMs;
    const annotated = await this.annotatedTargets();
    const pipelines = await this.deps.monitoring.listMonitoredPipelines();
    const summaries = await this.deps.monitoring.listRunSummaries(
      new Date(windowStart),
    );

    // Pipelines on one schedule with one target share their due partitions:
    // computed once a cycle, not once a pipeline.
    const dueCache = new Map<string, DuePartition[]>();
    const dueOf = (
      schedule: PartitionSchedule,
      targetText: string,
      target: FreshnessTarget,
      from: number,
    ) => {
      const key = `${schedule.description}|${targetText}|${from}`;
      let due = dueCache.get(key);
      if (!due) {
        due = duePartitions({ schedule, target, from: new Date(from), now });
        dueCache.set(key, due);
      }
      return due;
    };
    const changes: Array<{ pipelineId: string; health: PipelineHealth }> = [];
    const states = new Map<
      string,
      { pipeline: MonitoredPipeline; health: PipelineHealth }
    >();
    let withTarget = 0;
    for (const pipeline of pipelines) {
      const summary = summaries.get(pipeline.id);
      const targetText = this.targetTextOf(pipeline, annotated);
      const health: PipelineHealth = {
        monitoredTarget: targetText,
        failureStreak: summary?.failureStreak || undefined,
      };
      const target = targetText
        ? this.targetOf(targetText, pipeline.id)
        : undefined;
      const schedule = target ? this.scheduleOf(pipeline) : undefined;
      if (targetText && target && schedule) {
        withTarget++;
        // Partitions count from when the pipeline is known to exist: its
        // first sighting, or its oldest run when that is older (a scheduler
        // seen for the first time reports its history).
        const from = Math.max(
          windowStart,
          Math.min(
            pipeline.firstSeenAt.getTime(),
            summary?.firstPartition ?? Infinity,
          ),
        );
        try {
          const late = dueOf(schedule, targetText, target, from).filter(
            due => !summary?.succeeded.has(due.partition.getTime()),
          );
          if (late.length > 0) {
            health.lateSince = late[0].deadline;
            health.latePartitions = late.length;
            health.lateOldestPartition = late[0].partition;
          }
        } catch (error) {
          this.warnOnce(
            `lookback:${pipeline.id}`,
            `Cannot evaluate the freshness of ${pipeline.id}: ${error}`,
          );
        }
      }
      states.set(pipeline.id, { pipeline, health });
      if (!sameHealth(health, pipeline.health)) {
        changes.push({ pipelineId: pipeline.id, health });
      }
    }
    await this.deps.monitoring.saveHealth(changes);
    if (changes.length > 0) {
      this.deps.onChanged?.(changes.map(c => c.pipelineId));
    }

    const { opened, resolved } = await this.updateAlerts(states, now);
    await this.notifyPending(states);
    let late = 0;
    let failing = 0;
    for (const { health } of states.values()) {
      if (health.lateSince) late++;
      if ((health.failureStreak ?? 0) >= this.deps.options.failureStreak) {
        failing++;
      }
    }
    return {
      evaluated: pipelines.length,
      withTarget,
      late,
      failing,
      changed: changes.map(c => c.pipelineId),
      opened,
      resolved,
    };
  }

  /** Targets from the catalog: pipeline entities, and datasets' producers. */
  private async annotatedTargets(): Promise<Map<string, string>> {
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${ANNOTATION_FRESHNESS}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.annotations',
        ],
      },
      { credentials: await this.deps.auth.getOwnServiceCredentials() },
    );
    const targets = new Map<string, string>();
    const datasetTargets: Array<{ datasetId: string; text: string }> = [];
    for (const entity of items) {
      const annotations = entity.metadata.annotations ?? {};
      const text = annotations[ANNOTATION_FRESHNESS];
      const where = `annotation ${ANNOTATION_FRESHNESS} of ${stringifyEntityRef(
        entity,
      )}`;
      if (!text || !this.targetOf(text, where)) continue;
      if (annotations[ANNOTATION_PIPELINE_ID]) {
        targets.set(annotations[ANNOTATION_PIPELINE_ID], text);
      } else if (annotations[ANNOTATION_DATASET_ID]) {
        datasetTargets.push({
          datasetId: annotations[ANNOTATION_DATASET_ID],
          text,
        });
      }
    }
    // A dataset is fresh when its producing partition is: its target applies
    // to producers that have none of their own.
    for (const { datasetId, text } of datasetTargets) {
      const dataset = await this.deps.store.getDataset(datasetId);
      for (const producer of dataset?.producers ?? []) {
        if (!targets.has(producer.id)) targets.set(producer.id, text);
      }
    }
    return targets;
  }

  private targetTextOf(
    pipeline: MonitoredPipeline,
    annotated: Map<string, string>,
  ): string | undefined {
    const fromAnnotation = annotated.get(pipeline.id);
    if (fromAnnotation) return fromAnnotation;
    const configured = this.deps.options.targets.find(t =>
      t.pattern.test(pipeline.id),
    );
    if (configured) return configured.text;
    return pipeline.sourceTarget;
  }

  /** Parsed once per text; an unparseable one is warned about once. */
  private targetOf(text: string, where: string): FreshnessTarget | undefined {
    if (!this.parsedTargets.has(text)) {
      try {
        this.parsedTargets.set(text, parseFreshnessTarget(text, where));
      } catch (error) {
        this.parsedTargets.set(text, null);
        this.warnOnce(`target:${text}`, (error as Error).message);
      }
    }
    return this.parsedTargets.get(text) ?? undefined;
  }

  private scheduleOf(
    pipeline: MonitoredPipeline,
  ): PartitionSchedule | undefined {
    const key = pipeline.schedule ?? '';
    if (!this.schedules.has(key)) {
      try {
        this.schedules.set(key, parsePartitionSchedule(pipeline.schedule));
      } catch {
        this.schedules.set(key, null);
      }
    }
    const schedule = this.schedules.get(key);
    if (!schedule) {
      this.warnOnce(
        `schedule:${pipeline.id}`,
        `${
          pipeline.id
        } has a freshness target but no schedule it can be aligned to ('${
          pipeline.schedule ?? ''
        }'): its lateness is not evaluated`,
      );
    }
    return schedule ?? undefined;
  }

  private warnOnce(key: string, message: string) {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.deps.logger.warn(message);
  }

  private async updateAlerts(
    states: Map<
      string,
      { pipeline: MonitoredPipeline; health: PipelineHealth }
    >,
    now: Date,
  ): Promise<{ opened: number; resolved: number }> {
    const open = new Map<string, StoredAlert>();
    for (const alert of await this.deps.monitoring.listUnsettledAlerts()) {
      if (!alert.resolvedAt)
        open.set(`${alert.pipelineId}|${alert.kind}`, alert);
    }
    let opened = 0;
    let resolved = 0;
    const step = async (
      pipelineId: string,
      kind: AlertKind,
      active: boolean,
      incidentKey: () => string,
      details: () => Record<string, unknown>,
    ) => {
      const existing = open.get(`${pipelineId}|${kind}`);
      if (active && !existing) {
        await this.deps.monitoring.insertAlert({
          id: randomUUID(),
          pipelineId,
          kind,
          incidentKey: incidentKey(),
          details: details(),
          openedAt: now,
        });
        opened++;
      } else if (!active && existing) {
        await this.deps.monitoring.resolveAlert(existing.id, now);
        resolved++;
      }
    };
    for (const [pipelineId, { health }] of states) {
      const streak = health.failureStreak ?? 0;
      await step(
        pipelineId,
        'failing',
        streak >= this.deps.options.failureStreak,
        () => `streak-from-${now.toISOString()}`,
        () => ({ streak }),
      );
      await step(
        pipelineId,
        'late',
        health.lateSince !== undefined,
        () => health.lateOldestPartition!.toISOString(),
        () => ({
          partitions: health.latePartitions,
          oldestPartition: health.lateOldestPartition!.toISOString(),
          since: health.lateSince!.toISOString(),
          target: health.monitoredTarget,
        }),
      );
    }
    // Alerts of pipelines that are gone resolve too.
    for (const alert of open.values()) {
      if (!states.has(alert.pipelineId)) {
        await this.deps.monitoring.resolveAlert(alert.id, now);
        resolved++;
      }
    }
    return { opened, resolved };
  }

  private async notifyPending(
    states: Map<
      string,
      { pipeline: MonitoredPipeline; health: PipelineHealth }
    >,
  ) {
    const { notifications } = this.deps;
    for (const alert of await this.deps.monitoring.listUnsettledAlerts()) {
      const what = alert.openNotifiedAt ? 'resolved' : 'open';
      if (what === 'resolved' && !alert.resolvedAt) continue;
      const state = states.get(alert.pipelineId);
      const now = (this.deps.clock ?? (() => new Date()))();
      if (!notifications || !state) {
        // Nothing to send with, or the pipeline is gone: settled.
        await this.deps.monitoring.markAlertNotified(alert.id, what, now);
        if (what === 'open' && alert.resolvedAt) {
          await this.deps.monitoring.markAlertNotified(
            alert.id,
            'resolved',
            now,
          );
        }
        continue;
      }
      if (!state.pipeline.owner) {
        // Its owner may not be resolved yet: told once it is.
        continue;
      }
      try {
        await notifications.send(
          await this.notificationFor(alert, what, state.pipeline, state.health),
        );
        await this.deps.monitoring.markAlertNotified(alert.id, what, now);
      } catch (error) {
        // Retried next cycle.
        this.deps.logger.warn(
          `Could not send the ${alert.kind} alert of ${alert.pipelineId}: ${error}`,
        );
      }
    }
  }

  private async notificationFor(
    alert: StoredAlert,
    what: 'open' | 'resolved',
    pipeline: MonitoredPipeline,
    health: PipelineHealth,
  ) {
    const name = pipeline.title ?? pipeline.name;
    const impact = await this.impactOf(pipeline);
    let title: string;
    let description: string;
    if (what === 'resolved') {
      title =
        alert.kind === 'late' ? `${name} is fresh again` : `${name} recovered`;
      description =
        alert.kind === 'late'
          ? `Every partition is within its freshness target again (late since ${alert.details.since}).`
          : `Its latest run succeeded after ${alert.details.streak} failures in a row.`;
    } else if (alert.kind === 'late') {
      const target = health.monitoredTarget
        ? this.parsedTargets.get(health.monitoredTarget)
        : undefined;
      title = `${name} is late`;
      description = `${
        alert.details.partitions
      } partition(s) past the freshness target${
        target ? ` (${describeFreshnessTarget(target)})` : ''
      }; the oldest, ${alert.details.oldestPartition}, was due ${
        alert.details.since
      }. ${describeImpact(impact)}`;
    } else {
      title = `${name} failed ${alert.details.streak} times in a row`;
      description = `Its latest ${
        alert.details.streak
      } partitions failed. ${describeImpact(impact)}`;
    }
    return {
      recipients: { type: 'entity' as const, entityRef: pipeline.owner! },
      payload: {
        title,
        description,
        link: await this.linkOf(pipeline),
        severity: what === 'resolved' ? ('low' as const) : severityOf(impact),
        topic: `tributary-${alert.kind}`,
        // One notification per incident: its recovery updates it.
        scope: `tributary:${alert.kind}:${pipeline.id}:${alert.incidentKey}`,
      },
    };
  }

  /** Downstream pipelines, datasets and their owners, through lineage. */
  async impactOf(
    pipeline: Pick<MonitoredPipeline, 'id' | 'owner'>,
  ): Promise<Impact> {
    try {
      const answer = await this.deps.lineage.query({
        node: `pipeline:${pipeline.id}`,
        direction: 'downstream',
        depth: IMPACT_DEPTH,
        limit: IMPACT_LIMIT,
      });
      const downstream = answer.nodes.filter(node => node.key !== answer.root);
      const owners = new Set(
        downstream
          .map(node => node.owner)
          .filter((owner): owner is string => Boolean(owner)),
      );
      if (pipeline.owner) owners.delete(pipeline.owner);
      return {
        downstreamPipelines: downstream.filter(n => n.kind === 'pipeline')
          .length,
        downstreamDatasets: downstream.filter(n => n.kind === 'dataset').length,
        owners: [...owners].sort(),
      };
    } catch {
      // Not in the lineage graph (yet): nothing known downstream.
      return { downstreamPipelines: 0, downstreamDatasets: 0, owners: [] };
    }
  }

  private async linkOf(pipeline: MonitoredPipeline): Promise<string> {
    try {
      const entityRef = await findPipelineEntityRef(
        this.deps.catalog,
        this.deps.auth,
        pipeline.id,
      );
      if (entityRef) return pipelineTabPath(entityRef);
    } catch {
      // Falls back to the pipelines page below.
    }
    return `/pipelines?search=${encodeURIComponent(pipeline.name)}`;
  }
}
