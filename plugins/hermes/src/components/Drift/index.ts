export { EntityDriftContent } from './EntityDriftContent';
export { AuditsCard } from './AuditsCard';
