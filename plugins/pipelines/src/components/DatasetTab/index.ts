export { DatasetContent, isDatasetEntity } from './DatasetContent';
