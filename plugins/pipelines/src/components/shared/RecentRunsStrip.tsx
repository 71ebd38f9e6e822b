import Box from '@mui/material/Box';
import Tooltip from '@mui/material/Tooltip';
import { RecentRun } from '@tributary/plugin-pipelines-common';
import { runStateColor } from './RunStateChip';

function describe(run: RecentRun): string {
  const partition = run.partition
    ? new Date(run.partition).toLocaleString()
    : 'no partition';
  const attempt =
    run.attempt && run.attempt > 1 ? `, attempt ${run.attempt}` : '';
  return `${partition}: ${run.state}${attempt}`;
}

/**
 * The latest runs as a row of coloured cells, oldest left; empty slots keep
 * every row the same width.
 */
export function RecentRunsStrip(props: { runs: RecentRun[]; slots: number }) {
  const runs = props.runs.slice(0, props.slots).reverse();
  const empty = props.slots - runs.length;
  return (
    <Box
      display="flex"
      gap="2px"
      role="list"
      aria-label={`Latest ${runs.length} runs`}
    >
      {Array.from({ length: empty }, (_, i) => (
        <Box
          key={`empty-${i}`}
          width={8}
          height={16}
          borderRadius="2px"
          sx={{ border: 1, borderColor: 'divider' }}
        />
      ))}
      {runs.map(run => (
        <Tooltip key={run.id} title={describe(run)}>
          <Box
            role="listitem"
            aria-label={describe(run)}
            width={8}
            height={16}
            borderRadius="2px"
            bgcolor={runStateColor(run.state)}
          />
        </Tooltip>
      ))}
    </Box>
  );
}
