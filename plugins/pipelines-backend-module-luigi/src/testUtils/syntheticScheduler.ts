import { LuigiTask, LuigiTaskMap } from '../luigiTypes';

const WORKER =
  'Worker(salt=9686106443, workers=8, host=etl-worker-3, username=etl, pid=13722)';

/**
 * A large scheduler state shaped like luigid's answers: `families` task
 * families in chains of five (each requiring the one before it, same date),
 * `dates` dates each. Mostly DONE, with some PENDING, RUNNING, FAILED and
 * DISABLED tasks; the PENDING tasks after a FAILED one are blocked upstream.
 */
export function syntheticScheduler(options: {
  families: number;
  dates: number;
}): {
  lists: Record<string, LuigiTaskMap>;
  graph: LuigiTaskMap;
  taskCount: number;
} {
  const lists: Record<string, LuigiTaskMap> = {
    PENDING: {},
    'PENDING:UPSTREAM_FAILED': {},
    RUNNING: {},
    DONE: {},
    FAILED: {},
    DISABLED: {},
  };
  const graph: LuigiTaskMap = {};
  const base = 1795846758;
  let n = 0;
  for (let d = 0; d < options.dates; d++) {
    const date = new Date(Date.UTC(2025, 0, 1) + d * 86_400_000)
      .toISOString()
      .slice(0, 10);
    let previous: { id: string; status: string } | undefined;
    for (let f = 0; f < options.families; f++) {
      const family = `Family${String(f).padStart(2, '0')}`;
      const id = `${family}_${date.replace(/-/g, '_')}_${(n * 2654435761)
        .toString(16)
        .padStart(10, '0')
        .slice(-10)}`;
      if (f % 5 === 0) previous = undefined;
      const roll = n % 200;
      let status = 'DONE';
      if (previous && previous.status !== 'DONE') status = 'PENDING';
      else if (roll < 2) status = 'FAILED';
      else if (roll < 3) status = 'DISABLED';
      else if (roll < 8) status = 'RUNNING';
      else if (roll < 14) status = 'PENDING';
      const ran = status !== 'PENDING';
      const task: LuigiTask = {
        display_name: `${family}(date=${date})`,
        status,
        workers: [WORKER],
        worker_running: ran ? WORKER : null,
        time_running: ran ? base + n * 0.01 + 0.005 : null,
        start_time: base + n * 0.01,
        last_updated: base + n * 0.01 + 0.008,
        params: { date },
        name: family,
        priority: 0,
        resources: {},
        resources_running: ran ? {} : null,
        tracking_url: null,
        status_message: null,
        progress_percentage: null,
      } as LuigiTask;
      lists[status][id] = task;
      if (status === 'PENDING' && previous?.status === 'FAILED') {
        lists['PENDING:UPSTREAM_FAILED'][id] = task;
      }
      graph[id] = { ...task, deps: previous ? [previous.id] : [] };
      previous = { id, status };
      n++;
    }
  }
  return { lists, graph, taskCount: n };
}
