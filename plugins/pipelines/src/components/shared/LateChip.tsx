import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import { PipelineLateness, RunState } from '@tributary/plugin-pipelines-common';
import { formatPartition, formatTime } from '../PipelineTab/runs';
import { RunStateChip } from './RunStateChip';

/** What is known of a lateness: a pipeline's details, or only since when. */
export interface Lateness {
  /** A pipeline's lateness, with its partitions. */
  late?: PipelineLateness;
  /** Since when, from a summary that carries no more. */
  lateSince?: string;
}

/** A partition as `formatPartition` shows it, or as given when not a time. */
function partitionText(partition: string): string {
  // `Date.parse` reads too much as a time ("batch-7" is July 2001).
  const isoTime = /^\d{4}-\d{2}-\d{2}/.test(partition);
  return isoTime && !Number.isNaN(Date.parse(partition))
    ? formatPartition(partition)
    : partition;
}

/** "3 partitions past their freshness deadline (oldest 2026-11-29)". */
export function latePartitionsText(late: PipelineLateness): string {
  const count = late.partitionCount;
  const partitions =
    count === 1
      ? '1 partition past its freshness deadline'
      : `${count} partitions past their freshness deadline`;
  return late.oldestPartition
    ? `${partitions} (oldest ${partitionText(late.oldestPartition)})`
    : partitions;
}

/**
 * "Late since <time>: 3 partitions past their freshness deadline (oldest
 * 2026-11-29)"; undefined when not late.
 */
export function lateDescription(lateness: Lateness): string | undefined {
  const { late } = lateness;
  if (late) {
    return `Late since ${formatTime(late.since)}: ${latePartitionsText(late)}`;
  }
  if (lateness.lateSince) {
    return `Late since ${formatTime(
      lateness.lateSince,
    )}: past its freshness deadline`;
  }
  return undefined;
}

/**
 * "late" beside a run state while partitions are past their freshness
 * deadline; nothing otherwise. Its tooltip says since when and how many.
 */
export function LateChip(props: Lateness) {
  const description = lateDescription(props);
  if (!description) {
    return null;
  }
  return (
    <Tooltip title={description} describeChild>
      <Chip size="small" variant="outlined" color="warning" label="late" />
    </Tooltip>
  );
}

/** A pipeline's latest run state, and "late" beside it while it is late. */
export function PipelineStateChips(props: Lateness & { state?: RunState }) {
  return (
    <Box component="span" display="inline-flex" alignItems="center" gap={0.5}>
      <RunStateChip state={props.state} />
      <LateChip late={props.late} lateSince={props.lateSince} />
    </Box>
  );
}
