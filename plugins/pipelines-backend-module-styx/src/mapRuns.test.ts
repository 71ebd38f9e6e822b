import { loadFixture } from './__testUtils__/FakeStyxServer';
import {
  activeStateToRun,
  instanceToRun,
  normalizeExecutionStatus,
  normalizeRunState,
} from './mapRuns';
import {
  StyxBackfillPayload,
  StyxWorkflowInstanceExecutionData,
} from './styxTypes';

describe('state mapping', () => {
  it.each([
    ['SUBMITTED', false, 'queued'],
    ['STARTED', false, 'running'],
    ['SUCCESS', true, 'succeeded'],
    ['FAILED', true, 'failed'],
    ['FAILED', false, 'queued'],
    ['MISSING_DEPS', true, 'failed'],
    ['MISSING_DEPS', false, 'queued'],
    ['TIMEOUT', true, 'failed'],
    ['TIMEOUT', false, 'queued'],
    ['HALTED', true, 'aborted'],
    ['STARTED', true, 'aborted'],
    ['SOMETHING_NEW', true, 'unknown'],
  ])('execution status %s (complete: %p) is %s', (status, complete, state) => {
    expect(normalizeExecutionStatus(status, complete)).toBe(state);
  });

  it.each([
    ['NEW', 'queued'],
    ['QUEUED', 'queued'],
    ['PREPARE', 'queued'],
    ['SUBMITTING', 'queued'],
    ['SUBMITTED', 'queued'],
    ['RUNNING', 'running'],
    ['TERMINATED', 'running'],
    ['FAILED', 'queued'],
    ['DONE', 'succeeded'],
    ['ERROR', 'failed'],
    ['WAITING', 'queued'],
    ['UNKNOWN', 'unknown'],
  ])('run state %s is %s', (runState, state) => {
    expect(normalizeRunState(runState)).toBe(state);
  });
});

describe('instanceToRun', () => {
  const instances = loadFixture<StyxWorkflowInstanceExecutionData[]>(
    'get_workflow_instances.json',
  );
  const context = { schedule: 'days', runningTimeoutMs: 7_200_000 };

  it('maps the recorded instances', () => {
    expect(instances.map(i => instanceToRun(i, context))).toEqual([
      {
        id: 'analytics-pipelines#daily-orders-rollup#2026-10-27',
        pipelineName: 'analytics-pipelines/daily-orders-rollup',
        partition: new Date('2026-10-27T00:00:00Z'),
        partitionEnd: new Date('2026-10-28T00:00:00Z'),
        // The ad-hoc re-run is the latest trigger.
        state: 'succeeded',
        sourceState: 'SUCCESS',
        attempt: 1,
        queuedAt: new Date('2026-10-30T10:21:10.123Z'),
        startedAt: new Date('2026-10-30T10:21:31.872Z'),
        endedAt: new Date('2026-10-30T10:37:02.440Z'),
        errorMessage: undefined,
      },
      {
        id: 'analytics-pipelines#daily-orders-rollup#2026-10-28',
        pipelineName: 'analytics-pipelines/daily-orders-rollup',
        partition: new Date('2026-10-28T00:00:00Z'),
        partitionEnd: new Date('2026-10-29T00:00:00Z'),
        state: 'succeeded',
        sourceState: 'SUCCESS',
        attempt: 2,
        queuedAt: new Date('2026-10-29T02:00:00.377Z'),
        startedAt: new Date('2026-10-29T02:00:18.250Z'),
        endedAt: new Date('2026-10-29T02:29:12.333Z'),
        errorMessage: undefined,
      },
      {
        id: 'analytics-pipelines#daily-orders-rollup#2026-10-29',
        pipelineName: 'analytics-pipelines/daily-orders-rollup',
        partition: new Date('2026-10-29T00:00:00Z'),
        partitionEnd: new Date('2026-10-30T00:00:00Z'),
        state: 'succeeded',
        sourceState: 'SUCCESS',
        attempt: 2,
        queuedAt: new Date('2026-10-30T02:00:00.298Z'),
        startedAt: new Date('2026-10-30T02:00:20.560Z'),
        endedAt: new Date('2026-10-30T02:45:40.021Z'),
        errorMessage: undefined,
      },
      {
        id: 'analytics-pipelines#daily-orders-rollup#2026-10-30',
        pipelineName: 'analytics-pipelines/daily-orders-rollup',
        partition: new Date('2026-10-30T00:00:00Z'),
        partitionEnd: new Date('2026-10-31T00:00:00Z'),
        // Out of retries: three failed executions.
        state: 'failed',
        sourceState: 'FAILED',
        attempt: 3,
        queuedAt: new Date('2026-10-31T02:00:00.402Z'),
        startedAt: new Date('2026-10-31T02:00:18.420Z'),
        endedAt: new Date('2026-10-31T02:40:33.512Z'),
        errorMessage: 'Exit code: 1',
      },
      {
        id: 'analytics-pipelines#daily-orders-rollup#2026-10-31',
        pipelineName: 'analytics-pipelines/daily-orders-rollup',
        partition: new Date('2026-10-31T00:00:00Z'),
        partitionEnd: new Date('2026-11-01T00:00:00Z'),
        // Timed out, and the retry is running (complete: false).
        state: 'running',
        sourceState: 'STARTED',
        attempt: 2,
        queuedAt: new Date('2026-11-01T02:00:00.431Z'),
        startedAt: new Date('2026-11-01T02:00:17.950Z'),
        endedAt: undefined,
        errorMessage: undefined,
      },
    ]);
  });

  it('explains failures of each kind, with exit codes', () => {
    const failing = (
      status: string,
      message: string | null,
      complete: boolean,
    ) =>
      instanceToRun(
        {
          workflow_instance: {
            workflow_id: { component_id: 'c', id: 'w' },
            parameter: '2026-10-30',
          },
          triggers: [
            {
              trigger_id: 'natural-trigger',
              timestamp: '2026-10-31T02:00:00Z',
              complete,
              executions: [
                {
                  statuses: [
                    { timestamp: '2026-10-31T02:00:05Z', status: 'STARTED' },
                    { timestamp: '2026-10-31T02:10:00Z', status, message },
                  ],
                },
              ],
            },
          ],
        },
        context,
      );
    expect(failing('MISSING_DEPS', null, true)).toMatchObject({
      state: 'failed',
      errorMessage: 'Missing dependencies (exit code 20)',
    });
    expect(failing('TIMEOUT', null, true)).toMatchObject({
      state: 'failed',
      errorMessage: 'Timed out after running_timeout of 2h',
    });
    expect(failing('HALTED', null, true)).toMatchObject({
      state: 'aborted',
      sourceState: 'HALTED',
      errorMessage: 'Halted',
    });
    expect(failing('FAILED', 'Exit code: 137', false)).toMatchObject({
      // Waiting for its retry.
      state: 'queued',
      sourceState: 'FAILED',
      errorMessage: 'Exit code: 137',
      endedAt: undefined,
    });
    expect(failing('FAILED', 'Image pull failed', true)).toMatchObject({
      state: 'failed',
      errorMessage: 'Image pull failed',
    });
  });

  it('handles instances triggered but not executed, halted early, or empty', () => {
    const base = {
      workflow: { component_id: 'c', id: 'w' }, // the .apib's name for it
      parameter: '2026-10-20T05',
    };
    const trigger = {
      trigger_id: 'UNKNOWN',
      timestamp: '2026-10-20T06:00:00Z',
    };
    expect(
      instanceToRun(
        {
          workflow_instance: base,
          triggers: [{ ...trigger, complete: false, executions: [] }],
        },
        { schedule: 'hours' },
      ),
    ).toMatchObject({
      id: 'c#w#2026-10-20T05',
      pipelineName: 'c/w',
      partition: new Date('2026-10-20T05:00:00Z'),
      partitionEnd: new Date('2026-10-20T06:00:00Z'),
      state: 'queued',
      sourceState: 'QUEUED',
      queuedAt: new Date('2026-10-20T06:00:00Z'),
    });
    expect(
      instanceToRun(
        {
          workflow_instance: base,
          triggers: [{ ...trigger, complete: true, executions: null }],
        },
        undefined,
      ),
    ).toMatchObject({ state: 'aborted', sourceState: 'HALTED' });
    expect(
      instanceToRun({ workflow_instance: base, triggers: [] }, undefined),
    ).toMatchObject({ state: 'unknown', sourceState: 'UNKNOWN' });
  });
});

