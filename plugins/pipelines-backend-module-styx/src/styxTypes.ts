/*
 * Shapes of the Styx v3 API as this module reads them. Styx sends an Optional
 * with no value as `null`, so every optional field may be `null` as well as
 * absent. Only the fields this module uses are listed.
 */

/** `{component_id, id}`; the `.apib` calls the instance's key `workflow`. */
export interface StyxWorkflowId {
  component_id: string;
  id: string;
}

export interface StyxWorkflowInstance {
  workflow_id?: StyxWorkflowId | null;
  /** The name the `.apib` example (wrongly) uses instead of `workflow_id`. */
  workflow?: StyxWorkflowId | null;
  parameter: string;
}

export interface StyxFlyteExecConf {
  reference_id?: {
    resource_type?: string | null;
    project?: string | null;
    domain?: string | null;
    name?: string | null;
    version?: string | null;
  } | null;
  input_fields?: Record<string, string> | null;
}

export interface StyxWorkflowConfiguration {
  id: string;
  /** `hours`, `days`, `weeks`, `months`, `years` or a cron expression. */
  schedule?: string | null;
  /** ISO-8601 period or duration. */
  offset?: string | null;
  commit_sha?: string | null;
  docker_image?: string | null;
  docker_args?: string[] | null;
  service_account?: string | null;
  resources?: string[] | null;
  env?: Record<string, string> | null;
  /** ISO-8601 string (`PT2H`) or decimal seconds (`7200.000000000`). */
  running_timeout?: string | number | null;
  retry_condition?: string | null;
  flyte_exec_conf?: StyxFlyteExecConf | null;
  deployment_source?: {
    repository?: string | null;
    source?: string | null;
  } | null;
  deployment_time?: string | null;
}

export interface StyxWorkflow {
  component_id: string;
  workflow_id?: string | null;
  configuration: StyxWorkflowConfiguration;
}

export interface StyxWorkflowState {
  /** Boolean in the model; the `.apib` shows the string `"true"`. */
  enabled?: boolean | string | null;
  next_natural_trigger?: string | null;
  next_natural_offset_trigger?: string | null;
}

/** One item of `GET /workflows?full=true`. */
export interface StyxWorkflowWithState {
  workflow: StyxWorkflow;
  state?: StyxWorkflowState | null;
}

export interface StyxExecStatus {
  timestamp: string;
  /** SUBMITTED, STARTED, SUCCESS, FAILED, MISSING_DEPS, TIMEOUT or HALTED. */
  status: string;
  message?: string | null;
}

export interface StyxExecution {
  execution_id?: string | null;
  docker_image?: string | null;
  commit_sha?: string | null;
  runner_id?: string | null;
  flyte_execution_id?: string | null;
  statuses?: StyxExecStatus[] | null;
}

export interface StyxTrigger {
  /** `natural-trigger`, `ad-hoc-cli-…`, a backfill id, or `UNKNOWN`. */
  trigger_id?: string | null;
  timestamp?: string | null;
  complete?: boolean | null;
  executions?: StyxExecution[] | null;
}

/** One item of `GET /workflows/{cid}/{wid}/instances`. */
export interface StyxWorkflowInstanceExecutionData {
  workflow_instance: StyxWorkflowInstance;
  triggers?: StyxTrigger[] | null;
}

export interface StyxMessage {
  level?: string | null;
  line?: string | null;
}

export interface StyxStateData {
  tries?: number | null;
  consecutive_failures?: number | null;
  last_exit?: number | null;
  trigger?: { '@type'?: string | null; trigger_id?: string | null } | null;
  trigger_id?: string | null;
  execution_id?: string | null;
  messages?: StyxMessage[] | null;
}

/** An item of `active_states`, from the status or the backfill endpoints. */
export interface StyxRunStateData {
  workflow_instance: StyxWorkflowInstance;
  /** A RunState name, or WAITING/UNKNOWN in backfill statuses. */
  state: string;
  state_data?: StyxStateData | null;
  /** Epoch milliseconds. */
  initial_timestamp?: number | null;
  /** Epoch milliseconds. */
  latest_timestamp?: number | null;
}

export interface StyxActiveStates {
  active_states?: StyxRunStateData[] | null;
}

export interface StyxBackfill {
  id: string;
  start: string;
  end: string;
  workflow_id: StyxWorkflowId;
  concurrency?: number | null;
  description?: string | null;
  next_trigger?: string | null;
  schedule?: string | null;
  all_triggered?: boolean | null;
  halted?: boolean | null;
  reverse?: boolean | null;
  created?: string | null;
  last_modified?: string | null;
}

/** `GET /backfills/{id}`; `statuses` is null unless `status=true`. */
export interface StyxBackfillPayload {
  backfill: StyxBackfill;
  statuses?: StyxActiveStates | null;
}

/** The body of `POST /backfills`. */
export interface StyxBackfillInput {
  component: string;
  workflow: string;
  /** Inclusive, aligned to the schedule. */
  start: string;
  /** Exclusive, aligned to the schedule. */
  end: string;
  concurrency: number;
  reverse: boolean;
  description?: string;
}

/** The body of `POST /scheduler/trigger`. */
export interface StyxTriggerRequest {
  workflow_id: StyxWorkflowId;
  parameter: string;
}

/** The body of `POST /scheduler/halt`: a `WorkflowInstance`. */
export interface StyxHaltRequest {
  workflow_id: StyxWorkflowId;
  parameter: string;
}

export interface StyxTriggerResponse {
  workflow_id?: StyxWorkflowId | null;
  parameter?: string | null;
  trigger_id?: string | null;
}
