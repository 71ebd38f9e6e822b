import { ProviderRun } from '@tributary/plugin-pipelines-node';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** A failed first attempt is retried once. */
const MAX_ATTEMPTS = 2;
const MAX_START_LAG_MINUTES = 3;
const RETRY_GAP_MINUTES = { min: 2, max: 5 };
const DURATION_FACTOR = { min: 0.5, max: 2.5 };
/** Spread of the log-normal duration factor around 1. */
const DURATION_SIGMA = 0.4;
const DEFAULT_ERROR_MESSAGE = 'Simulated failure';

type SimulatedState = PlannedRun['outcome'] | 'queued' | 'running';

const SOURCE_STATES: Record<SimulatedState, string> = {
  queued: 'SIM_QUEUED',
  running: 'SIM_RUNNING',
  succeeded: 'SIM_SUCCESS',
  failed: 'SIM_FAILED',
  aborted: 'SIM_CANCELLED',
};

/** What of a pipeline decides how its runs go. */
export interface RunProfile {
  name: string;
  meanDurationMinutes: number;
  failureRate: number;
  errorMessages: string[];
  failingSince?: Date;
}

/** One attempt's whole life, decided when it is planned. Times in epoch ms. */
export interface PlannedRun {
  id: string;
  pipelineName: string;
  partition: number;
  partitionEnd: number;
  attempt: number;
  queuedAt: number;
  /** Absent when the run was cancelled before it started. */
  startedAt?: number;
  endedAt: number;
  outcome: 'succeeded' | 'failed' | 'aborted';
  errorMessage?: string;
}

/**
 * A seeded stream of numbers in [0, 1): mulberry32 seeded with the FNV-1a hash
 * of the key, so every run draws the same numbers on every evaluation.
 */
export function seededRandom(key: string): () => number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  }
  let state = hash >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const wholeSeconds = (ms: number) => Math.round(ms / 1000) * 1000;

function durationMs(meanMinutes: number, random: () => number): number {
  // Box-Muller: a normal draw makes the factor log-normal, then bounded.
  const normal =
    Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const factor = Math.min(
    DURATION_FACTOR.max,
    Math.max(DURATION_FACTOR.min, Math.exp(DURATION_SIGMA * normal)),
  );
  return wholeSeconds(meanMinutes * factor * MINUTE_MS);
}

/** The longest a partition's attempts can take from the first queueing on. */
export function maxAttemptsSpanMs(profile: RunProfile): number {
  const attempt =
    (MAX_START_LAG_MINUTES +
      DURATION_FACTOR.max * profile.meanDurationMinutes) *
    MINUTE_MS;
  return (
    MAX_ATTEMPTS * attempt +
    (MAX_ATTEMPTS - 1) * RETRY_GAP_MINUTES.max * MINUTE_MS
  );
}

/**
 * The attempts of one partition: the first queued at `queuedAt`, a failed one
 * retried a few minutes after it ends. Random draws are keyed by run id.
 */
export function planAttempts(options: {
  seed: number;
  /** Tells apart the runs of one partition: '' for scheduled, `backfill-1/`, ... */
  idPrefix: string;
  profile: RunProfile;
  partition: number;
  partitionEnd: number;
  queuedAt: number;
  /** When a slot lets the first attempt start; its start lag counts from then. */
  slotFreeAt?: number;
  /** The first attempt starts no earlier, so partitions start in the order asked. */
  startNotBefore?: number;
  /** Lags, durations and retry gaps are multiplied by it; 1 when absent. */
  timeScale?: number;
}): PlannedRun[] {
  const { profile, partition } = options;
  const scale = options.timeScale ?? 1;
  const failing =
    profile.failingSince !== undefined &&
    partition >= profile.failingSince.getTime();
  const runs: PlannedRun[] = [];
  let queuedAt = options.queuedAt;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const id = `${options.idPrefix}${profile.name}@${new Date(
      partition,
    ).toISOString()}#${attempt}`;
    const random = seededRandom(`${options.seed}|${id}`);
    const lag = wholeSeconds(
      random() * MAX_START_LAG_MINUTES * MINUTE_MS * scale,
    );
    const startedAt =
      attempt === 1
        ? Math.max(
            (options.slotFreeAt ?? queuedAt) + lag,
            options.startNotBefore ?? queuedAt,
          )
        : queuedAt + lag;
    const endedAt =
      startedAt + durationMs(profile.meanDurationMinutes * scale, random);
    const failed = failing || random() < profile.failureRate;
    const messages = profile.errorMessages;
    runs.push({
      id,
      pipelineName: profile.name,
      partition,
      partitionEnd: options.partitionEnd,
      attempt,
      queuedAt,
      startedAt,
      endedAt,
      outcome: failed ? 'failed' : 'succeeded',
      errorMessage: failed
        ? messages[Math.floor(random() * messages.length)] ??
          DEFAULT_ERROR_MESSAGE
        : undefined,
    });
    if (!failed) break;
    const gapMinutes =
      RETRY_GAP_MINUTES.min +
      random() * (RETRY_GAP_MINUTES.max - RETRY_GAP_MINUTES.min);
    queuedAt = endedAt + wholeSeconds(gapMinutes * MINUTE_MS * scale);
  }
  return runs;
}

/**
 * The run as a cancellation at `cancelledAt` leaves it: one not started by
 * then is aborted then; one not even queued (a retry) never happens.
 */
export function afterCancel(
  run: PlannedRun,
  cancelledAt: number | undefined,
): PlannedRun | undefined {
  if (
    cancelledAt === undefined ||
    (run.startedAt !== undefined && run.startedAt <= cancelledAt)
  ) {
    return run;
  }
  if (run.queuedAt > cancelledAt) return undefined;
  return {
    ...run,
    startedAt: undefined,
    endedAt: cancelledAt,
    outcome: 'aborted',
    errorMessage: undefined,
  };
}

/** Whether the run was queued, started or ended in (since, at]. */
export function changedBetween(
  run: PlannedRun,
  since: number,
  at: number,
): boolean {
  return [run.queuedAt, run.startedAt, run.endedAt].some(
    time => time !== undefined && time > since && time <= at,
  );
}

/** The run as the scheduler sees it at `at`; it must be queued by then. */
export function runAt(run: PlannedRun, at: number): ProviderRun {
  const started = run.startedAt !== undefined && run.startedAt <= at;
  const ended = run.endedAt <= at;
  let state: SimulatedState = 'queued';
  if (ended) state = run.outcome;
  else if (started) state = 'running';
  return {
    id: run.id,
    pipelineName: run.pipelineName,
    partition: new Date(run.partition),
    partitionEnd: new Date(run.partitionEnd),
    state,
    sourceState: SOURCE_STATES[state],
    attempt: run.attempt,
    queuedAt: new Date(run.queuedAt),
    startedAt: started ? new Date(run.startedAt!) : undefined,
    endedAt: ended ? new Date(run.endedAt) : undefined,
    errorMessage: ended ? run.errorMessage : undefined,
  };
}
