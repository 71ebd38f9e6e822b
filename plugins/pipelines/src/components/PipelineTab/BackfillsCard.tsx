import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Skeleton from '@mui/material/Skeleton';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import {
  Backfill,
  BackfillMode,
  BackfillState,
  ListBackfillsResponse,
  pipelinesBackfillCancelPermission,
} from '@tributary/plugin-pipelines-common';
import { useEffect, useRef, useState } from 'react';
import { useDeferredAsyncRetry } from '../shared/useDeferredAsyncRetry';
import { pipelinesApiRef } from '../../api';
import { TimeAgo } from '../shared/TimeAgo';
import {
  errorMessage,
  isActiveBackfill,
  progressPercent,
  progressText,
} from './backfills';
import {
  DisabledReason,
  GatedAction,
  usePipelinePermission,
} from './PermissionGate';
import { formatPartition } from './runs';
import { SectionBox, SectionError, SectionMessage } from './SectionStates';

/** How often the list is asked again while a backfill is queued or running. */
export const BACKFILL_POLL_MS = 5000;
const EMPTY_HEIGHT = 120;
const LIST_MAX_HEIGHT = 420;
const REASON_ID = 'pipelines-backfill-cancel-reason';

const STATE_COLORS: Record<
  BackfillState,
  'default' | 'info' | 'success' | 'error' | 'warning'
> = {
  queued: 'default',
  running: 'info',
  succeeded: 'success',
  failed: 'error',
  cancelled: 'warning',
};

const MODE_DESCRIPTIONS: Record<BackfillMode, string> = {
  native: "Run by the scheduler's own backfill",
  orchestrated: 'One run per partition, triggered by Tributary',
};

