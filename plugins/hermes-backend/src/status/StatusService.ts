import { HermesStatus } from '@hermes-backstage/plugin-hermes-common';
import { ClusterDefinition } from '../kubernetes/clusters';
import { ModelRegistry } from '../models/ModelRegistry';
import { SkillsService } from '../skills/SkillsService';
import { ModelChecks } from '@hermes-backstage/plugin-hermes-common';
import { checkModels } from './modelChecks';

/** What the status needs of the model registry: what is configured, and a way to call it. */
export type ConfiguredModels = Pick<
  ModelRegistry,
  'selections' | 'languageModel' | 'redact'
>;

export interface StatusService {
  getStatus(): Promise<HermesStatus>;
  /** Calls each configured model once, cheaply, and says whether and how fast it answered. */
  checkModels(): Promise<ModelChecks>;
}

export class DefaultStatusService implements StatusService {
  private checking?: Promise<ModelChecks>;

  constructor(
    private readonly options: {
      version: string;
      databaseClient: string;
      clusters: ClusterDefinition[];
      models: ConfiguredModels;
      skills: SkillsService;
    },
  ) {}

  async getStatus(): Promise<HermesStatus> {
    const { version, databaseClient, clusters, skills } = this.options;
    return {
      version,
      database: { client: databaseClient },
      clusters: clusters.map(({ name, source }) => ({ name, source })),
      models: this.options.models.selections.map(
        ({ purpose, provider, model }) => ({
          purpose,
          provider,
          model,
        }),
      ),
      skills: {
        names: (await skills.listSkills()).map(s => s.name),
        errors: skills.loadErrors(),
      },
    };
  }

  checkModels(): Promise<ModelChecks> {
    // Clicks from several people while a check runs share its answer: one call per model.
    this.checking ??= checkModels(this.options.models).finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }
}
