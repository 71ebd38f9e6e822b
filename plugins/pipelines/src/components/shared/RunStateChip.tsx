import Chip from '@mui/material/Chip';
import type { Theme } from '@mui/material/styles';
import { RunState } from '@tributary/plugin-pipelines-common';

const STATE_COLORS: Record<
  RunState,
  'default' | 'info' | 'success' | 'error' | 'warning'
> = {
  queued: 'default',
  running: 'info',
  succeeded: 'success',
  failed: 'error',
  aborted: 'warning',
  skipped: 'default',
  unknown: 'default',
};

/** A pipeline's latest run state; "no runs" when there is none yet. */
export function RunStateChip(props: { state?: RunState }) {
  if (!props.state) {
    return <Chip size="small" variant="outlined" label="no runs" />;
  }
  return (
    <Chip size="small" color={STATE_COLORS[props.state]} label={props.state} />
  );
}

/** Theme palette keys for each run state, for strips, grids and graph nodes. */
export const RUN_STATE_PALETTE: Record<
  RunState,
  'grey' | 'info' | 'success' | 'error' | 'warning'
> = {
  queued: 'grey',
  running: 'info',
  succeeded: 'success',
  failed: 'error',
  aborted: 'warning',
  skipped: 'grey',
  unknown: 'grey',
};

/** An `sx` colour for a run state, e.g. `error.main`; greys have no `main`. */
export function runStateColor(state: RunState): string {
  const key = RUN_STATE_PALETTE[state];
  return key === 'grey' ? 'grey.500' : `${key}.main`;
}

/** The colour of a run state from the theme's palette; no state is greyed. */
export function runStateThemeColour(theme: Theme, state?: RunState): string {
  if (!state) {
    return theme.palette.text.disabled;
  }
  const key = RUN_STATE_PALETTE[state];
  return key === 'grey' ? theme.palette.grey[500] : theme.palette[key].main;
}