describe('activeStateToRun', () => {
  const states =
    loadFixture<StyxBackfillPayload>('get_backfill.json').statuses!
      .active_states!;

  it('maps live states, with epoch-millisecond timestamps', () => {
    const running = states.find(s => s.state === 'RUNNING')!;
    const queued = states.find(s => s.state === 'QUEUED')!;
    expect(activeStateToRun(running, { schedule: 'days' })).toEqual({
      id: 'analytics-pipelines#daily-orders-rollup#2026-10-03',
      pipelineName: 'analytics-pipelines/daily-orders-rollup',
      partition: new Date('2026-10-03T00:00:00Z'),
      partitionEnd: new Date('2026-10-04T00:00:00Z'),
      state: 'running',
      sourceState: 'RUNNING',
      attempt: 1,
      queuedAt: undefined,
      startedAt: new Date(1793508096882),
      errorMessage: undefined,
    });
    // Waiting on a resource is not an error.
    expect(activeStateToRun(queued, { schedule: 'days' })).toMatchObject({
      state: 'queued',
      sourceState: 'QUEUED',
      attempt: undefined,
      errorMessage: undefined,
    });
  });

  it('reports the failure of an instance waiting for its retry', () => {
    const retrying = {
      ...states[1],
      state: 'QUEUED',
      state_data: {
        ...states[1].state_data,
        consecutive_failures: 1,
        messages: [{ level: 'WARNING', line: 'Exit code: 1' }],
      },
    };
    expect(activeStateToRun(retrying, undefined)).toMatchObject({
      state: 'queued',
      attempt: 2,
      errorMessage: 'Exit code: 1',
    });
    const noMessage = {
      ...retrying,
      state: 'FAILED',
      state_data: { ...retrying.state_data, messages: [], last_exit: 20 },
    };
    expect(activeStateToRun(noMessage, undefined)).toMatchObject({
      state: 'queued',
      sourceState: 'FAILED',
      errorMessage: 'Exit code: 20',
    });
  });
});
