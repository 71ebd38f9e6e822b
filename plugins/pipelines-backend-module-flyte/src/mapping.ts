import { createHash } from 'node:crypto';
import { RunState } from '@tributary/plugin-pipelines-common';
import { FlyteLiteral, FlyteSchedule } from './types';

/*
 * Pure conversions between FlyteAdmin's JSON and the provider contract.
 */

const PHASES = [
  'UNDEFINED',
  'QUEUED',
  'RUNNING',
  'SUCCEEDING',
  'SUCCEEDED',
  'FAILING',
  'FAILED',
  'ABORTED',
  'TIMED_OUT',
  'ABORTING',
] as const;
const PROJECT_STATES = ['ACTIVE', 'ARCHIVED', 'SYSTEM_GENERATED'] as const;
const LAUNCH_PLAN_STATES = ['INACTIVE', 'ACTIVE'] as const;
const EXECUTION_MODES = [
  'MANUAL',
  'SCHEDULED',
  'SYSTEM',
  'RELAUNCH',
  'CHILD_WORKFLOW',
  'RECOVERED',
] as const;
const RATE_UNITS = ['MINUTE', 'HOUR', 'DAY'] as const;
const SIMPLE_TYPES = [
  'NONE',
  'INTEGER',
  'FLOAT',
  'STRING',
  'BOOLEAN',
  'DATETIME',
  'DURATION',
  'BINARY',
  'ERROR',
  'STRUCT',
] as const;

/**
 * An enum as grpc-gateway sends it: its name, its number when the gateway is
 * set to emit numbers, or nothing at all for the zero value (the first name).
 */
function enumName(
  value: string | number | undefined,
  names: readonly string[],
): string {
  if (value === undefined || value === null || value === '') return names[0];
  if (typeof value === 'number') return names[value] ?? String(value);
  return value;
}

export const phaseName = (phase: string | number | undefined) =>
  enumName(phase, PHASES);
export const projectStateName = (state: string | number | undefined) =>
  enumName(state, PROJECT_STATES);
export const launchPlanStateName = (state: string | number | undefined) =>
  enumName(state, LAUNCH_PLAN_STATES);
export const executionModeName = (mode: string | number | undefined) =>
  enumName(mode, EXECUTION_MODES);
export const simpleTypeName = (type: string | number | undefined) =>
  enumName(type, SIMPLE_TYPES);

/**
 * Flyte workflow execution phase → normalized run state.
 *
 * - UNDEFINED is what flyteadmin stores for an execution it has created but
 *   propeller has not picked up yet, so it is waiting: `queued`.
 * - SUCCEEDING, FAILING and ABORTING are transitions, not outcomes: the
 *   workflow is still doing work (finalizers, on-failure nodes, pod clean-up)
 *   and is not terminal, so they stay `running` until the final phase arrives.
 *   The raw phase is kept as the source state.
 * - TIMED_OUT is the execution exceeding its deadline: a failure, not a
 *   cancellation by someone, so `failed`.
 * - ABORTED (terminated through the API, the console or a parent) is `aborted`.
 * - Anything newer than this list is `unknown`.
 */
export const PHASE_STATES: Record<string, RunState> = {
  UNDEFINED: 'queued',
  QUEUED: 'queued',
  RUNNING: 'running',
  SUCCEEDING: 'running',
  SUCCEEDED: 'succeeded',
  FAILING: 'running',
  FAILED: 'failed',
  ABORTED: 'aborted',
  TIMED_OUT: 'failed',
  ABORTING: 'running',
};

const TERMINAL_PHASES = new Set([
  'SUCCEEDED',
  'FAILED',
  'ABORTED',
  'TIMED_OUT',
]);

export function phaseState(phase: string): RunState {
  return PHASE_STATES[phase] ?? 'unknown';
}

export function isTerminalPhase(phase: string): boolean {
  return TERMINAL_PHASES.has(phase);
}

