import { RunState } from '@tributary/plugin-pipelines-common';
import { ProviderRun } from '@tributary/plugin-pipelines-node';
import { formatDuration } from './durations';
import { partitionOf } from './partitions';
import {
  StyxExecStatus,
  StyxRunStateData,
  StyxWorkflowId,
  StyxWorkflowInstance,
  StyxWorkflowInstanceExecutionData,
} from './styxTypes';

/** What run mapping needs to know of a run's workflow. */
export interface WorkflowContext {
  schedule?: string | null;
  /** `running_timeout` in milliseconds, for the message of a TIMEOUT. */
  runningTimeoutMs?: number;
}

/** A pipeline is a workflow: `<component>/<workflow id>`. */
export function pipelineName(componentId: string, workflowId: string): string {
  return `${componentId}/${workflowId}`;
}

/** A run is a workflow instance, keyed as Styx keys it: `component#workflow#parameter`. */
export function instanceKey(
  componentId: string,
  workflowId: string,
  parameter: string,
): string {
  return `${componentId}#${workflowId}#${parameter}`;
}

/** The instance's workflow, under either name the API has used for it. */
export function workflowIdOf(
  instance: StyxWorkflowInstance,
): StyxWorkflowId | undefined {
  return instance.workflow_id ?? instance.workflow ?? undefined;
}

/** Execution statuses after which the attempt is over. */
const FAILURE_STATUSES = new Set(['FAILED', 'MISSING_DEPS', 'TIMEOUT']);

/**
 * Normalizes the last execution status of an instance's last trigger.
 * `complete` says whether the trigger reached its final outcome: a failed
 * attempt of an incomplete trigger is waiting for its retry.
 */
export function normalizeExecutionStatus(
  status: string,
  complete: boolean,
): RunState {
  switch (status) {
    case 'SUBMITTED':
      return complete ? 'aborted' : 'queued';
    case 'STARTED':
      return complete ? 'aborted' : 'running';
    case 'SUCCESS':
      return 'succeeded';
    case 'FAILED':
    case 'MISSING_DEPS':
    case 'TIMEOUT':
      return complete ? 'failed' : 'queued';
    case 'HALTED':
      return 'aborted';
    default:
      return 'unknown';
  }
}

/**
 * Normalizes a RunState of Styx's state machine (active states), or a state
 * of a backfill's partition (WAITING, UNKNOWN, and the terminal DONE/ERROR).
 */
export function normalizeRunState(state: string): RunState {
  switch (state) {
    case 'NEW':
    case 'QUEUED':
    case 'PREPARE':
    case 'SUBMITTING':
    case 'SUBMITTED':
    case 'WAITING':
      return 'queued';
    case 'RUNNING':
    case 'TERMINATED':
      return 'running';
    case 'FAILED':
      // An attempt failed; Styx is about to retry it or give up (ERROR).
      return 'queued';
    case 'DONE':
      return 'succeeded';
    case 'ERROR':
      return 'failed';
    default:
      return 'unknown';
  }
}

