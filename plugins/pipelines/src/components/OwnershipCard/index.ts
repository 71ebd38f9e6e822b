export { EntityPipelinesOwnershipCard } from './EntityPipelinesOwnershipCard';