/** An RFC 3339 timestamp, or undefined when missing or unreadable. */
export function parseTimestamp(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A protobuf duration as JSON (`"5231.417092s"`) in milliseconds. */
export function parseDurationMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec(value.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * 1000);
}

/** A launch plan schedule as the pipeline's `schedule` string. */
export function formatSchedule(
  schedule: FlyteSchedule | undefined,
): string | undefined {
  if (!schedule) return undefined;
  if (schedule.cron_schedule?.schedule) return schedule.cron_schedule.schedule;
  if (schedule.cron_expression) return schedule.cron_expression;
  if (schedule.rate) {
    const value = Number(schedule.rate.value ?? 0);
    if (!value) return undefined;
    const unit = enumName(schedule.rate.unit, RATE_UNITS).toLowerCase();
    return `every ${value} ${unit}${value === 1 ? '' : 's'}`;
  }
  return undefined;
}

/**
 * A partition written as a string: `2026-10-19` (day), `2026-10-19T03`
 * (Styx's hourly form), `2026-10` (month), or a full ISO timestamp. Date-only
 * forms are UTC.
 */
export function parsePartitionString(value: string): Date | undefined {
  const text = value.trim();
  const short = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}))?)?$/.exec(text);
  if (short) {
    const [, y, m, d, h] = short;
    const date = new Date(
      Date.UTC(Number(y), Number(m) - 1, Number(d ?? 1), Number(h ?? 0)),
    );
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) {
    return parseTimestamp(text);
  }
  return undefined;
}

/** The partition a DATETIME or STRING literal holds. */
export function literalPartition(
  literal: FlyteLiteral | undefined,
): Date | undefined {
  const scalar = literal?.scalar;
  if (!scalar) return undefined;
  if (scalar.union?.value) return literalPartition(scalar.union.value);
  const primitive = scalar.primitive;
  if (primitive?.datetime) return parseTimestamp(primitive.datetime);
  if (primitive?.string_value) {
    return parsePartitionString(primitive.string_value);
  }
  return undefined;
}

/** How a partition is written into a STRING input. */
export type PartitionFormat = 'auto' | 'date' | 'hour' | 'month' | 'iso';

export function formatPartitionString(
  partition: Date,
  format: PartitionFormat,
): string {
  const iso = partition.toISOString();
  switch (format) {
    case 'date':
      return iso.slice(0, 10);
    case 'hour':
      return iso.slice(0, 13);
    case 'month':
      return iso.slice(0, 7);
    case 'iso':
      return iso.replace('.000Z', 'Z');
    default:
      if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
      if (iso.endsWith(':00:00.000Z')) return iso.slice(0, 13);
      return iso.replace('.000Z', 'Z');
  }
}

/**
 * A Kubernetes-label-safe form of the partition (no `:`), e.g. `2026-10-15`
 * or `2026-10-15T030000Z`.
 */
export function partitionLabel(partition: Date): string {
  const iso = partition.toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return `${iso.slice(0, 10)}T${iso.slice(11, 19).replace(/:/g, '')}Z`;
}

/**
 * A deterministic execution name for one trigger of a launch plan and
 * partition, so that a retried request is idempotent. Flyte wants
 * `^[a-z][a-z0-9-]*$`, and older flyteadmins at most 20 characters: `tb` and
 * 12 base-36 digits of a SHA-256, then `-<n>` for the n-th run of the same
 * partition (17 characters at most).
 */
export function executionName(seed: string, sequence: number): string {
  const digest = createHash('sha256').update(seed).digest('hex');
  const hash = BigInt(`0x${digest.slice(0, 24)}`)
    .toString(36)
    .padStart(12, '0')
    .slice(0, 12);
  return sequence <= 1 ? `tb${hash}` : `tb${hash}-${sequence}`;
}

/** `*` matches anything (including `/`), `?` one character; whole name. */
export function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('')
    .map(char => {
      if (char === '*') return '.*';
      if (char === '?') return '.';
      return char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}
