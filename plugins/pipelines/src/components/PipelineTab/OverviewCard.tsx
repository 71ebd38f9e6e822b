import { InfoCard, Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import { Pipeline } from '@tributary/plugin-pipelines-common';
import { ReactNode } from 'react';
import { latePartitionsText, PipelineStateChips } from '../shared/LateChip';
import { formatTime } from './runs';
import { SectionBox, SectionError } from './SectionStates';

function staleText(stale: NonNullable<Pipeline['stale']>): string {
  const asOf = stale.since
    ? `data as of ${formatTime(stale.since)}`
    : 'the scheduler cannot be polled';
  return `Stale: ${asOf}${stale.reason ? ` (${stale.reason})` : ''}`;
}

/** Failed partitions in a row worth a mention: one may be a blip. */
const STREAK_SHOWN = 2;

/**
 * Rows of the overview: label and value, each shown while the pipeline loads
 * too, so the card keeps its size. `fieldsOf` adds "Late since" while late.
 */
const FIELDS: Array<[string, (pipeline: Pipeline) => ReactNode]> = [
  [
    'Owner',
    p =>
      p.owner ? <EntityRefLink entityRef={p.owner} defaultKind="group" /> : '—',
  ],
  [
    'System',
    p =>
      p.system ? (
        <EntityRefLink entityRef={p.system} defaultKind="system" />
      ) : (
        '—'
      ),
  ],
  ['Schedule', p => p.schedule ?? '—'],
  ['Freshness target', p => p.freshnessTarget ?? '—'],
  [
    'Latest run',
    p => (
      <Box
        component="span"
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        columnGap={1}
      >
        <PipelineStateChips state={p.latestRunState} late={p.late} />
        {p.latestRunAt && formatTime(p.latestRunAt)}
        {(p.failureStreak ?? 0) >= STREAK_SHOWN && (
          <Box component="span" color="error.main" fontWeight="medium">
            Failing {p.failureStreak} in a row
          </Box>
        )}
      </Box>
    ),
  ],
  [
    'Scheduler',
    p =>
      p.schedulerUrl ? (
        <Link to={p.schedulerUrl}>Open in {p.source}</Link>
      ) : (
        p.source
      ),
  ],
  [
    'Source code',
    p => (p.sourceUrl ? <Link to={p.sourceUrl}>View source</Link> : '—'),
  ],
  ['Data', p => (p.stale ? staleText(p.stale) : 'Current')],
];

/** The fields, with "Late since" after the latest run while it is late. */
function fieldsOf(
  pipeline?: Pipeline,
): Array<[string, (pipeline: Pipeline) => ReactNode]> {
  const late = pipeline?.late;
  if (!late) {
    return FIELDS;
  }
  const at = FIELDS.findIndex(([label]) => label === 'Latest run') + 1;
  return [
    ...FIELDS.slice(0, at),
    [
      'Late since',
      () => (
        <Box component="span" color="warning.main">
          {formatTime(late.since)}: {latePartitionsText(late)}
        </Box>
      ),
    ],
    ...FIELDS.slice(at),
  ];
}

/** Rows × row height: the card keeps its size while the pipeline loads. */
const OVERVIEW_HEIGHT = FIELDS.length * 32;

/** Who owns the pipeline, when it runs, where it lives, and whether that is current. */
export function OverviewCard(props: {
  pipelineId: string;
  pipeline?: Pipeline;
  error?: Error;
  onRetry: () => void;
  /** Actions on the pipeline, under its fields. */
  actions?: ReactNode;
}) {
  const { pipeline, error } = props;
  const stale = pipeline?.stale && (
    <Chip size="small" color="warning" label="Stale" />
  );

  let body;
  if (error) {
    body = (
      <SectionBox height={OVERVIEW_HEIGHT}>
        <SectionError
          title="Could not load the pipeline"
          error={error}
          onRetry={props.onRetry}
        />
      </SectionBox>
    );
  } else {
    body = (
      <Box
        component="dl"
        display="grid"
        gridTemplateColumns="max-content 1fr"
        gridAutoRows="minmax(32px, auto)"
        alignItems="center"
        columnGap={2}
        minHeight={OVERVIEW_HEIGHT}
        m={0}
      >
        {fieldsOf(pipeline).map(([label, render]) => (
          <Box key={label} display="contents">
            <Typography component="dt" variant="body2" color="text.secondary">
              {label}
            </Typography>
            <Typography component="dd" variant="body2" m={0}>
              {pipeline ? render(pipeline) : <Skeleton width="60%" />}
            </Typography>
          </Box>
        ))}
      </Box>
    );
  }

  return (
    <InfoCard
      title="Overview"
      variant="gridItem"
      subheader={props.pipelineId}
      action={stale}
    >
      {body}
      {props.actions && <Box mt={2}>{props.actions}</Box>}
    </InfoCard>
  );
}
