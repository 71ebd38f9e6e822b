export { LineageGraph } from './LineageGraph';
export type { LineageGraphProps } from './LineageGraph';
