import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { DriftService } from '../drift/DriftService';
import { MemoryService } from '../memory/MemoryService';
import { PolicyService } from '../policy/PolicyService';
import { SkillsService } from '../skills/SkillsService';
import { TasksService } from '../tasks/TasksService';
import { registerDriftActions } from './driftActions';
import { registerKnowledgeActions } from './knowledgeActions';
import { registerPolicyActions } from './policyActions';
import { registerTaskActions } from './taskActions';

/** The services Hermes's actions call, each with the caller's credentials. */
export interface HermesActionServices {
  policy: PolicyService;
  /** The permission-checking drift service (`AuthorizedDriftService`), never the plain one. */
  drift: DriftService;
  skills: Pick<SkillsService, 'search' | 'view'>;
  memory: Pick<MemoryService, 'search'>;
  tasks: Pick<TasksService, 'list' | 'runNow'>;
}

/**
 * Registers Hermes's actions in Backstage's actions registry, where the MCP actions backend
 * (and any other actions client) finds them as `hermes:<name>` once `hermes` is among
 * `backend.actions.pluginSources`.
 */
export function registerHermesActions(
  registry: ActionsRegistryService,
  services: HermesActionServices,
): void {
  registerPolicyActions(registry, services);
  registerDriftActions(registry, services);
  registerKnowledgeActions(registry, services);
  registerTaskActions(registry, services);
}
