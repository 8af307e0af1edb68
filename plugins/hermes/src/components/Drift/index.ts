export { EntityDriftContent } from './EntityDriftContent';
export { EntityDriftCard } from './EntityDriftCard';
export { AuditsCard } from './AuditsCard';
export { DriftContent } from './DriftContent';
