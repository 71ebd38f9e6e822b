export { EntityDatasetsCard } from './EntityDatasetsCard';
