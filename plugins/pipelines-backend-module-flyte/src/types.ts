/*
 * The parts of FlyteAdmin's REST gateway (grpc-gateway JSON) this module reads
 * and writes. Field names are the proto names in snake_case; zero values are
 * omitted, so almost everything is optional; int64 values arrive as strings
 * and enums as their names (numbers are tolerated too).
 */

/** `coreIdentifier` / `coreWorkflowExecutionIdentifier`. */
export interface FlyteIdentifier {
  resource_type?: string;
  project?: string;
  domain?: string;
  name?: string;
  version?: string;
}

export interface FlyteLabels {
  values?: Record<string, string>;
}

export interface FlytePrimitive {
  integer?: string;
  float_value?: number;
  string_value?: string;
  boolean?: boolean;
  datetime?: string;
  duration?: string;
}

export interface FlyteLiteral {
  scalar?: {
    primitive?: FlytePrimitive;
    union?: { value?: FlyteLiteral };
  };
}

export interface FlyteLiteralMap {
  literals?: Record<string, FlyteLiteral>;
}

export interface FlyteParameter {
  var?: { type?: { simple?: string | number }; description?: string };
  default?: FlyteLiteral;
  required?: boolean;
}

export interface FlyteProject {
  id: string;
  name?: string;
  domains?: Array<{ id: string; name?: string }>;
  description?: string;
  labels?: FlyteLabels;
  /** Missing means ACTIVE. */
  state?: string | number;
}

export interface FlyteProjectList {
  projects?: FlyteProject[];
  token?: string;
}

export interface FlyteSchedule {
  /** Deprecated AWS-style cron expression. */
  cron_expression?: string;
  rate?: { value?: string | number; unit?: string | number };
  cron_schedule?: { schedule?: string; offset?: string };
  kickoff_time_input_arg?: string;
}

export interface FlyteLaunchPlan {
  id: FlyteIdentifier;
  spec?: {
    workflow_id?: FlyteIdentifier;
    entity_metadata?: { schedule?: FlyteSchedule };
    default_inputs?: { parameters?: Record<string, FlyteParameter> };
    fixed_inputs?: FlyteLiteralMap;
    labels?: FlyteLabels;
    annotations?: FlyteLabels;
  };
  closure?: {
    /** Missing means INACTIVE. */
    state?: string | number;
    expected_inputs?: { parameters?: Record<string, FlyteParameter> };
    created_at?: string;
    updated_at?: string;
  };
}

export interface FlyteLaunchPlanList {
  launch_plans?: FlyteLaunchPlan[];
  token?: string;
}

export interface FlyteExecution {
  id: { project: string; domain: string; name: string };
  spec?: {
    launch_plan?: FlyteIdentifier;
    /** Deprecated on create; newer servers may leave it out of listings. */
    inputs?: FlyteLiteralMap;
    metadata?: {
      /** Missing means MANUAL. */
      mode?: string | number;
      principal?: string;
      scheduled_at?: string;
      reference_execution?: FlyteIdentifier;
    };
    labels?: FlyteLabels;
    annotations?: FlyteLabels;
  };
  closure?: {
    /** Missing means UNDEFINED. */
    phase?: string | number;
    error?: {
      code?: string;
      message?: string;
      error_uri?: string;
      kind?: string | number;
    };
    /** Deprecated in favour of abort_metadata. */
    abort_cause?: string;
    abort_metadata?: { cause?: string; principal?: string };
    computed_inputs?: FlyteLiteralMap;
    started_at?: string;
    /** Seconds as a string, e.g. `"5231.417092s"`; missing while running. */
    duration?: string;
    created_at?: string;
    updated_at?: string;
  };
}

export interface FlyteExecutionList {
  executions?: FlyteExecution[];
  token?: string;
}

export interface FlyteExecutionCreateRequest {
  project: string;
  domain: string;
  name: string;
  spec: {
    launch_plan: FlyteIdentifier;
    labels?: FlyteLabels;
    annotations?: FlyteLabels;
    overwrite_cache?: boolean;
  };
  inputs: FlyteLiteralMap;
}

export interface FlyteExecutionCreateResponse {
  id?: { project?: string; domain?: string; name?: string };
}

export interface FlyteExecutionTerminateRequest {
  id: { project: string; domain: string; name: string };
  cause: string;
}