function BackfillRow(props: {
  backfill: Backfill;
  cancel: { allowed: boolean; reason?: string };
  cancelling: boolean;
  onCancel: (backfill: Backfill) => void;
}) {
  const { backfill, cancel } = props;
  const percent = progressPercent(backfill.progress);
  const progress = progressText(backfill.progress);
  return (
    <TableRow data-testid={`backfill-${backfill.id}`}>
      <TableCell>
        <Chip
          size="small"
          color={STATE_COLORS[backfill.state]}
          label={backfill.state}
        />
        {backfill.error && (
          <Typography
            variant="caption"
            color="error"
            display="block"
            mt={0.5}
            sx={{ wordBreak: 'break-word' }}
          >
            {backfill.error}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        <Tooltip title="Start inclusive, end exclusive (UTC)">
          <span>
            {formatPartition(backfill.start)} → {formatPartition(backfill.end)}
          </span>
        </Tooltip>
      </TableCell>
      <TableCell>
        <Tooltip title={MODE_DESCRIPTIONS[backfill.mode]}>
          <span>{backfill.mode}</span>
        </Tooltip>
      </TableCell>
      <TableCell>
        <EntityRefLink entityRef={backfill.requestedBy} defaultKind="user" />
      </TableCell>
      <TableCell>
        <TimeAgo time={backfill.createdAt} />
      </TableCell>
      <TableCell sx={{ minWidth: 180 }}>
        <LinearProgress
          variant="determinate"
          value={percent}
          color={backfill.progress.failed > 0 ? 'error' : 'primary'}
          aria-label={`Progress of backfill ${backfill.id}`}
          aria-valuetext={progress}
        />
        <Typography variant="caption" color="text.secondary">
          {progress}
        </Typography>
      </TableCell>
      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
        {backfill.externalUrl && (
          <IconButton
            size="small"
            href={backfill.externalUrl}
            target="_blank"
            rel="noopener noreferrer"
            aria-label="Open backfill in scheduler"
          >
            <OpenInNewIcon fontSize="small" />
          </IconButton>
        )}
        {isActiveBackfill(backfill) && (
          <GatedAction reason={cancel.reason}>
            <Button
              size="small"
              color="warning"
              disabled={!cancel.allowed || props.cancelling}
              aria-describedby={cancel.reason ? REASON_ID : undefined}
              onClick={() => props.onCancel(backfill)}
            >
              Cancel backfill
            </Button>
          </GatedAction>
        )}
      </TableCell>
    </TableRow>
  );
}

/**
 * The pipeline's backfills, newest first, with their progress. Asks again
 * every few seconds while any is queued or running.
 */
export function BackfillsCard(props: {
  pipelineId: string;
  /** Changes when a backfill was started here, to show it at once. */
  refreshKey?: number;
  pollMs?: number;
}) {
  const { pipelineId, refreshKey, pollMs = BACKFILL_POLL_MS } = props;
  const pipelinesApi = useApi(pipelinesApiRef);
  const cancelPermission = usePipelinePermission(
    pipelinesBackfillCancelPermission,
    'cancel a backfill',
  );
  const [cancelling, setCancelling] = useState<string>();
  const [cancelError, setCancelError] = useState<unknown>();
  const { value, loading, error, retry } = useDeferredAsyncRetry(
    () => pipelinesApi.listBackfills(pipelineId),
    [pipelinesApi, pipelineId, refreshKey],
  );

  // A failed refresh keeps the last list on screen, with the error above it.
  const last = useRef<ListBackfillsResponse>();
  if (value) {
    last.current = value;
  }
  const items = (value ?? last.current)?.items;
  const active = Boolean(items?.some(isActiveBackfill));

  useEffect(() => {
    if (!active || loading) {
      return undefined;
    }
    const timer = setTimeout(retry, pollMs);
    return () => clearTimeout(timer);
  }, [active, loading, retry, pollMs, value, error]);

  const onCancel = async (backfill: Backfill) => {
    setCancelling(backfill.id);
    setCancelError(undefined);
    try {
      await pipelinesApi.cancelBackfill(backfill.id);
    } catch (e) {
      setCancelError(e);
    }
    setCancelling(undefined);
    retry();
  };

  let body;
  if (!items && error) {
    body = (
      <SectionBox height={EMPTY_HEIGHT}>
        <SectionError
          title="Could not load backfills"
          error={error}
          onRetry={retry}
        />
      </SectionBox>
    );
  } else if (!items) {
    body = (
      <Skeleton
        variant="rectangular"
        height={EMPTY_HEIGHT}
        data-testid="backfills-loading"
      />
    );
  } else if (items.length === 0) {
    body = (
      <SectionMessage height={EMPTY_HEIGHT}>
        No backfills yet. Start one with the Backfill button.
      </SectionMessage>
    );
  } else {
    body = (
      <Box maxHeight={LIST_MAX_HEIGHT} overflow="auto">
        <Table size="small" stickyHeader aria-label="Backfills">
          <TableHead>
            <TableRow>
              <TableCell>State</TableCell>
              <TableCell>Range</TableCell>
              <TableCell>Mode</TableCell>
              <TableCell>Requested by</TableCell>
              <TableCell>Created</TableCell>
              <TableCell>Progress</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(backfill => (
              <BackfillRow
                key={backfill.id}
                backfill={backfill}
                cancel={cancelPermission}
                cancelling={cancelling === backfill.id}
                onCancel={onCancel}
              />
            ))}
          </TableBody>
        </Table>
      </Box>
    );
  }

  return (
    <InfoCard
      title="Backfills"
      titleTypographyProps={{ component: 'h2' }}
      subheader="Newest first; progress refreshes while one runs"
      noPadding
    >
      {(cancelError !== undefined || (items && error)) && (
        <Box px={2} pt={1}>
          <Alert severity="error">
            {cancelError !== undefined
              ? `Could not cancel the backfill: ${errorMessage(cancelError)}`
              : `Could not refresh the backfills: ${errorMessage(error)}`}
          </Alert>
        </Box>
      )}
      {active && (
        <Box px={2} pt={1}>
          <DisabledReason id={REASON_ID} reason={cancelPermission.reason} />
        </Box>
      )}
      {body}
    </InfoCard>
  );
}
