/*
 * The parts of Airflow 3's REST API (v2) responses this module reads. Field
 * names follow the API (snake_case); nullable fields are present with `null`.
 */

/** @public */
export type AirflowReprocessBehavior = 'none' | 'failed' | 'completed';

export interface AirflowDag {
  dag_id: string;
  dag_display_name?: string | null;
  description?: string | null;
  is_paused?: boolean | null;
  is_stale?: boolean | null;
  has_import_errors?: boolean | null;
  timetable_summary?: string | null;
  timetable_description?: string | null;
  owners?: string[] | null;
  tags?: Array<{ name: string }> | null;
}

export interface AirflowDagCollection {
  dags: AirflowDag[];
  total_entries: number;
}

export interface AirflowDagRun {
  dag_run_id: string;
  dag_id: string;
  logical_date?: string | null;
  queued_at?: string | null;
  start_date?: string | null;
  end_date?: string | null;
  data_interval_start?: string | null;
  data_interval_end?: string | null;
  run_after?: string | null;
  run_type?: string | null;
  state?: string | null;
  note?: string | null;
}

export interface AirflowDagRunCollection {
  dag_runs: AirflowDagRun[];
  total_entries: number;
}

export interface AirflowTaskInstance {
  task_id: string;
  map_index?: number | null;
  state?: string | null;
  try_number?: number | null;
  max_tries?: number | null;
  end_date?: string | null;
}

export interface AirflowTaskInstanceCollection {
  task_instances: AirflowTaskInstance[];
  total_entries: number;
}

export interface AirflowBackfillPostBody {
  dag_id: string;
  from_date: string;
  to_date: string;
  run_backwards: boolean;
  reprocess_behavior: AirflowReprocessBehavior;
  max_active_runs: number;
  dag_run_conf?: Record<string, unknown>;
}

export interface AirflowBackfill {
  id: number;
  dag_id: string;
  from_date: string;
  to_date: string;
  is_paused: boolean;
  reprocess_behavior?: string;
  max_active_runs?: number;
  created_at?: string;
  completed_at?: string | null;
  updated_at?: string;
}

export interface AirflowBackfillCollection {
  backfills: AirflowBackfill[];
  total_entries: number;
}

export interface AirflowDryRunBackfillCollection {
  backfills: Array<{ logical_date?: string | null }>;
  total_entries: number;
}

export interface AirflowTokenResponse {
  access_token?: string;
  /** Older docs and one FAB datamodel version name the field so. */
  jwt_token?: string;
}
