import { HermesStatus } from '@hermes-backstage/plugin-hermes-common';
import { ClusterDefinition } from '../kubernetes/clusters';
import { ModelSelection } from '../models/ModelRegistry';
import { SkillsService } from '../skills/SkillsService';

export interface StatusService {
  getStatus(): Promise<HermesStatus>;
}

export class DefaultStatusService implements StatusService {
  constructor(
    private readonly options: {
      version: string;
      databaseClient: string;
      clusters: ClusterDefinition[];
      models: ModelSelection[];
      skills: SkillsService;
    },
  ) {}

  async getStatus(): Promise<HermesStatus> {
    const { version, databaseClient, clusters, models, skills } = this.options;
    return {
      version,
      database: { client: databaseClient },
      clusters: clusters.map(({ name, source }) => ({ name, source })),
      models: models.map(({ purpose, provider, model }) => ({
        purpose,
        provider,
        model,
      })),
      skills: {
        names: (await skills.listSkills()).map(s => s.name),
        errors: skills.loadErrors(),
      },
    };
  }
}
