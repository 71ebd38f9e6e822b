export { PipelineContent } from './PipelineContent';
export { isPipelineEntity } from './isPipelineEntity';
