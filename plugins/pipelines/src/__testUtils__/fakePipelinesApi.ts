import {
  ListPipelinesQuery,
  ListPipelinesResponse,
  Pipeline,
} from '@tributary/plugin-pipelines-common';
import { PipelinesApi } from '../api';

export function examplePipeline(
  name: string,
  overrides: Partial<Pipeline> = {},
): Pipeline {
  return {
    id: `luigi:${name}`,
    source: 'luigi',
    namespace: 'luigi://central',
    name,
    firstSeenAt: '2026-11-01T00:00:00.000Z',
    lastSeenAt: '2026-11-02T00:00:00.000Z',
    ...overrides,
  };
}

/** Serves pages of a fixed list, filtering like the backend does. */
export function fakePipelinesApi(pipelines: Pipeline[]): PipelinesApi & {
  [K in keyof PipelinesApi]: jest.Mock;
} & {
  listPipelines: jest.Mock<
    Promise<ListPipelinesResponse>,
    [ListPipelinesQuery?]
  >;
} {
  const unused = (name: string) =>
    jest.fn(async () => {
      throw new Error(`${name} is not served by this fake`);
    });
  return {
    listSources: unused('listSources'),
    getPipeline: unused('getPipeline'),
    listRuns: unused('listRuns'),
    getRun: unused('getRun'),
    getDataset: unused('getDataset'),
    listColumnLineage: unused('listColumnLineage'),
    listQualityResults: unused('listQualityResults'),
    listQualityMetrics: unused('listQualityMetrics'),
    getLineage: unused('getLineage'),
    planBackfill: unused('planBackfill'),
    createBackfill: unused('createBackfill'),
    listBackfills: unused('listBackfills'),
    getBackfill: unused('getBackfill'),
    cancelBackfill: unused('cancelBackfill'),
    getOwnerHealth: unused('getOwnerHealth'),
    listPipelines: jest.fn(async (query: ListPipelinesQuery = {}) => {
      const offset = query.offset ?? 0;
      const limit = query.limit ?? 50;
      const search = query.search?.toLowerCase();
      const matching = pipelines.filter(
        p =>
          (!search || p.id.toLowerCase().includes(search)) &&
          (!query.late || p.late !== undefined),
      );
      return {
        items: matching.slice(offset, offset + limit),
        totalCount: matching.length,
        offset,
        limit,
      };
    }),
  };
}