function toDate(value: string | number | null | undefined): Date | undefined {
  if (value === null || value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function failureMessage(
  status: StyxExecStatus,
  workflow: WorkflowContext | undefined,
): string | undefined {
  const message = status.message?.trim() || undefined;
  switch (status.status) {
    case 'FAILED':
      return message ?? 'Failed';
    case 'MISSING_DEPS':
      return message ?? 'Missing dependencies (exit code 20)';
    case 'TIMEOUT':
      return (
        message ??
        (workflow?.runningTimeoutMs !== undefined
          ? `Timed out after running_timeout of ${formatDuration(
              workflow.runningTimeoutMs,
            )}`
          : 'Timed out')
      );
    case 'HALTED':
      return message ?? 'Halted';
    default:
      return message;
  }
}

/**
 * One workflow instance (the execution history of a partition) as a run. Its
 * outcome is the last status of the last execution of the last trigger;
 * `attempt` counts the executions of that trigger.
 */
export function instanceToRun(
  data: StyxWorkflowInstanceExecutionData,
  workflow: WorkflowContext | undefined,
  fallbackId?: StyxWorkflowId,
): ProviderRun | undefined {
  const wfId = workflowIdOf(data.workflow_instance) ?? fallbackId;
  const parameter = data.workflow_instance?.parameter;
  if (!wfId || typeof parameter !== 'string') return undefined;
  const partition = partitionOf(parameter, workflow?.schedule);
  const base = {
    id: instanceKey(wfId.component_id, wfId.id, parameter),
    pipelineName: pipelineName(wfId.component_id, wfId.id),
    partition: partition?.partition,
    partitionEnd: partition?.partitionEnd,
  };

  const triggers = data.triggers ?? [];
  const trigger = triggers[triggers.length - 1];
  if (!trigger) {
    return { ...base, state: 'unknown', sourceState: 'UNKNOWN' };
  }
  const complete = trigger.complete === true;
  const executions = trigger.executions ?? [];
  const execution = executions[executions.length - 1];
  const statuses = execution?.statuses ?? [];
  const last = statuses[statuses.length - 1];
  const allStatuses = executions.flatMap(e => e.statuses ?? []);
  const firstStarted = allStatuses.find(s => s.status === 'STARTED');
  const queuedAt = toDate(trigger.timestamp);
  const attempt = executions.length > 0 ? executions.length : undefined;

  if (!last) {
    // Triggered but not executed yet, or halted before any execution.
    return {
      ...base,
      state: complete ? 'aborted' : 'queued',
      sourceState: complete ? 'HALTED' : 'QUEUED',
      attempt,
      queuedAt,
      errorMessage: complete ? 'Halted' : undefined,
    };
  }

  const state = normalizeExecutionStatus(last.status, complete);
  const ended =
    state === 'succeeded' || state === 'failed' || state === 'aborted';
  const failed =
    state === 'failed' ||
    state === 'aborted' ||
    (state === 'queued' && FAILURE_STATUSES.has(last.status));
  return {
    ...base,
    state,
    sourceState: last.status,
    attempt,
    queuedAt,
    startedAt: toDate(firstStarted?.timestamp),
    endedAt: ended ? toDate(last.timestamp) : undefined,
    errorMessage: failed ? failureMessage(last, workflow) : undefined,
  };
}

/**
 * A live instance from `GET /status/activeStates` as a run. Used for active
 * instances outside the partitions this poll read, e.g. a backfill's.
 */
export function activeStateToRun(
  active: StyxRunStateData,
  workflow: WorkflowContext | undefined,
): ProviderRun | undefined {
  const wfId = workflowIdOf(active.workflow_instance);
  const parameter = active.workflow_instance?.parameter;
  if (!wfId || typeof parameter !== 'string') return undefined;
  const partition = partitionOf(parameter, workflow?.schedule);
  const data = active.state_data ?? {};
  const state = normalizeRunState(active.state);
  const tries = data.tries ?? 0;

  let errorMessage: string | undefined;
  if (
    active.state === 'FAILED' ||
    active.state === 'ERROR' ||
    (data.consecutive_failures ?? 0) > 0
  ) {
    const messages = data.messages ?? [];
    const problem = [...messages]
      .reverse()
      .find(m => m.level === 'ERROR' || m.level === 'WARNING');
    const lastExit =
      data.last_exit !== null &&
      data.last_exit !== undefined &&
      data.last_exit !== 0
        ? `Exit code: ${data.last_exit}`
        : undefined;
    errorMessage = problem?.line ?? lastExit;
  }

  return {
    id: instanceKey(wfId.component_id, wfId.id, parameter),
    pipelineName: pipelineName(wfId.component_id, wfId.id),
    partition: partition?.partition,
    partitionEnd: partition?.partitionEnd,
    state,
    sourceState: active.state,
    attempt: tries > 0 ? tries : undefined,
    queuedAt: toDate(active.initial_timestamp),
    // The latest transition of a RUNNING instance is its start.
    startedAt:
      active.state === 'RUNNING' ? toDate(active.latest_timestamp) : undefined,
    errorMessage,
  };
}
