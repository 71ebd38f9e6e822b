import {
  ProviderDependency,
  ProviderPipeline,
  ProviderRun,
  SchedulerProvider,
} from '@tributary/plugin-pipelines-node';
import { emptyStoreWrites, StoreWrites } from '../store/StoreWrites';

export function providerPipelineId(providerId: string, name: string): string {
  return `${providerId}:${name}`;
}

export function providerRunId(providerId: string, runId: string): string {
  return `${providerId}:${runId}`;
}

/**
 * What one poll of a provider writes. A scheduler's answer is a snapshot of the
 * truth at `observedAt`, so its run states rank as final and the later
 * observation wins: a re-run (failed, then running again) shows as running.
 */
export function providerWrites(
  provider: Pick<SchedulerProvider, 'id' | 'type'>,
  answer: {
    pipelines: ProviderPipeline[];
    runs: ProviderRun[];
    dependencies: ProviderDependency[];
  },
  observedAt: Date,
): StoreWrites {
  const writes = emptyStoreWrites();
  const known = new Set<string>();
  const addPipeline = (pipeline: ProviderPipeline) => {
    const id = providerPipelineId(provider.id, pipeline.name);
    known.add(id);
    writes.pipelines.push({
      id,
      source: provider.id,
      namespace: provider.id,
      name: pipeline.name,
      title: pipeline.title,
      description: pipeline.description,
      schedule: pipeline.schedule,
      sourceOwners: pipeline.owners?.length ? pipeline.owners : undefined,
      schedulerUrl: pipeline.url,
      sourceUrl: pipeline.sourceCodeUrl,
      freshnessTarget: pipeline.freshnessTarget,
      jobType: provider.type,
      seenAt: observedAt,
    });
  };
  answer.pipelines.forEach(addPipeline);

  for (const run of answer.runs) {
    const pipelineId = providerPipelineId(provider.id, run.pipelineName);
    if (!known.has(pipelineId)) {
      // Runs of a pipeline the listing missed still need their pipeline.
      addPipeline({ name: run.pipelineName });
    }
    writes.runs.push({
      id: providerRunId(provider.id, run.id),
      pipelineId,
      partitionTime: run.partition,
      partitionEndTime: run.partitionEnd,
      state: run.state,
      sourceState: run.sourceState,
      stateRank: 1,
      stateTime: observedAt,
      attempt: run.attempt,
      queuedAt: run.queuedAt,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      firstEventTime:
        run.queuedAt ?? run.startedAt ?? run.partition ?? observedAt,
      errorMessage: run.errorMessage,
      externalUrl: run.url,
    });
  }

  for (const dependency of answer.dependencies) {
    for (const name of [dependency.upstream, dependency.downstream]) {
      if (!known.has(providerPipelineId(provider.id, name))) {
        addPipeline({ name });
      }
    }
    writes.pipelineEdges.push({
      upstreamId: providerPipelineId(provider.id, dependency.upstream),
      downstreamId: providerPipelineId(provider.id, dependency.downstream),
      seenAt: observedAt,
    });
  }
  return writes;
}
