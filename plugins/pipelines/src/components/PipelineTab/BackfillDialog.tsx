import { useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import LinearProgress from '@mui/material/LinearProgress';
import Skeleton from '@mui/material/Skeleton';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import {
  Backfill,
  BackfillOrder,
  BackfillPlan,
  BackfillPlanRequest,
  Pipeline,
} from '@tributary/plugin-pipelines-common';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { pipelinesApiRef } from '../../api';
import { RunStateChip } from '../shared/RunStateChip';
import {
  ACTION_LABELS,
  BackfillRange,
  defaultBackfillRange,
  errorMessage,
  fromDateTimeInput,
  hasStatus,
  newIdempotencyKey,
  planSummary,
  toDateTimeInput,
} from './backfills';
import { formatPartition } from './runs';

/** Runs read to place the default range on the latest partitions. */
const RUNS_FOR_DEFAULTS = 50;
/** Inputs settle this long before the plan is asked again. */
export const PLAN_DEBOUNCE_MS = 300;
/** The plan's area keeps one height whatever it holds. */
const PLAN_HEIGHT = 300;

interface FormValues {
  start: string;
  end: string;
  onlyFailedOrMissing: boolean;
  concurrency: string;
  order: BackfillOrder;
}

/** The request the form asks for, or why it cannot ask yet. */
function toRequest(values: FormValues): {
  request?: BackfillPlanRequest;
  problem?: string;
} {
  const start = fromDateTimeInput(values.start);
  const end = fromDateTimeInput(values.end);
  if (!start || !end) {
    return { problem: 'Enter the first partition and the end of the range.' };
  }
  if (end <= start) {
    return { problem: 'The end must be after the first partition.' };
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    return { problem: 'Concurrency must be a whole number of at least 1.' };
  }
  return {
    request: {
      start,
      end,
      onlyFailedOrMissing: values.onlyFailedOrMissing,
      concurrency,
      order: values.order,
    },
  };
}

function stepText(step: number): string {
  if (step === 3_600_000) {
    return 'hourly partitions';
  }
  if (step === 86_400_000) {
    return 'daily partitions';
  }
  if (step === 7 * 86_400_000) {
    return 'weekly partitions';
  }
  return 'partitions as the schedule aligns them';
}

function PlanTable(props: { plan: BackfillPlan }) {
  return (
    <Table size="small" stickyHeader aria-label="Backfill plan">
      <TableHead>
        <TableRow>
          <TableCell>Partition</TableCell>
          <TableCell>Current state</TableCell>
          <TableCell>Action</TableCell>
          <TableCell>Reason</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.plan.partitions.map(partition => (
          <TableRow key={partition.partition}>
            <TableCell>{formatPartition(partition.partition)}</TableCell>
            <TableCell>
              <RunStateChip state={partition.currentState} />
            </TableCell>
            <TableCell
              sx={{
                color:
                  partition.action === 'skip' ? 'text.secondary' : undefined,
                fontWeight: partition.action === 'skip' ? undefined : 500,
              }}
            >
              {ACTION_LABELS[partition.action]}
            </TableCell>
            <TableCell>{partition.reason}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The dry run of the current inputs: its rows, or why there are none. */
function PlanSection(props: {
  plan?: BackfillPlan;
  loading: boolean;
  conflict?: string;
}) {
  const { plan, loading, conflict } = props;
  let body;
  if (conflict) {
    body = (
      <Alert severity="warning" data-testid="backfill-conflict">
        {conflict}
      </Alert>
    );
  } else if (plan) {
    body = (
      <>
        <Typography variant="subtitle2" data-testid="backfill-plan-summary">
          {planSummary(plan)}
        </Typography>
        <Box flex={1} overflow="auto" mt={1}>
          <PlanTable plan={plan} />
        </Box>
      </>
    );
  } else if (loading) {
    body = <Skeleton variant="rectangular" height="100%" />;
  } else {
    body = (
      <Typography variant="body2" color="text.secondary">
        The plan appears here once the range is valid.
      </Typography>
    );
  }
  return (
    <Box mt={2}>
      {/* Reserved even when idle: a refetch shows without moving rows. */}
      <Box height={4}>
        {loading && plan && <LinearProgress aria-label="Updating the plan" />}
      </Box>
      <Box
        height={PLAN_HEIGHT}
        display="flex"
        flexDirection="column"
        pt={1}
        sx={{ opacity: loading && plan ? 0.6 : 1 }}
      >
        {body}
      </Box>
    </Box>
  );
}

function BackfillForm(props: {
  pipeline: Pipeline;
  range: BackfillRange;
  onClose: () => void;
  onCreated: (backfill: Backfill) => void;
}) {
  const { pipeline, range } = props;
  const pipelinesApi = useApi(pipelinesApiRef);
  // One key per opening: a double click or a retry answers the same backfill.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [values, setValues] = useState<FormValues>({
    start: toDateTimeInput(range.start),
    end: toDateTimeInput(range.end),
    onlyFailedOrMissing: false,
    concurrency: '1',
    order: 'oldest',
  });
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<unknown>();

  const { request, problem } = toRequest(values);
  const requestKey = request ? JSON.stringify(request) : '';
  // The first plan is asked at once; later ones once the inputs settle.
  const [plannedKey, setPlannedKey] = useState(requestKey);
  useDebounce(() => setPlannedKey(requestKey), PLAN_DEBOUNCE_MS, [requestKey]);

  const plan = useAsync(async () => {
    if (!plannedKey) {
      return undefined;
    }
    return pipelinesApi.planBackfill(pipeline.id, JSON.parse(plannedKey));
  }, [pipelinesApi, pipeline.id, plannedKey]);

  const conflict = hasStatus(plan.error, 409)
    ? errorMessage(plan.error)
    : undefined;
  const planError =
    plan.error && !conflict ? errorMessage(plan.error) : undefined;
  const settling = plannedKey !== requestKey;
  const current =
    request && !settling && !plan.loading && !plan.error
      ? plan.value
      : undefined;
  const canConfirm = Boolean(current && current.runCount > 0) && !creating;

  const update = (change: Partial<FormValues>) =>
    setValues(previous => ({ ...previous, ...change }));

  const confirm = async () => {
    if (!request) {
      return;
    }
    setCreating(true);
    setCreateError(undefined);
    let created: Backfill;
    try {
      created = await pipelinesApi.createBackfill(pipeline.id, {
        ...request,
        idempotencyKey,
      });
    } catch (error) {
      setCreateError(error);
      setCreating(false);
      return;
    }
    props.onCreated(created);
    props.onClose();
  };

  const message = problem ?? planError;
  return (
    <>
      <DialogContent dividers>
        <Box
          display="grid"
          gridTemplateColumns={{ xs: '1fr', sm: '1fr 1fr' }}
          gap={2}
          pt={1}
        >
          <TextField
            label="First partition"
            type="datetime-local"
            size="small"
            value={values.start}
            onChange={event => update({ start: event.target.value })}
            InputLabelProps={{ shrink: true }}
            inputProps={{ step: Math.round(range.step / 1000) }}
            helperText={`UTC, ${stepText(range.step)}`}
          />
          <TextField
            label="End (exclusive)"
            type="datetime-local"
            size="small"
            value={values.end}
            onChange={event => update({ end: event.target.value })}
            InputLabelProps={{ shrink: true }}
            inputProps={{ step: Math.round(range.step / 1000) }}
            helperText="UTC; this partition is not included"
          />
          <TextField
            label="Concurrency"
            type="number"
            size="small"
            value={values.concurrency}
            onChange={event => update({ concurrency: event.target.value })}
            inputProps={{ min: 1, step: 1 }}
            helperText="Partitions running at once"
          />
          <TextField
            select
            label="Order"
            size="small"
            value={values.order}
            onChange={event =>
              update({ order: event.target.value as BackfillOrder })
            }
            SelectProps={{ native: true }}
            helperText="Which end of the range runs first"
          >
            <option value="oldest">Oldest first</option>
            <option value="newest">Newest first</option>
          </TextField>
        </Box>
        <FormControlLabel
          sx={{ mt: 1 }}
          control={
            <Checkbox
              checked={values.onlyFailedOrMissing}
              onChange={event =>
                update({ onlyFailedOrMissing: event.target.checked })
              }
            />
          }
          label="Only failed or missing partitions"
        />
        {/* One line reserved, so a message does not push the plan down. */}
        <Typography
          variant="body2"
          color="error"
          minHeight={20}
          data-testid="backfill-form-error"
        >
          {message}
        </Typography>
        <PlanSection
          plan={request ? plan.value : undefined}
          loading={Boolean(request) && (plan.loading || settling)}
          conflict={conflict}
        />
        {createError !== undefined && (
          <Alert severity="error" sx={{ mt: 2 }}>
            Could not start the backfill: {errorMessage(createError)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
        <Button
          variant="contained"
          onClick={confirm}
          disabled={!canConfirm}
          startIcon={
            creating ? <CircularProgress size={16} color="inherit" /> : null
          }
        >
          Start backfill
        </Button>
      </DialogActions>
    </>
  );
}

/**
 * Chooses a range of partitions, shows what a backfill of it would do, and
 * starts it. Mounted per opening, so each opening has its own key.
 */
export function BackfillDialog(props: {
  pipeline: Pipeline;
  onClose: () => void;
  onCreated: (backfill: Backfill) => void;
}) {
  const { pipeline } = props;
  const pipelinesApi = useApi(pipelinesApiRef);
  // The latest runs place the default range; without them it ends now.
  const runs = useAsync(
    () => pipelinesApi.listRuns(pipeline.id, { limit: RUNS_FOR_DEFAULTS }),
    [pipelinesApi, pipeline.id],
  );
  const range = useMemo(
    () =>
      defaultBackfillRange({
        schedule: pipeline.schedule,
        runs: runs.value?.items ?? [],
      }),
    [pipeline.schedule, runs.value],
  );

  return (
    <Dialog open onClose={props.onClose} maxWidth="md" fullWidth>
      <DialogTitle>Backfill {pipeline.title ?? pipeline.name}</DialogTitle>
      {runs.loading ? (
        <DialogContent dividers>
          <Box
            height={PLAN_HEIGHT + 200}
            display="flex"
            alignItems="center"
            justifyContent="center"
          >
            <CircularProgress aria-label="Loading the latest partitions" />
          </Box>
        </DialogContent>
      ) : (
        <BackfillForm
          pipeline={pipeline}
          range={range}
          onClose={props.onClose}
          onCreated={props.onCreated}
        />
      )}
    </Dialog>
  );
}
