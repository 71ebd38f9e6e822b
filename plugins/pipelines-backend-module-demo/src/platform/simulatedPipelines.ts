import { SimulatedPipelineSpec } from '../simulated/SimulatedScheduler';
import { DAY_MS } from '../simulated/runPlans';
import { DemoPlatform } from './demoPlatform';

/** The demo pipelines the simulated scheduler runs, as it describes them. */
export function simulatedPipelineSpecs(
  platform: DemoPlatform,
  now: Date = new Date(),
): SimulatedPipelineSpec[] {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return platform.pipelines
    .filter(pipeline => pipeline.style === 'simulated')
    .map(pipeline => ({
      name: pipeline.name,
      description: pipeline.description,
      cadence: pipeline.cadence,
      owners: [pipeline.sourceOwner],
      sourceCodeUrl: pipeline.sourceCodeUrl,
      meanDurationMinutes: pipeline.meanDurationMinutes,
      failureRate: pipeline.failureRate,
      errorMessages: [
        'Simulated failure: partner SFTP refused the upload',
        'Simulated failure: export exceeded its 30 min deadline',
      ],
      startDelayMinutes: pipeline.startDelayMinutes,
      failingSince:
        pipeline.failingForDays === undefined
          ? undefined
          : new Date(today - pipeline.failingForDays * DAY_MS),
    }));
}
