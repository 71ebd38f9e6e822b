import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { pipelinesBackfillCreatePermission } from '@tributary/plugin-pipelines-common';
import { ReactElement } from 'react';

/** Whether the user may act on the tab's entity, and if not, why in words. */
export interface PipelinePermission {
  allowed: boolean;
  loading: boolean;
  /** Set once the answer is a no. */
  reason?: string;
}

function ownerOf(entity: Entity): string | undefined {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
      }),
    );
  } catch {
    return owner;
  }
}

/**
 * Asks the permission framework what the backend will ask about the tab's
 * entity, so a button the backend would refuse is disabled with the reason.
 * `action` completes "can …", e.g. "start a backfill".
 */
export function usePipelinePermission(
  /** A resource permission on `catalog-entity`, like the backfill ones. */
  permission: typeof pipelinesBackfillCreatePermission,
  action: string,
): PipelinePermission {
  const { entity } = useEntity();
  const { allowed, loading, error } = usePermission({
    permission,
    resourceRef: stringifyEntityRef(entity),
  });
  if (loading || allowed) {
    return { allowed, loading };
  }
  if (error) {
    return {
      allowed,
      loading,
      reason: `Could not check whether you can ${action}: ${error.message}`,
    };
  }
  const owner = ownerOf(entity);
  const owners = owner
    ? `the owners of this pipeline (${owner})`
    : 'the owners of this pipeline';
  return {
    allowed,
    loading,
    reason: `Only ${owners} and admins can ${action}`,
  };
}

/**
 * A button that may be disabled for a reason: the reason shows on hover (a
 * disabled button gets no events, so the tooltip sits on a span) and the
 * button is described by the visible text the caller renders with `reasonId`.
 */
export function GatedAction(props: {
  reason?: string;
  children: ReactElement;
}) {
  return (
    <Tooltip title={props.reason ?? ''}>
      <span>{props.children}</span>
    </Tooltip>
  );
}

/** The visible reason a gated action is disabled, for `aria-describedby`. */
export function DisabledReason(props: { id: string; reason?: string }) {
  if (!props.reason) {
    return null;
  }
  return (
    <Typography id={props.id} variant="caption" color="text.secondary">
      {props.reason}
    </Typography>
  );
}
