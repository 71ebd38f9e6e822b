import { canonicalize } from '../__testUtils__/canonicalize';
import { demoEvents, demoRuns } from './demoEvents';
import { createDemoPlatform, DemoPipeline } from './demoPlatform';

const platform = createDemoPlatform(42);
const NOW = new Date('2026-11-28T10:30:00Z');
const options = { seed: 42, now: NOW, historyDays: 30 };

function pipeline(predicate: (p: DemoPipeline) => boolean) {
  return platform.pipelines.find(predicate)!;
}

describe('demoRuns', () => {
  it('covers every partition of the history, hourly or daily', () => {
    const hourly = pipeline(p => p.cadence === 'hourly');
    const daily = pipeline(p => p.cadence === 'daily' && p.style === 'dbt');
    const partitions = (p: DemoPipeline) =>
      new Set(demoRuns(p, options).map(run => run.partition.getTime())).size;
    expect(partitions(hourly)).toBe(30 * 24);
    expect(partitions(daily)).toBe(30);
  });

  it('keeps a finished run the same when asked later', () => {
    const p = pipeline(q => q.cadence === 'hourly');
    const later = new Date(NOW.getTime() + 6 * 3_600_000);
    const windowStart = later.getTime() - 30 * 86_400_000;
    const early = demoRuns(p, options).filter(
      run => run.endedAt && run.partition.getTime() >= windowStart,
    );
    expect(early.length).toBeGreaterThan(600);
    const again = demoRuns(p, { ...options, now: later });
    for (const run of early) {
      expect(again).toContainEqual(run);
    }
  });

  it('fails every partition of the last days of the failing pipeline, retries included', () => {
    const failing = pipeline(
      p => p.failingForDays !== undefined && p.style !== 'simulated',
    );
    const recent = demoRuns(failing, options).filter(
      run => run.partition.getTime() >= NOW.getTime() - 3 * 86_400_000,
    );
    expect(recent.length).toBeGreaterThanOrEqual(4);
    expect(recent.every(run => run.failed)).toBe(true);
    expect(recent.some(run => run.attempt === 2)).toBe(true);
    expect(new Set(recent.map(run => run.errorMessage)).size).toBe(1);
  });

  it('retries some failures, and runs the latest hourly partitions now', () => {
    const all = platform.pipelines.flatMap(p => demoRuns(p, options));
    expect(all.filter(run => run.attempt === 2).length).toBeGreaterThan(50);
    expect(all.filter(run => !run.endedAt).length).toBeGreaterThan(0);
    expect(all.every(run => run.startedAt <= NOW)).toBe(true);
  });
});

describe('demoEvents', () => {
  it('adds, after a first call, exactly the events a later call would send', () => {
    const short = { ...options, historyDays: 5 };
    const later = new Date(NOW.getTime() + 2 * 3_600_000);
    // Both histories hold the partitions from this day on.
    const windowStart =
      Math.ceil((later.getTime() - 5 * 86_400_000) / 86_400_000) * 86_400_000;
    const inWindow = (events: any[]) =>
      events
        .filter(
          e =>
            !e.run ||
            Date.parse(e.run.facets.nominalTime.nominalStartTime) >=
              windowStart,
        )
        .map(canonicalize);
    const first = inWindow(demoEvents(platform, short));
    const added = inWindow(
      demoEvents(platform, { ...short, now: later, after: NOW }),
    );
    const whole = inWindow(demoEvents(platform, { ...short, now: later }));
    expect(added.length).toBeGreaterThan(0);
    expect(new Set([...first, ...added])).toEqual(new Set(whole));
    expect(first.length + added.length).toBe(whole.length);
  });

  it('sends lineage, not runs, for the simulated scheduler pipelines', () => {
    const events = demoEvents(platform, options) as any[];
    const simulated = events.filter(e => e.job.namespace === 'simulated:demo');
    expect(simulated).toHaveLength(
      platform.pipelines.filter(p => p.style === 'simulated').length,
    );
    expect(simulated.every(e => e.run === undefined)).toBe(true);
  });
});
