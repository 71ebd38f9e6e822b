import { useTheme } from '@mui/material/styles';
import { RecentRun } from '@tributary/plugin-pipelines-common';
import { CSSProperties } from 'react';
import { localeString } from '../../lib/formatters';
import { runStateThemeColour } from './RunStateChip';

function describe(run: RecentRun): string {
  const partition = run.partition
    ? localeString(run.partition)
    : 'no partition';
  const attempt =
    run.attempt && run.attempt > 1 ? `, attempt ${run.attempt}` : '';
  return `${partition}: ${run.state}${attempt}`;
}

const CELL: CSSProperties = {
  width: 8,
  height: 16,
  borderRadius: 2,
  boxSizing: 'border-box',
};

/**
 * The latest partitions (the latest attempt of each) as a row of coloured
 * cells, oldest left like a timeline.
 * With `slots`, empty cells keep every row the same width. A page may hold
 * hundreds of strips, so each cell is a plain element with a plain `title`:
 * no Tooltip, no styled component.
 */
export function RecentRunsStrip(props: { runs?: RecentRun[]; slots?: number }) {
  const theme = useTheme();
  const all = props.runs ?? [];
  const runs = all.slice(0, props.slots ?? all.length).reverse();
  const empty = props.slots ? props.slots - runs.length : 0;
  const emptyCell = { ...CELL, border: `1px solid ${theme.palette.divider}` };
  return (
    <div
      style={{ display: 'flex', gap: 2 }}
      role="list"
      aria-label={`Latest ${runs.length} partitions`}
    >
      {Array.from({ length: empty }, (_, i) => (
        <div key={`empty-${i}`} style={emptyCell} />
      ))}
      {runs.map(run => {
        const description = describe(run);
        return (
          <div
            key={run.id}
            role="listitem"
            aria-label={description}
            title={description}
            style={{
              ...CELL,
              background: runStateThemeColour(theme, run.state),
            }}
          />
        );
      })}
    </div>
  );
}
