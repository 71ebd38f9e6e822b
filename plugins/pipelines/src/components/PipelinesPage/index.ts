export { PipelinesContent, PipelinesPage } from './PipelinesPage';
