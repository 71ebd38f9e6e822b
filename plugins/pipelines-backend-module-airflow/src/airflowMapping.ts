import { RunState } from '@tributary/plugin-pipelines-common';
import { AirflowDag, AirflowTaskInstance } from './airflowTypes';

/**
 * Airflow's `DagRunState` onto the normalized run states. Values a newer server
 * adds land in `unknown` instead of failing the poll.
 */
export const DAG_RUN_STATES: Readonly<Record<string, RunState>> = {
  queued: 'queued',
  running: 'running',
  success: 'succeeded',
  failed: 'failed',
};

export function normalizeDagRunState(state: string | null | undefined) {
  return (state && DAG_RUN_STATES[state]) || 'unknown';
}

/** Airflow timestamps (ISO 8601 with microseconds) as Dates; null → undefined. */
export function toDate(value: string | null | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * `to_date` of a backfill for an exclusive end: Airflow's range is inclusive at
 * both ends, so the last instant it may include is one microsecond (Airflow's
 * resolution) before ours.
 */
export function inclusiveEndBefore(end: Date): string {
  const lastMillisecond = new Date(end.getTime() - 1).toISOString();
  return lastMillisecond.replace(/Z$/, '999Z');
}

const CRON_FIELD = /^[\d*?,/\-LW#A-Z]+$/i;

function looksLikeCron(summary: string): boolean {
  if (summary.startsWith('@')) return true;
  const fields = summary.trim().split(/\s+/);
  return (
    fields.length >= 5 &&
    fields.length <= 7 &&
    fields.every(f => CRON_FIELD.test(f))
  );
}

/**
 * The cron expression or preset when the timetable has one; Airflow's own
 * description ("Triggered by assets", timedelta schedules, custom timetables)
 * otherwise; nothing for DAGs without a schedule (`None`).
 */
export function dagSchedule(dag: AirflowDag): string | undefined {
  const summary = dag.timetable_summary?.trim();
  if (!summary || summary === 'None') return undefined;
  if (looksLikeCron(summary)) return summary;
  return dag.timetable_description?.trim() || summary;
}

function taskName(ti: AirflowTaskInstance): string {
  return ti.map_index !== null &&
    ti.map_index !== undefined &&
    ti.map_index >= 0
    ? `${ti.task_id}[${ti.map_index}]`
    : ti.task_id;
}

function tryText(ti: AirflowTaskInstance): string {
  const tryNumber = ti.try_number ?? 0;
  if (tryNumber <= 0) return 'before its first try';
  if (ti.max_tries === null || ti.max_tries === undefined) {
    return `on try ${tryNumber}`;
  }
  // max_tries is the retry budget: try_number > max_tries means exhausted.
  return `on try ${tryNumber} of ${Math.max(ti.max_tries + 1, tryNumber)}`;
}

function listNames(names: string[], max: number): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * The error message of a failed DAG run from its `failed` and
 * `upstream_failed` task instances: which task failed, on which try, and what
 * did not run because of it.
 */
export function describeFailedTasks(
  taskInstances: AirflowTaskInstance[],
  totalEntries: number,
): string {
  const failed = taskInstances
    .filter(ti => ti.state === 'failed')
    .sort((a, b) => (a.end_date ?? '').localeCompare(b.end_date ?? ''));
  const upstream = taskInstances.filter(ti => ti.state === 'upstream_failed');
  const unseen = Math.max(0, totalEntries - taskInstances.length);

  let message: string;
  if (failed.length === 1) {
    message = `Task ${taskName(failed[0])} failed ${tryText(failed[0])}`;
  } else if (failed.length > 1) {
    const items = failed.map(ti => `${taskName(ti)} ${tryText(ti)}`);
    message = `${failed.length} tasks failed: ${listNames(items, 3)}`;
  } else {
    message =
      'The run failed without a failed task (it may have timed out or been marked failed by hand)';
  }
  if (upstream.length) {
    message += `; upstream_failed: ${listNames(upstream.map(taskName), 5)}`;
  }
  if (unseen) {
    message += `; ${unseen} more failed or upstream_failed task instances`;
  }
  return message;
}
