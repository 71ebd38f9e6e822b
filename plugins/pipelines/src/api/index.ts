export { pipelinesApiRef } from './PipelinesApi';
export type { LineageQuery, ListRunsQuery, PipelinesApi } from './PipelinesApi';
export { PipelinesClient } from './PipelinesClient';
