import { LuigiTask } from './luigiTypes';

/** Luigi's own guess at a family from a task id (`scheduler.TASK_FAMILY_RE`). */
const TASK_FAMILY_RE = /^([^(_]+)[(_]/;

/**
 * The family of a task known only by its id. Task ids are
 * `<family>_<param summary>_<hash>`, and families may contain `_`, so the
 * longest known family the id starts with wins; Luigi's own guess (everything
 * before the first `_`) is the fallback.
 */
export function familyFromTaskId(
  taskId: string,
  knownFamilies: ReadonlySet<string>,
): string | undefined {
  let end = taskId.lastIndexOf('_');
  while (end > 0) {
    const candidate = taskId.slice(0, end);
    if (knownFamilies.has(candidate)) return candidate;
    end = taskId.lastIndexOf('_', end - 1);
  }
  return TASK_FAMILY_RE.exec(taskId)?.[1];
}

/**
 * A stand-in the scheduler serializes for a dependency it does not know (or
 * knows only as a placeholder without family): status and start time
 * `UNKNOWN`, its name guessed from the id.
 */
export function isStubTask(task: LuigiTask): boolean {
  return task.status === 'UNKNOWN' && typeof task.start_time !== 'number';
}
