import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import { Run } from '@tributary/plugin-pipelines-common';
import { ReactNode } from 'react';
import { RunStateChip } from '../shared/RunStateChip';
import {
  durationMs,
  formatDuration,
  formatPartition,
  formatTime,
} from './runs';

/** Every field of one run, its whole error message and its scheduler link. */
export function RunDetailsDialog(props: {
  run?: Run;
  /** Attempts seen for the partition, when more than the run itself says. */
  attempts?: number;
  onClose: () => void;
}) {
  const { run, onClose } = props;
  if (!run) {
    return null;
  }
  const fields: Array<[string, ReactNode]> = [
    ['State', <RunStateChip state={run.state} />],
    ['Scheduler state', run.sourceState ?? '—'],
    ['Partition', formatPartition(run.partition)],
    ['Partition end', formatPartition(run.partitionEnd)],
    ['Attempt', props.attempts ?? run.attempt ?? '—'],
    ['Queued', formatTime(run.queuedAt)],
    ['Started', formatTime(run.startedAt)],
    ['Ended', formatTime(run.endedAt)],
    ['Duration', formatDuration(durationMs(run))],
    ['Run id', run.id],
    ['Parent run', run.parentRunId ?? '—'],
    ['Backfill', run.backfillId ?? '—'],
    ['Updated', formatTime(run.updatedAt)],
  ];
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>Run of {formatPartition(run.partition)}</DialogTitle>
      <DialogContent dividers>
        <Box
          component="dl"
          display="grid"
          gridTemplateColumns="max-content 1fr"
          columnGap={3}
          rowGap={1}
          m={0}
        >
          {fields.map(([label, value]) => (
            <Box key={label} display="contents">
              <Typography component="dt" variant="body2" color="text.secondary">
                {label}
              </Typography>
              <Typography
                component="dd"
                variant="body2"
                m={0}
                sx={{ wordBreak: 'break-all' }}
              >
                {value}
              </Typography>
            </Box>
          ))}
        </Box>
        {run.errorMessage && (
          <>
            <Typography variant="subtitle2" mt={2}>
              Error
            </Typography>
            <Box
              component="pre"
              data-testid="run-error"
              sx={{
                m: 0,
                p: 1.5,
                maxHeight: 320,
                overflow: 'auto',
                whiteSpace: 'pre-wrap',
                wordBreak: 'break-word',
                typography: 'caption',
                fontFamily: 'monospace',
                bgcolor: 'action.hover',
                borderRadius: 1,
              }}
            >
              {run.errorMessage}
            </Box>
          </>
        )}
      </DialogContent>
      <DialogActions>
        {run.externalUrl && (
          <Button
            href={run.externalUrl}
            target="_blank"
            rel="noopener noreferrer"
          >
            Open in scheduler
          </Button>
        )}
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
