import { Config } from '@backstage/config';
import {
  MODEL_PURPOSES,
  ModelPurpose,
} from '@hermes-backstage/plugin-hermes-common';

export interface ModelSelection {
  purpose: ModelPurpose;
  provider: string;
  model: string;
}

/**
 * Reads `hermes.models.<purpose>`; each names a provider from `hermes.model.providers`.
 * A purpose pointing at an unknown provider is a configuration error caught at start-up.
 */
export function readModelSelections(config: Config): ModelSelection[] {
  const providers =
    config.getOptionalConfig('hermes.model.providers')?.keys() ?? [];
  const selections: ModelSelection[] = [];
  for (const purpose of MODEL_PURPOSES) {
    const entry = config.getOptionalConfig(`hermes.models.${purpose}`);
    if (!entry) continue;
    const provider = entry.getString('provider');
    if (!providers.includes(provider)) {
      throw new Error(
        `hermes.models.${purpose}.provider: unknown provider "${provider}"; ` +
          `configured providers: ${
            providers.length
              ? providers.join(', ')
              : 'none (add hermes.model.providers)'
          }`,
      );
    }
    selections.push({ purpose, provider, model: entry.getString('model') });
  }
  return selections;
}
