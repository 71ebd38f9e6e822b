import Box from '@mui/material/Box';
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
 * The latest runs as a row of coloured cells, oldest left like a timeline.
 * With `slots`, empty cells keep every row the same width. A page may hold
 * hundreds of strips, so each cell has a plain `title`, not a Tooltip.
 */
export function RecentRunsStrip(props: { runs?: RecentRun[]; slots?: number }) {
  const all = props.runs ?? [];
  const runs = all.slice(0, props.slots ?? all.length).reverse();
  const empty = props.slots ? props.slots - runs.length : 0;
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
        <Box
          key={run.id}
          role="listitem"
          aria-label={describe(run)}
          title={describe(run)}
          width={8}
          height={16}
          borderRadius="2px"
          bgcolor={runStateColor(run.state)}
        />
      ))}
    </Box>
  );
}
