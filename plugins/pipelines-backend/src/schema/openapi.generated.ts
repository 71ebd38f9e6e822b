// ******************************************************************
// * Written in the shape that `backstage-cli package schema openapi *
// * generate` produces from ./openapi.json, which is the source of  *
// * truth: change that file first, then this one to match it.      *
// * openapi.test.ts fails when the two differ.                      *
// ******************************************************************
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';

export const spec = {
  openapi: '3.0.3',
  info: {
    title: 'pipelines',
    version: '1',
    description:
      'The Tributary pipelines backend: pipelines, runs, datasets and lineage, and OpenLineage ingest.\n\nEvery request needs Backstage credentials. Query parameters are checked by the handlers, not by the OpenAPI validator: an unknown, repeated or malformed parameter is a 400 that names it.',
    license: {
      name: 'Apache-2.0',
      url: 'http://www.apache.org/licenses/LICENSE-2.0.html',
    },
  },
  servers: [
    {
      url: '/',
    },
  ],
  security: [
    {
      JWT: [],
    },
  ],
  components: {
    securitySchemes: {
      JWT: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
      },
    },
    parameters: {
      pipelineId: {
        name: 'id',
        in: 'path',
        required: true,
        description: 'Pipeline id, `<source>:<name>`, URL-encoded.',
        schema: {
          type: 'string',
        },
      },
      datasetId: {
        name: 'id',
        in: 'path',
        required: true,
        description:
          'Dataset id, `<namespace>/<name>` (or an alias of it), URL-encoded.',
        schema: {
          type: 'string',
        },
      },
      runId: {
        name: 'runId',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
        },
      },
      offset: {
        name: 'offset',
        in: 'query',
        required: false,
        description: 'Number of items to skip.',
        schema: {
          type: 'integer',
          minimum: 0,
          maximum: 9007199254740991,
          default: 0,
        },
      },
      limit: {
        name: 'limit',
        in: 'query',
        required: false,
        description:
          'Page size. At most `pipelines.api.maxPageSize` (default 500); a larger value is a 400. Defaults to 50, or to the maximum when that is smaller.',
        schema: {
          type: 'integer',
          minimum: 1,
          default: 50,
        },
      },
      qualityLimit: {
        name: 'limit',
        in: 'query',
        required: false,
        description:
          'Number of most recent results. At most `pipelines.api.maxPageSize` (default 500); a larger value is a 400.',
        schema: {
          type: 'integer',
          minimum: 1,
          default: 50,
        },
      },
      metricsLimit: {
        name: 'limit',
        in: 'query',
        required: false,
        description:
          'Number of most recent results. At most `pipelines.api.maxPageSize` (default 500); a larger value is a 400. Defaults to 30, or to the maximum when that is smaller.',
        schema: {
          type: 'integer',
          minimum: 1,
          default: 30,
        },
      },
      pipelineSearch: {
        name: 'search',
        in: 'query',
        required: false,
        description:
          'Case-insensitive substring of the id, name or title. Empty means no filter.',
        schema: {
          type: 'string',
        },
      },
      datasetSearch: {
        name: 'search',
        in: 'query',
        required: false,
        description:
          'Case-insensitive substring of the id. Empty means no filter.',
        schema: {
          type: 'string',
        },
      },
      owner: {
        name: 'owner',
        in: 'query',
        required: false,
        description:
          'Pipelines owned by any of these catalog entity refs, comma-separated.',
        schema: {
          type: 'string',
        },
      },
      source: {
        name: 'source',
        in: 'query',
        required: false,
        description: 'Where pipelines come from. Empty means no filter.',
        schema: {
          type: 'string',
        },
      },
      platform: {
        name: 'platform',
        in: 'query',
        required: false,
        description: 'Dataset platform. Empty means no filter.',
        schema: {
          type: 'string',
        },
      },
      pipelineState: {
        name: 'state',
        in: 'query',
        required: false,
        description: 'Only pipelines whose latest run is in this state.',
        schema: {
          $ref: '#/components/schemas/RunState',
        },
      },
      runState: {
        name: 'state',
        in: 'query',
        required: false,
        description: 'Only runs in this state.',
        schema: {
          $ref: '#/components/schemas/RunState',
        },
      },
      from: {
        name: 'from',
        in: 'query',
        required: false,
        description:
          'ISO-8601 time: runs whose partition (or, without one, first event) is at or after it.',
        schema: {
          type: 'string',
          pattern: '^\\d{4}-\\d{2}-\\d{2}',
        },
      },
      to: {
        name: 'to',
        in: 'query',
        required: false,
        description:
          'ISO-8601 time: runs whose partition (or first event) is before it.',
        schema: {
          type: 'string',
          pattern: '^\\d{4}-\\d{2}-\\d{2}',
        },
      },
      field: {
        name: 'field',
        in: 'query',
        required: false,
        description:
          'Only the lineage of this output column. Empty means every column.',
        schema: {
          type: 'string',
        },
      },
      lineageNode: {
        name: 'node',
        in: 'query',
        required: true,
        description:
          'The node to start from: `pipeline:<id>` or `dataset:<id>`.',
        schema: {
          type: 'string',
          pattern: '^(pipeline|dataset):.',
        },
      },
      lineageDirection: {
        name: 'direction',
        in: 'query',
        required: false,
        description:
          '`downstream` follows the data flow, `upstream` goes against it.',
        schema: {
          type: 'string',
          enum: ['upstream', 'downstream', 'both'],
          default: 'both',
        },
      },
      lineageDepth: {
        name: 'depth',
        in: 'query',
        required: false,
        description: 'Number of hops from the node.',
        schema: {
          type: 'integer',
          minimum: 0,
          maximum: 50,
          default: 3,
        },
      },
      lineageLimit: {
        name: 'limit',
        in: 'query',
        required: false,
        description:
          'Most neighbours returned per node and direction; `omitted` counts the rest.',
        schema: {
          type: 'integer',
          minimum: 1,
          maximum: 1000,
          default: 100,
        },
      },
      exportAfter: {
        name: 'after',
        in: 'query',
        required: false,
        description: 'The `nextCursor` of the previous page.',
        schema: {
          type: 'string',
        },
      },
      exportLimit: {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'Page size, 1 to 5000; 1000 when absent.',
        schema: {
          type: 'integer',
          minimum: 1,
          maximum: 5000,
        },
      },
      changedSince: {
        name: 'changedSince',
        in: 'query',
        required: false,
        description:
          'Only rows written, or given a new lineage edge, at or after this time (ISO-8601).',
        schema: {
          type: 'string',
          format: 'date-time',
        },
      },
      recentRuns: {
        name: 'recentRuns',
        in: 'query',
        required: false,
        description:
          "Include the latest attempt of each pipeline's latest partitions, newest first: this many partitions, up to 30. A run without a partition counts as one.",
        schema: {
          type: 'integer',
          minimum: 0,
          maximum: 30,
        },
      },
      backfillId: {
        name: 'backfillId',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
        },
      },
      late: {
        name: 'late',
        in: 'query',
        required: false,
        description:
          '`true`: only pipelines late against their freshness target.',
        schema: {
          type: 'string',
          enum: ['true', 'false'],
        },
      },
    },
    responses: {
      BadRequest: {
        description:
          'The request is malformed, e.g. an unknown, repeated or invalid query parameter.',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      Unauthorized: {
        description: 'The request has no valid credentials.',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      Forbidden: {
        description: 'The credentials are not those of a service.',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      NotFound: {
        description: 'No such item.',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      PayloadTooLarge: {
        description:
          'The request body is larger than `pipelines.ingest.maxEventBytes` (one event, default 1 MiB) or `pipelines.ingest.maxBatchBytes` (a batch, default 16 MiB).',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      IngestEventRejected: {
        description:
          'The body is not valid JSON, or not a valid OpenLineage event; `problems` then says why. Nothing is written.',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/IngestError',
            },
          },
        },
      },
      Conflict: {
        description:
          "The request conflicts with the current state, e.g. the pipeline's scheduler cannot backfill, or the idempotency key was used for another request.",
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      NotAllowed: {
        description: 'The caller may not do this; the message says who may.',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
    },
    schemas: {
      RunState: {
        type: 'string',
        enum: [
          'queued',
          'running',
          'succeeded',
          'failed',
          'aborted',
          'skipped',
          'unknown',
        ],
      },
      Pipeline: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'source',
          'namespace',
          'name',
          'firstSeenAt',
          'lastSeenAt',
        ],
        properties: {
          id: {
            type: 'string',
            description: '`<source>:<name>`, stable across polls and events.',
          },
          source: {
            type: 'string',
            description:
              'Where the pipeline comes from: a scheduler instance or an OpenLineage namespace.',
          },
          namespace: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          description: {
            type: 'string',
          },
          owner: {
            type: 'string',
            description: 'Catalog entity ref of the owner, when known.',
          },
          system: {
            type: 'string',
          },
          schedule: {
            type: 'string',
          },
          freshnessTarget: {
            type: 'string',
          },
          entityRef: {
            type: 'string',
          },
          sourceUrl: {
            type: 'string',
          },
          firstSeenAt: {
            type: 'string',
            format: 'date-time',
          },
          lastSeenAt: {
            type: 'string',
            format: 'date-time',
          },
          latestRunState: {
            $ref: '#/components/schemas/RunState',
          },
          latestRunAt: {
            type: 'string',
            format: 'date-time',
          },
          parentPipelineId: {
            type: 'string',
            description: 'OpenLineage parent job, e.g. the DAG of a task.',
          },
          sourceOwners: {
            type: 'array',
            description:
              'Owners as the source names them, before mapping to catalog refs.',
            items: {
              type: 'string',
            },
          },
          schedulerUrl: {
            type: 'string',
            description: "Link to the pipeline in its scheduler's own UI.",
          },
          stale: {
            type: 'object',
            description:
              'Present while the scheduler that reports it cannot be polled: its data is as of `since`, the last good poll.',
            additionalProperties: false,
            properties: {
              since: {
                type: 'string',
                format: 'date-time',
              },
              reason: {
                type: 'string',
              },
            },
          },
          recentRuns: {
            type: 'array',
            description:
              'The latest attempt of each of the latest partitions, newest first, when the list asked for `recentRuns`.',
            items: {
              $ref: '#/components/schemas/RecentRun',
            },
          },
          late: {
            $ref: '#/components/schemas/PipelineLateness',
          },
          failureStreak: {
            type: 'integer',
            minimum: 1,
            description: 'Failed partitions in a row, from the latest back.',
          },
        },
      },
      Run: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'pipelineId', 'state', 'updatedAt'],
        properties: {
          id: {
            type: 'string',
          },
          pipelineId: {
            type: 'string',
          },
          parentRunId: {
            type: 'string',
          },
          partition: {
            type: 'string',
            format: 'date-time',
            description: 'Nominal (logical) time of the run.',
          },
          partitionEnd: {
            type: 'string',
            format: 'date-time',
          },
          state: {
            $ref: '#/components/schemas/RunState',
          },
          sourceState: {
            type: 'string',
            description: 'The state as the source names it.',
          },
          attempt: {
            type: 'integer',
          },
          queuedAt: {
            type: 'string',
            format: 'date-time',
          },
          startedAt: {
            type: 'string',
            format: 'date-time',
          },
          endedAt: {
            type: 'string',
            format: 'date-time',
          },
          errorMessage: {
            type: 'string',
          },
          externalUrl: {
            type: 'string',
          },
          updatedAt: {
            type: 'string',
            format: 'date-time',
          },
          backfillId: {
            type: 'string',
            description: 'The backfill that started the run.',
          },
        },
      },
      DatasetField: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: {
            type: 'string',
          },
          type: {
            type: 'string',
          },
          description: {
            type: 'string',
          },
        },
      },
      Dataset: {
        type: 'object',
        description:
          'A dataset named per OpenLineage naming; its id is `<namespace>/<name>`.',
        additionalProperties: false,
        required: ['id', 'namespace', 'name', 'firstSeenAt', 'lastSeenAt'],
        properties: {
          id: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          platform: {
            type: 'string',
          },
          description: {
            type: 'string',
          },
          schema: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/DatasetField',
            },
          },
          owner: {
            type: 'string',
          },
          sourceOwners: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          entityRef: {
            type: 'string',
          },
          firstSeenAt: {
            type: 'string',
            format: 'date-time',
          },
          lastSeenAt: {
            type: 'string',
            format: 'date-time',
          },
          lastWrittenAt: {
            type: 'string',
            format: 'date-time',
          },
          lastWrittenByRun: {
            type: 'string',
          },
        },
      },
      PipelineSummary: {
        type: 'object',
        description: 'A pipeline as it appears next to a dataset.',
        additionalProperties: false,
        required: ['id', 'name'],
        properties: {
          id: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          owner: {
            type: 'string',
          },
          latestRunState: {
            $ref: '#/components/schemas/RunState',
          },
          latestRunAt: {
            type: 'string',
            format: 'date-time',
          },
          lateSince: {
            type: 'string',
            format: 'date-time',
          },
        },
      },
      DatasetDetails: {
        type: 'object',
        description: 'A Dataset with the pipelines that write and read it.',
        additionalProperties: false,
        required: [
          'id',
          'namespace',
          'name',
          'firstSeenAt',
          'lastSeenAt',
          'producers',
          'consumers',
        ],
        properties: {
          id: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          platform: {
            type: 'string',
          },
          description: {
            type: 'string',
          },
          schema: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/DatasetField',
            },
          },
          owner: {
            type: 'string',
          },
          sourceOwners: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          entityRef: {
            type: 'string',
          },
          firstSeenAt: {
            type: 'string',
            format: 'date-time',
          },
          lastSeenAt: {
            type: 'string',
            format: 'date-time',
          },
          lastWrittenAt: {
            type: 'string',
            format: 'date-time',
          },
          lastWrittenByRun: {
            type: 'string',
          },
          producers: {
            type: 'array',
            description: 'Pipelines that write it.',
            items: {
              $ref: '#/components/schemas/PipelineSummary',
            },
          },
          consumers: {
            type: 'array',
            description: 'Pipelines that read it.',
            items: {
              $ref: '#/components/schemas/PipelineSummary',
            },
          },
          lateSince: {
            type: 'string',
            format: 'date-time',
          },
        },
      },
      ColumnLineageEntry: {
        type: 'object',
        description: 'One input column of one output column.',
        additionalProperties: false,
        required: ['datasetId', 'field', 'inputDatasetId', 'inputField'],
        properties: {
          datasetId: {
            type: 'string',
          },
          field: {
            type: 'string',
          },
          inputDatasetId: {
            type: 'string',
          },
          inputField: {
            type: 'string',
          },
          transformations: {
            type: 'array',
            items: {},
          },
        },
      },
      QualityResult: {
        type: 'object',
        additionalProperties: false,
        required: ['runId', 'datasetId', 'assertion', 'success', 'observedAt'],
        properties: {
          runId: {
            type: 'string',
          },
          datasetId: {
            type: 'string',
          },
          assertion: {
            type: 'string',
          },
          column: {
            type: 'string',
          },
          success: {
            type: 'boolean',
          },
          partition: {
            type: 'string',
            format: 'date-time',
          },
          observedAt: {
            type: 'string',
            format: 'date-time',
          },
        },
      },
      LineageNode: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'kind', 'id', 'name', 'depth'],
        properties: {
          key: {
            type: 'string',
            description: '`pipeline:<id>` or `dataset:<id>`.',
          },
          kind: {
            type: 'string',
            enum: ['pipeline', 'dataset'],
          },
          id: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          depth: {
            type: 'integer',
            description: 'Hops from the root; the root has depth 0.',
          },
          owner: {
            type: 'string',
          },
          latestRunState: {
            $ref: '#/components/schemas/RunState',
          },
          lateSince: {
            type: 'string',
            format: 'date-time',
          },
        },
      },
      LineageEdge: {
        type: 'object',
        description: 'An edge in data-flow direction, between node keys.',
        additionalProperties: false,
        required: ['from', 'to'],
        properties: {
          from: {
            type: 'string',
          },
          to: {
            type: 'string',
          },
        },
      },
      LineageOmitted: {
        type: 'object',
        description:
          'Neighbours of a node left out because its fan-out passed `limit`.',
        additionalProperties: false,
        properties: {
          upstream: {
            type: 'integer',
          },
          downstream: {
            type: 'integer',
          },
        },
      },
      LineageResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['root', 'nodes', 'edges', 'omitted', 'truncated'],
        properties: {
          root: {
            type: 'string',
          },
          nodes: {
            type: 'array',
            description: 'Nodes in breadth-first order; the root comes first.',
            items: {
              $ref: '#/components/schemas/LineageNode',
            },
          },
          edges: {
            type: 'array',
            description: 'All edges between returned nodes.',
            items: {
              $ref: '#/components/schemas/LineageEdge',
            },
          },
          omitted: {
            type: 'object',
            description:
              'Per node key: neighbours left out because its fan-out passed `limit`.',
            additionalProperties: {
              $ref: '#/components/schemas/LineageOmitted',
            },
          },
          truncated: {
            type: 'boolean',
            description:
              'True when the walk stopped at the node cap before reaching `depth`.',
          },
        },
      },
      ListPipelinesResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['items', 'totalCount', 'offset', 'limit'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Pipeline',
            },
          },
          totalCount: {
            type: 'integer',
          },
          offset: {
            type: 'integer',
          },
          limit: {
            type: 'integer',
          },
        },
      },
      ListRunsResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['items', 'totalCount', 'offset', 'limit'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Run',
            },
          },
          totalCount: {
            type: 'integer',
            description:
              'Counted up to 10,000; totalCountCapped says there are more.',
          },
          totalCountCapped: {
            type: 'boolean',
          },
          offset: {
            type: 'integer',
          },
          limit: {
            type: 'integer',
          },
        },
      },
      ListDatasetsResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['items', 'totalCount', 'offset', 'limit'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Dataset',
            },
          },
          totalCount: {
            type: 'integer',
          },
          offset: {
            type: 'integer',
          },
          limit: {
            type: 'integer',
          },
        },
      },
      ListColumnLineageResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/ColumnLineageEntry',
            },
          },
        },
      },
      ListQualityResultsResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            description: 'Most recent first.',
            items: {
              $ref: '#/components/schemas/QualityResult',
            },
          },
        },
      },
      ColumnQualityMetrics: {
        type: 'object',
        additionalProperties: false,
        description:
          "Metrics of one column, from OpenLineage's `dataQualityMetrics` facet.",
        properties: {
          nullCount: {
            type: 'number',
          },
          distinctCount: {
            type: 'number',
          },
          sum: {
            type: 'number',
          },
          count: {
            type: 'number',
          },
          min: {
            type: 'number',
          },
          max: {
            type: 'number',
          },
          quantiles: {
            type: 'object',
            description: 'Quantile (as a string, e.g. "0.5") → value.',
            additionalProperties: {
              type: 'number',
            },
          },
        },
      },
      QualityMetrics: {
        type: 'object',
        additionalProperties: false,
        description:
          'What a run measured of a dataset (OpenLineage `dataQualityMetrics`), per partition.',
        required: ['runId', 'datasetId', 'observedAt'],
        properties: {
          runId: {
            type: 'string',
          },
          datasetId: {
            type: 'string',
          },
          partition: {
            type: 'string',
            format: 'date-time',
            description: "The run's partition (nominal time), when it has one.",
          },
          observedAt: {
            type: 'string',
            format: 'date-time',
          },
          rowCount: {
            type: 'integer',
          },
          bytes: {
            type: 'integer',
          },
          fileCount: {
            type: 'integer',
          },
          columns: {
            type: 'object',
            description: 'Column name → its metrics.',
            additionalProperties: {
              $ref: '#/components/schemas/ColumnQualityMetrics',
            },
          },
        },
      },
      ListQualityMetricsResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            description: 'Most recent first.',
            items: {
              $ref: '#/components/schemas/QualityMetrics',
            },
          },
        },
      },
      OpenLineageEvent: {
        type: 'object',
        description:
          'An OpenLineage run, job or dataset event (https://openlineage.io/spec/2-0-2/OpenLineage.json). The plugin validates it against the vendored OpenLineage core schema; an invalid event is a 400 with `problems`.',
        additionalProperties: true,
      },
      IngestProblem: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'message'],
        properties: {
          path: {
            type: 'string',
            description: 'JSON path in the event, e.g. `$.run.runId`.',
          },
          message: {
            type: 'string',
          },
        },
      },
      IngestEventResult: {
        type: 'object',
        description: 'Per-event outcome of a batch ingest.',
        additionalProperties: false,
        required: ['index', 'status', 'statusCode'],
        properties: {
          index: {
            type: 'integer',
          },
          status: {
            type: 'string',
            enum: ['accepted', 'rejected'],
          },
          statusCode: {
            type: 'integer',
            description:
              '201 when accepted, 400 when invalid, 413 when larger than `pipelines.ingest.maxEventBytes`.',
          },
          problems: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/IngestProblem',
            },
          },
        },
      },
      IngestAccepted: {
        type: 'object',
        additionalProperties: false,
        required: ['status'],
        properties: {
          status: {
            type: 'string',
            enum: ['accepted'],
          },
        },
      },
      IngestBatchResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['accepted', 'rejected', 'results'],
        properties: {
          accepted: {
            type: 'integer',
          },
          rejected: {
            type: 'integer',
          },
          results: {
            type: 'array',
            description: 'One result per event, in request order.',
            items: {
              $ref: '#/components/schemas/IngestEventResult',
            },
          },
        },
      },
      Error: {
        type: 'object',
        description: "Backstage's error response body.",
        required: ['error', 'response'],
        properties: {
          error: {
            type: 'object',
            required: ['name', 'message'],
            properties: {
              name: {
                type: 'string',
              },
              message: {
                type: 'string',
              },
            },
          },
          request: {
            type: 'object',
            required: ['method', 'url'],
            properties: {
              method: {
                type: 'string',
              },
              url: {
                type: 'string',
              },
            },
          },
          response: {
            type: 'object',
            required: ['statusCode'],
            properties: {
              statusCode: {
                type: 'integer',
              },
            },
          },
        },
      },
      IngestError: {
        type: 'object',
        description:
          'An Error; for an invalid OpenLineage event also the problems found.',
        required: ['error', 'response'],
        properties: {
          error: {
            type: 'object',
            required: ['name', 'message'],
            properties: {
              name: {
                type: 'string',
              },
              message: {
                type: 'string',
              },
            },
          },
          request: {
            type: 'object',
            required: ['method', 'url'],
            properties: {
              method: {
                type: 'string',
              },
              url: {
                type: 'string',
              },
            },
          },
          response: {
            type: 'object',
            required: ['statusCode'],
            properties: {
              statusCode: {
                type: 'integer',
              },
            },
          },
          problems: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/IngestProblem',
            },
          },
        },
      },
      CatalogPipeline: {
        type: 'object',
        description:
          'A pipeline as the catalog module needs it to emit an entity.',
        additionalProperties: false,
        required: ['id', 'source', 'namespace', 'name', 'inputs', 'outputs'],
        properties: {
          id: {
            type: 'string',
          },
          source: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          description: {
            type: 'string',
          },
          owner: {
            type: 'string',
            description: 'Catalog entity ref the source owners resolved to.',
          },
          sourceOwners: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          system: {
            type: 'string',
          },
          sourceUrl: {
            type: 'string',
          },
          schedulerUrl: {
            type: 'string',
          },
          parentPipelineId: {
            type: 'string',
          },
          inputs: {
            type: 'array',
            items: {
              type: 'string',
            },
            description: 'Dataset ids it reads, sorted.',
          },
          outputs: {
            type: 'array',
            items: {
              type: 'string',
            },
            description: 'Dataset ids it writes, sorted.',
          },
        },
      },
      CatalogDataset: {
        type: 'object',
        description:
          'A dataset as the catalog module needs it to emit an entity.',
        additionalProperties: false,
        required: ['id', 'namespace', 'name'],
        properties: {
          id: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          platform: {
            type: 'string',
          },
          description: {
            type: 'string',
          },
          schema: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/DatasetField',
            },
          },
          owner: {
            type: 'string',
            description:
              'Resolved from its own owners, else from its producing pipeline.',
          },
          sourceOwners: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
        },
      },
      CatalogPipelinePage: {
        type: 'object',
        additionalProperties: false,
        required: ['items', 'readAt'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/CatalogPipeline',
            },
          },
          nextCursor: {
            type: 'string',
            description:
              'Pass as `after` for the next page; absent on the last page.',
          },
          readAt: {
            type: 'string',
            format: 'date-time',
            description: 'Server time the page was read at.',
          },
        },
      },
      CatalogDatasetPage: {
        type: 'object',
        additionalProperties: false,
        required: ['items', 'readAt'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/CatalogDataset',
            },
          },
          nextCursor: {
            type: 'string',
            description:
              'Pass as `after` for the next page; absent on the last page.',
          },
          readAt: {
            type: 'string',
            format: 'date-time',
            description: 'Server time the page was read at.',
          },
        },
      },
      UnmappedOwner: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'pipelineCount', 'datasetCount', 'examples'],
        properties: {
          name: {
            type: 'string',
            description: 'The owner as the source names it.',
          },
          pipelineCount: {
            type: 'integer',
          },
          datasetCount: {
            type: 'integer',
          },
          examples: {
            type: 'array',
            items: {
              type: 'string',
            },
            description: 'Up to 5 ids of pipelines or datasets that name it.',
          },
        },
      },
      UnmappedOwnersResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/UnmappedOwner',
            },
          },
        },
      },
      RecentRun: {
        type: 'object',
        description:
          'A run as a pipeline list shows it in its strip of latest partitions.',
        additionalProperties: false,
        required: ['id', 'state'],
        properties: {
          id: {
            type: 'string',
          },
          partition: {
            type: 'string',
            format: 'date-time',
          },
          state: {
            $ref: '#/components/schemas/RunState',
          },
          attempt: {
            type: 'integer',
          },
          startedAt: {
            type: 'string',
            format: 'date-time',
          },
          endedAt: {
            type: 'string',
            format: 'date-time',
          },
        },
      },
      ListSourcesResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['source', 'count'],
              properties: {
                source: {
                  type: 'string',
                },
                count: {
                  type: 'integer',
                },
              },
            },
          },
        },
      },
      BackfillPlanRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['start', 'end'],
        properties: {
          start: {
            type: 'string',
            format: 'date-time',
            description:
              'First partition (inclusive), aligned to the schedule.',
          },
          end: {
            type: 'string',
            format: 'date-time',
            description:
              'End of the range (exclusive), aligned to the schedule.',
          },
          onlyFailedOrMissing: {
            type: 'boolean',
            description: 'Only partitions that failed or never ran.',
          },
          concurrency: {
            type: 'integer',
            minimum: 1,
            description: 'Runs in flight at once; 1 when absent.',
          },
          order: {
            type: 'string',
            enum: ['oldest', 'newest'],
          },
          allowFuture: {
            type: 'boolean',
            description: 'Allow partitions that end in the future.',
          },
        },
      },
      BackfillCreateRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['start', 'end', 'idempotencyKey'],
        properties: {
          start: {
            type: 'string',
            format: 'date-time',
            description:
              'First partition (inclusive), aligned to the schedule.',
          },
          end: {
            type: 'string',
            format: 'date-time',
            description:
              'End of the range (exclusive), aligned to the schedule.',
          },
          onlyFailedOrMissing: {
            type: 'boolean',
            description: 'Only partitions that failed or never ran.',
          },
          concurrency: {
            type: 'integer',
            minimum: 1,
            description: 'Runs in flight at once; 1 when absent.',
          },
          order: {
            type: 'string',
            enum: ['oldest', 'newest'],
          },
          allowFuture: {
            type: 'boolean',
            description: 'Allow partitions that end in the future.',
          },
          idempotencyKey: {
            type: 'string',
            minLength: 1,
            maxLength: 128,
            description:
              'Chosen by the client; the same key again answers the same backfill.',
          },
        },
      },
      BackfillPlanPartition: {
        type: 'object',
        additionalProperties: false,
        required: ['partition', 'partitionEnd', 'action', 'reason'],
        properties: {
          partition: {
            type: 'string',
            format: 'date-time',
          },
          partitionEnd: {
            type: 'string',
            format: 'date-time',
          },
          currentState: {
            $ref: '#/components/schemas/RunState',
          },
          action: {
            type: 'string',
            enum: ['run', 'rerun', 'skip'],
          },
          reason: {
            type: 'string',
          },
        },
      },
      BackfillPlan: {
        type: 'object',
        additionalProperties: false,
        required: [
          'pipelineId',
          'start',
          'end',
          'concurrency',
          'order',
          'onlyFailedOrMissing',
          'mode',
          'partitions',
          'runCount',
          'skipCount',
        ],
        properties: {
          pipelineId: {
            type: 'string',
          },
          start: {
            type: 'string',
            format: 'date-time',
          },
          end: {
            type: 'string',
            format: 'date-time',
          },
          concurrency: {
            type: 'integer',
          },
          order: {
            type: 'string',
            enum: ['oldest', 'newest'],
          },
          onlyFailedOrMissing: {
            type: 'boolean',
          },
          mode: {
            type: 'string',
            enum: ['native', 'orchestrated'],
          },
          partitions: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/BackfillPlanPartition',
            },
          },
          runCount: {
            type: 'integer',
          },
          skipCount: {
            type: 'integer',
          },
        },
      },
      BackfillPartitionStatus: {
        type: 'object',
        additionalProperties: false,
        required: ['partition', 'partitionEnd', 'action', 'state'],
        properties: {
          partition: {
            type: 'string',
            format: 'date-time',
          },
          partitionEnd: {
            type: 'string',
            format: 'date-time',
          },
          action: {
            type: 'string',
            enum: ['run', 'rerun', 'skip'],
          },
          state: {
            type: 'string',
            enum: [
              'queued',
              'running',
              'succeeded',
              'failed',
              'skipped',
              'cancelled',
            ],
          },
          runId: {
            type: 'string',
          },
          error: {
            type: 'string',
          },
        },
      },
      BackfillProgress: {
        type: 'object',
        additionalProperties: false,
        required: [
          'total',
          'queued',
          'running',
          'succeeded',
          'failed',
          'skipped',
          'cancelled',
        ],
        properties: {
          total: {
            type: 'integer',
            minimum: 0,
          },
          queued: {
            type: 'integer',
            minimum: 0,
          },
          running: {
            type: 'integer',
            minimum: 0,
          },
          succeeded: {
            type: 'integer',
            minimum: 0,
          },
          failed: {
            type: 'integer',
            minimum: 0,
          },
          skipped: {
            type: 'integer',
            minimum: 0,
          },
          cancelled: {
            type: 'integer',
            minimum: 0,
          },
        },
      },
      Backfill: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'pipelineId',
          'state',
          'mode',
          'requestedBy',
          'start',
          'end',
          'concurrency',
          'order',
          'onlyFailedOrMissing',
          'createdAt',
          'updatedAt',
          'progress',
        ],
        properties: {
          id: {
            type: 'string',
          },
          pipelineId: {
            type: 'string',
          },
          state: {
            type: 'string',
            enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'],
          },
          mode: {
            type: 'string',
            enum: ['native', 'orchestrated'],
          },
          requestedBy: {
            type: 'string',
          },
          start: {
            type: 'string',
            format: 'date-time',
          },
          end: {
            type: 'string',
            format: 'date-time',
          },
          concurrency: {
            type: 'integer',
          },
          order: {
            type: 'string',
            enum: ['oldest', 'newest'],
          },
          onlyFailedOrMissing: {
            type: 'boolean',
          },
          createdAt: {
            type: 'string',
            format: 'date-time',
          },
          updatedAt: {
            type: 'string',
            format: 'date-time',
          },
          endedAt: {
            type: 'string',
            format: 'date-time',
          },
          externalId: {
            type: 'string',
          },
          externalUrl: {
            type: 'string',
          },
          error: {
            type: 'string',
          },
          progress: {
            $ref: '#/components/schemas/BackfillProgress',
          },
          partitions: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/BackfillPartitionStatus',
            },
          },
        },
      },
      ListBackfillsResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Backfill',
            },
          },
        },
      },
      PipelineLateness: {
        type: 'object',
        additionalProperties: false,
        required: ['since', 'partitionCount', 'oldestPartition'],
        properties: {
          since: {
            type: 'string',
            format: 'date-time',
            description: 'Deadline of the oldest partition late now.',
          },
          partitionCount: {
            type: 'integer',
            minimum: 1,
          },
          oldestPartition: {
            type: 'string',
            format: 'date-time',
          },
        },
      },
      OwnerHealth: {
        type: 'object',
        additionalProperties: false,
        required: [
          'owners',
          'total',
          'failing',
          'late',
          'stale',
          'healthy',
          'failedQualityDatasets',
        ],
        properties: {
          owners: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          total: {
            type: 'integer',
            minimum: 0,
          },
          failing: {
            type: 'integer',
            minimum: 0,
          },
          late: {
            type: 'integer',
            minimum: 0,
          },
          stale: {
            type: 'integer',
            minimum: 0,
          },
          healthy: {
            type: 'integer',
            minimum: 0,
          },
          failedQualityDatasets: {
            type: 'integer',
            minimum: 0,
          },
        },
      },
    },
  },
  paths: {
    '/v1/pipelines': {
      get: {
        operationId: 'ListPipelines',
        summary: 'Lists pipelines, a page at a time.',
        parameters: [
          {
            $ref: '#/components/parameters/offset',
          },
          {
            $ref: '#/components/parameters/limit',
          },
          {
            $ref: '#/components/parameters/pipelineSearch',
          },
          {
            $ref: '#/components/parameters/owner',
          },
          {
            $ref: '#/components/parameters/source',
          },
          {
            $ref: '#/components/parameters/pipelineState',
          },
          {
            $ref: '#/components/parameters/recentRuns',
          },
          {
            $ref: '#/components/parameters/late',
          },
        ],
        responses: {
          '200': {
            description: 'A page of pipelines, ordered by id.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ListPipelinesResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
    '/v1/sources': {
      get: {
        operationId: 'ListSources',
        summary:
          'Sources of pipelines (scheduler instances and OpenLineage namespaces) with their pipeline counts.',
        parameters: [],
        responses: {
          '200': {
            description: 'Every source, by name.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ListSourcesResponse',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
    '/v1/pipelines/{id}': {
      get: {
        operationId: 'GetPipeline',
        summary: 'Gets a pipeline.',
        parameters: [
          {
            $ref: '#/components/parameters/pipelineId',
          },
        ],
        responses: {
          '200': {
            description: 'The pipeline.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Pipeline',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/v1/pipelines/{id}/runs': {
      get: {
        operationId: 'ListPipelineRuns',
        summary: 'Lists the runs of a pipeline, most recent first.',
        parameters: [
          {
            $ref: '#/components/parameters/pipelineId',
          },
          {
            $ref: '#/components/parameters/offset',
          },
          {
            $ref: '#/components/parameters/limit',
          },
          {
            $ref: '#/components/parameters/from',
          },
          {
            $ref: '#/components/parameters/to',
          },
          {
            $ref: '#/components/parameters/runState',
          },
        ],
        responses: {
          '200': {
            description: 'A page of runs.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ListRunsResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/v1/runs/{runId}': {
      get: {
        operationId: 'GetRun',
        summary: 'Gets a run.',
        parameters: [
          {
            $ref: '#/components/parameters/runId',
          },
        ],
        responses: {
          '200': {
            description: 'The run.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Run',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/v1/datasets': {
      get: {
        operationId: 'ListDatasets',
        summary: 'Lists datasets, a page at a time.',
        parameters: [
          {
            $ref: '#/components/parameters/offset',
          },
          {
            $ref: '#/components/parameters/limit',
          },
          {
            $ref: '#/components/parameters/datasetSearch',
          },
          {
            $ref: '#/components/parameters/platform',
          },
        ],
        responses: {
          '200': {
            description: 'A page of datasets, ordered by id.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ListDatasetsResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
    '/v1/datasets/{id}': {
      get: {
        operationId: 'GetDataset',
        summary: 'Gets a dataset with the pipelines that write and read it.',
        parameters: [
          {
            $ref: '#/components/parameters/datasetId',
          },
        ],
        responses: {
          '200': {
            description: 'The dataset.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/DatasetDetails',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/v1/datasets/{id}/column-lineage': {
      get: {
        operationId: 'ListDatasetColumnLineage',
        summary: 'Lists the input columns of the columns of a dataset.',
        parameters: [
          {
            $ref: '#/components/parameters/datasetId',
          },
          {
            $ref: '#/components/parameters/field',
          },
        ],
        responses: {
          '200': {
            description:
              'The column lineage, ordered by field, input dataset and input field.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ListColumnLineageResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/v1/datasets/{id}/quality': {
      get: {
        operationId: 'ListDatasetQualityResults',
        summary: 'Lists the most recent data quality results of a dataset.',
        parameters: [
          {
            $ref: '#/components/parameters/datasetId',
          },
          {
            $ref: '#/components/parameters/qualityLimit',
          },
        ],
        responses: {
          '200': {
            description: 'The quality results, most recent first.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ListQualityResultsResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/v1/datasets/{id}/metrics': {
      get: {
        operationId: 'ListDatasetQualityMetrics',
        summary:
          'Lists the most recent data quality metrics of a dataset, one per run.',
        parameters: [
          {
            $ref: '#/components/parameters/datasetId',
          },
          {
            $ref: '#/components/parameters/metricsLimit',
          },
        ],
        responses: {
          '200': {
            description: 'The quality metrics, most recent first.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ListQualityMetricsResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/v1/catalog/pipelines': {
      get: {
        operationId: 'ListCatalogPipelines',
        summary: 'Pipelines for the catalog module, a page at a time.',
        parameters: [
          {
            $ref: '#/components/parameters/exportAfter',
          },
          {
            $ref: '#/components/parameters/exportLimit',
          },
          {
            $ref: '#/components/parameters/changedSince',
          },
        ],
        responses: {
          '200': {
            description:
              'A page of pipelines with their inputs and outputs, ordered by id.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/CatalogPipelinePage',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
    '/v1/catalog/datasets': {
      get: {
        operationId: 'ListCatalogDatasets',
        summary: 'Datasets for the catalog module, a page at a time.',
        parameters: [
          {
            $ref: '#/components/parameters/exportAfter',
          },
          {
            $ref: '#/components/parameters/exportLimit',
          },
          {
            $ref: '#/components/parameters/changedSince',
          },
        ],
        responses: {
          '200': {
            description:
              'A page of datasets with their resolved owners, ordered by id.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/CatalogDatasetPage',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
    '/v1/ownership/unmapped': {
      get: {
        operationId: 'ListUnmappedOwners',
        summary:
          'Owners named by sources that map to no catalog Group or User.',
        parameters: [],
        responses: {
          '200': {
            description: 'Unmapped owners, most used first.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/UnmappedOwnersResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
    '/v1/lineage': {
      get: {
        operationId: 'GetLineage',
        summary: 'Walks the lineage graph from a pipeline or dataset.',
        parameters: [
          {
            $ref: '#/components/parameters/lineageNode',
          },
          {
            $ref: '#/components/parameters/lineageDirection',
          },
          {
            $ref: '#/components/parameters/lineageDepth',
          },
          {
            $ref: '#/components/parameters/lineageLimit',
          },
        ],
        responses: {
          '200': {
            description: 'The nodes and edges reached.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/LineageResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
      post: {
        operationId: 'IngestLineageEvent',
        summary: 'Ingests one OpenLineage event.',
        description:
          'Takes one OpenLineage event from a service (user credentials are refused). The event is stored before the response is sent; sending the same event again changes nothing.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/OpenLineageEvent',
              },
            },
          },
        },
        responses: {
          '201': {
            description: 'The event is stored.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/IngestAccepted',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/IngestEventRejected',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '413': {
            $ref: '#/components/responses/PayloadTooLarge',
          },
        },
      },
    },
    '/v1/lineage/batch': {
      post: {
        operationId: 'IngestLineageBatch',
        summary: 'Ingests a batch of OpenLineage events.',
        description:
          'Takes an array of OpenLineage events from a service (user credentials are refused). Every valid event is stored, every invalid one is rejected on its own; the response says which.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'array',
                items: {
                  $ref: '#/components/schemas/OpenLineageEvent',
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'One result per event.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/IngestBatchResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '413': {
            $ref: '#/components/responses/PayloadTooLarge',
          },
        },
      },
    },
    '/api/v1/lineage': {
      post: {
        operationId: 'IngestLineageEventOpenLineageTransport',
        summary:
          'Ingests one OpenLineage event (path of the OpenLineage HTTP transport).',
        description:
          'Takes one OpenLineage event from a service (user credentials are refused). The event is stored before the response is sent; sending the same event again changes nothing.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/OpenLineageEvent',
              },
            },
          },
        },
        responses: {
          '201': {
            description: 'The event is stored.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/IngestAccepted',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/IngestEventRejected',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '413': {
            $ref: '#/components/responses/PayloadTooLarge',
          },
        },
      },
    },
    '/api/v1/lineage/batch': {
      post: {
        operationId: 'IngestLineageBatchOpenLineageTransport',
        summary:
          'Ingests a batch of OpenLineage events (path of the OpenLineage HTTP transport).',
        description:
          'Takes an array of OpenLineage events from a service (user credentials are refused). Every valid event is stored, every invalid one is rejected on its own; the response says which.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'array',
                items: {
                  $ref: '#/components/schemas/OpenLineageEvent',
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'One result per event.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/IngestBatchResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '413': {
            $ref: '#/components/responses/PayloadTooLarge',
          },
        },
      },
    },
    '/v1/pipelines/{id}/backfills/plan': {
      post: {
        operationId: 'PlanBackfill',
        summary:
          'Dry run: the partitions a backfill of the range would cover and what happens to each.',
        parameters: [
          {
            $ref: '#/components/parameters/pipelineId',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/BackfillPlanRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The plan.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/BackfillPlan',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '409': {
            $ref: '#/components/responses/Conflict',
          },
        },
      },
    },
    '/v1/pipelines/{id}/backfills': {
      get: {
        operationId: 'ListBackfills',
        summary: "The pipeline's backfills, newest first (at most 50).",
        parameters: [
          {
            $ref: '#/components/parameters/pipelineId',
          },
        ],
        responses: {
          '200': {
            description: 'Backfills.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ListBackfillsResponse',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
      post: {
        operationId: 'CreateBackfill',
        summary:
          "Starts a backfill; needs pipelines.backfill.create on the pipeline's catalog entity. The same idempotency key again answers the same backfill.",
        parameters: [
          {
            $ref: '#/components/parameters/pipelineId',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/BackfillCreateRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The backfill created earlier with the same key.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Backfill',
                },
              },
            },
          },
          '201': {
            description: 'The backfill, started.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Backfill',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '403': {
            $ref: '#/components/responses/NotAllowed',
          },
          '409': {
            $ref: '#/components/responses/Conflict',
          },
        },
      },
    },
    '/v1/backfills/{backfillId}': {
      get: {
        operationId: 'GetBackfill',
        summary: 'One backfill with the progress of each partition.',
        parameters: [
          {
            $ref: '#/components/parameters/backfillId',
          },
        ],
        responses: {
          '200': {
            description: 'The backfill.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Backfill',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/v1/backfills/{backfillId}/cancel': {
      post: {
        operationId: 'CancelBackfill',
        summary:
          "Cancels a backfill; needs pipelines.backfill.cancel on the pipeline's catalog entity. Runs already started finish unless the scheduler can abort them.",
        parameters: [
          {
            $ref: '#/components/parameters/backfillId',
          },
        ],
        responses: {
          '200': {
            description: 'The cancelled backfill.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Backfill',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '403': {
            $ref: '#/components/responses/NotAllowed',
          },
          '409': {
            $ref: '#/components/responses/Conflict',
          },
        },
      },
    },
    '/v1/health': {
      get: {
        operationId: 'GetOwnerHealth',
        summary:
          'Pipelines of some owners by health: failing, late, stale, healthy; and their datasets with failed quality checks.',
        parameters: [
          {
            name: 'owner',
            in: 'query',
            required: true,
            description: 'Owner entity refs, comma-separated.',
            schema: {
              type: 'string',
            },
          },
        ],
        responses: {
          '200': {
            description: 'The counts.',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OwnerHealth',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
  },
} as const;
export const createOpenApiRouter = async (
  options?: Parameters<typeof createValidatedOpenApiRouter>['1'],
) => createValidatedOpenApiRouter<typeof spec>(spec, options);
