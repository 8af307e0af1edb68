import { ActionsService } from '@backstage/backend-plugin-api/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DriftService } from '../../drift/DriftService';
import { ClusterDefinition } from '../../kubernetes/clusters';
import { MemoryService } from '../../memory/MemoryService';
import { PolicyService } from '../../policy/PolicyService';
import { SkillsService } from '../../skills/SkillsService';
import { actionTools } from './actions';
import { catalogTools } from './catalog';
import { driftTools } from './drift';
import { kubernetesTools } from './kubernetes';
import { memoryTools } from './memory';
import { policyTools } from './policy';
import { skillTools } from './skills';
import { HermesTool } from './types';

/** Every tool the agent has, each reaching its capability through the service interface. */
export function agentTools(options: {
  catalog: CatalogService;
  clusters: ClusterDefinition[];
  drift: DriftService;
  policy: PolicyService;
  actions: ActionsService;
  skills: SkillsService;
  memory: MemoryService;
}): HermesTool[] {
  return [
    ...catalogTools(options),
    ...kubernetesTools(options),
    ...driftTools(options),
    ...policyTools(options),
    ...actionTools(options),
    ...skillTools(options),
    ...memoryTools(options),
  ];
}
