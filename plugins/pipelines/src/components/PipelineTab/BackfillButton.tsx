import HistoryIcon from '@mui/icons-material/History';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import {
  Backfill,
  Pipeline,
  pipelinesBackfillCreatePermission,
} from '@tributary/plugin-pipelines-common';
import { useState } from 'react';
import { BackfillDialog } from './BackfillDialog';
import {
  DisabledReason,
  GatedAction,
  usePipelinePermission,
} from './PermissionGate';

const REASON_ID = 'pipelines-backfill-create-reason';

/**
 * Opens the backfill dialog for those the backend lets start one; for others
 * it stays disabled and says who can.
 */
export function BackfillButton(props: {
  /** Undefined while it loads: the dialog needs its schedule. */
  pipeline?: Pipeline;
  onCreated: (backfill: Backfill) => void;
}) {
  const { pipeline } = props;
  const permission = usePipelinePermission(
    pipelinesBackfillCreatePermission,
    'start a backfill',
  );
  const [open, setOpen] = useState(false);

  return (
    <Box display="flex" alignItems="center" gap={1.5} minHeight={40}>
      <GatedAction reason={permission.reason}>
        <Button
          variant="outlined"
          size="small"
          startIcon={<HistoryIcon />}
          disabled={!permission.allowed || !pipeline}
          aria-describedby={permission.reason ? REASON_ID : undefined}
          onClick={() => setOpen(true)}
        >
          Backfill
        </Button>
      </GatedAction>
      <DisabledReason id={REASON_ID} reason={permission.reason} />
      {open && pipeline && (
        <BackfillDialog
          pipeline={pipeline}
          onClose={() => setOpen(false)}
          onCreated={props.onCreated}
        />
      )}
    </Box>
  );
}
