import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Tributary pipelines backend plugin. */
  pipelines?: {
    api?: {
      /**
       * The largest page the list endpoints answer; a larger `limit` is a 400.
       * Defaults to 500.
       */
      maxPageSize?: number;
    };
    ingest?: {
      /** Largest accepted OpenLineage event, in bytes. Defaults to 1 MiB. */
      maxEventBytes?: number;
      /** Largest accepted batch request body, in bytes. Defaults to 16 MiB. */
      maxBatchBytes?: number;
      /**
       * Group commits in flight at once. Defaults to 2 on PostgreSQL (one is
       * prepared while another runs) and 1 on SQLite (one writer at a time).
       * 1 rules out deadlocks between them; a failed group is retried write
       * by write.
       */
      maxConcurrentCommits?: number;
      /**
       * How often the last-seen and last-written times of rows the store
       * already holds, and each pipeline's denormalized latest run, are
       * written, in milliseconds; meanwhile they are coalesced in memory,
       * recoverable from the raw events. This replica's own answers read
       * them current; another replica's lists may show a latest run state
       * this much older. 0 writes them with every commit. Defaults to 5000.
       */
      touchFlushIntervalMs?: number;
    };
    ownership?: {
      /**
       * Owners as sources name them (OpenLineage ownership facet, Airflow DAG
       * owners, Styx component, Flyte project) → catalog Group or User refs,
       * e.g. `{ source: data-eng@example.com, owner: group:default/data }`.
       * Names not listed here match a Group or User of the same name, or a
       * User's email; the rest are listed by /v1/ownership/unmapped.
       */
      mapping?: Array<{
        /** The owner exactly as the source names it. */
        source: string;
        /** A Group or User entity ref; the kind defaults to Group. */
        owner: string;
      }>;
    };
    backfill?: {
      /**
       * Entity refs of groups (or users) whose members may start and cancel
       * any pipeline's backfills, e.g. `[group:default/data-platform-admins]`.
       * Read by the permission policy of `packages/backend`; owners of a
       * pipeline's catalog entity may always backfill it.
       */
      adminGroups?: string[];
    };
    freshness?: {
      /**
       * Freshness targets by pipeline id (`*` matches any text), e.g.
       * `{ pipeline: 'airflow:prod:sales_*', target: 'D+1 06:00 UTC' }`.
       * A target is `D+<days> HH:MM <zone>` (partition D due by that local
       * time) or an ISO-8601 duration after the partition's end (`PT6H`).
       * The catalog annotation `tributary.dev/freshness` wins over these,
       * and these over what the pipeline's source reports.
       */
      targets?: Array<{ pipeline: string; target: string }>;
    };
    monitoring?: {
      /** Failed partitions in a row that raise an alert. Defaults to 3. */
      failureStreak?: number;
      /** How far back partitions are evaluated. Defaults to 7 days. */
      lookback?: HumanDuration | string;
    };
    events?: {
      /**
       * How long raw OpenLineage events are kept, e.g. `{ days: 14 }` or
       * `P14D`. Defaults to 14 days.
       */
      retention?: HumanDuration | string;
    };
  };
}
