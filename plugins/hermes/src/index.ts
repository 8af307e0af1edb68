/**
 * Hermes frontend plugin: the default export is for the new frontend system; the named
 * `legacyHermesPlugin` and `HermesPage` are for apps on the legacy system.
 *
 * @packageDocumentation
 */
export { hermesPlugin as default } from './plugin';
export {
  legacyHermesPlugin,
  HermesPage,
  EntityHermesAgentContent,
  rootRouteRef,
  entityAgentRouteRef,
} from './legacy';
export { hermesApiRef, HermesClient } from './api';
export { EntityDriftCard, EntityDriftContent } from './components/Drift';
export { AgentChat } from './components/Agent';
export type {
  HermesApi,
  HermesUIMessage,
  LearningMetrics,
  SkillListEntry,
} from './api';
