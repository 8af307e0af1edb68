import { createOpenAI } from '@ai-sdk/openai';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  MODEL_PURPOSES,
  ModelPurpose,
} from '@hermes-backstage/plugin-hermes-common';
import type { LanguageModel } from 'ai';

export interface ModelSelection {
  purpose: ModelPurpose;
  provider: string;
  model: string;
  /** How long one call may take before it is abandoned. */
  timeoutMs: number;
}

interface ProviderConfig {
  baseUrl: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

/**
 * The models configured per purpose (`hermes.models.<purpose>`, each naming a provider from
 * `hermes.model.providers`), reached through the `ai` SDK's OpenAI provider, which speaks to
 * any OpenAI-compatible endpoint. A purpose without a model has none: callers say so.
 */
export class ModelRegistry {
  private constructor(
    readonly selections: ModelSelection[],
    private readonly providers: Record<string, ProviderConfig>,
  ) {}

  static fromConfig(config: Config): ModelRegistry {
    const providersConfig = config.getOptionalConfig('hermes.model.providers');
    const providers: Record<string, ProviderConfig> = {};
    for (const name of providersConfig?.keys() ?? []) {
      const p = providersConfig!.getConfig(name);
      providers[name] = {
        baseUrl: p.getString('baseUrl'),
        apiKey: p.getOptionalString('apiKey'),
        headers: p.getOptional<Record<string, string>>('headers'),
      };
    }
    const selections: ModelSelection[] = [];
    for (const purpose of MODEL_PURPOSES) {
      const entry = config.getOptionalConfig(`hermes.models.${purpose}`);
      if (!entry) continue;
      const provider = entry.getString('provider');
      if (!providers[provider]) {
        const known = Object.keys(providers);
        throw new Error(
          `hermes.models.${purpose}.provider: unknown provider "${provider}"; ` +
            `configured providers: ${
              known.length
                ? known.join(', ')
                : 'none (add hermes.model.providers)'
            }`,
        );
      }
      selections.push({
        purpose,
        provider,
        model: entry.getString('model'),
        timeoutMs: (entry.getOptionalNumber('timeoutSeconds') ?? 60) * 1000,
      });
    }
    return new ModelRegistry(selections, providers);
  }

  /**
   * The model for a purpose, or undefined when none is configured. `override` names another
   * model as `provider/model` (a task's own choice) on one of the configured providers.
   */
  languageModel(
    purpose: ModelPurpose,
    override?: string,
  ): { model: LanguageModel; selection: ModelSelection } | undefined {
    const configured = this.selections.find(s => s.purpose === purpose);
    const selection = override
      ? {
          purpose,
          ...this.parse(override),
          timeoutMs: configured?.timeoutMs ?? 60_000,
        }
      : configured;
    if (!selection) return undefined;
    const p = this.providers[selection.provider];
    const provider = createOpenAI({
      baseURL: p.baseUrl,
      // Local servers (Ollama, vLLM) take any key; the SDK insists on one.
      apiKey: p.apiKey ?? 'not-needed',
      headers: p.headers,
    });
    // Chat Completions: the API every OpenAI-compatible server implements.
    return { model: provider.chat(selection.model), selection };
  }

  /**
   * Splits `provider/model` (the model part may hold more slashes, as OpenRouter's do) and
   * checks the provider is configured; the error names the accepted providers.
   */
  parse(name: string): { provider: string; model: string } {
    const slash = name.indexOf('/');
    const provider = slash > 0 ? name.slice(0, slash) : '';
    const model = slash > 0 ? name.slice(slash + 1) : '';
    if (!provider || !model)
      throw new InputError(
        `Model "${name}" is not provider/model, e.g. openrouter/openai/gpt-4.1-mini`,
      );
    if (!this.providers[provider]) {
      const known = Object.keys(this.providers);
      throw new InputError(
        `Model "${name}": unknown provider "${provider}"; configured providers: ${
          known.length ? known.join(', ') : 'none (add hermes.model.providers)'
        }`,
      );
    }
    return { provider, model };
  }
}
