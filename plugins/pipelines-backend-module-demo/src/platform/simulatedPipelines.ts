import { SimulatedPipelineSpec } from '../simulated/SimulatedScheduler';
import { DemoPlatform } from './demoPlatform';

/** The demo pipelines the simulated scheduler runs, as it describes them. */
export function simulatedPipelineSpecs(
  platform: DemoPlatform,
): SimulatedPipelineSpec[] {
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
    }));
}
