import { createOpenAI } from '@ai-sdk/openai';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  MODEL_PURPOSES,
  ModelPurpose,
} from '@hermes-backstage/plugin-hermes-common';
import {
  defaultSettingsMiddleware,
  LanguageModel,
  wrapLanguageModel,
} from 'ai';

/**
 * The API a provider speaks: `chat` (Chat Completions, which every OpenAI-compatible server
 * implements) or `responses` (OpenAI's Responses API, for its reasoning models).
 */
export const MODEL_APIS = ['chat', 'responses'] as const;
export type ModelApi = (typeof MODEL_APIS)[number];

export interface ModelSelection {
  purpose: ModelPurpose;
  provider: string;
  model: string;
  /** The API of the selection's provider. */
  api: ModelApi;
  /** How long one call may take before it is abandoned. */
  timeoutMs: number;
}

interface ProviderConfig {
  baseUrl: string;
  api: ModelApi;
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
      const api = p.getOptionalString('api') ?? 'chat';
      if (!(MODEL_APIS as readonly string[]).includes(api))
        throw new Error(
          `hermes.model.providers.${name}.api: "${api}" is not one of ${MODEL_APIS.join(
            ', ',
          )} (chat: Chat Completions, which every OpenAI-compatible server speaks; ` +
            `responses: OpenAI's Responses API)`,
        );
      providers[name] = {
        baseUrl: p.getString('baseUrl'),
        api: api as ModelApi,
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
        api: providers[provider].api,
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
      ? this.overrideSelection(purpose, override, configured)
      : configured;
    if (!selection) return undefined;
    const p = this.providers[selection.provider];
    const provider = createOpenAI({
      baseURL: p.baseUrl,
      // Local servers (Ollama, vLLM) take any key; the SDK insists on one.
      apiKey: p.apiKey ?? 'not-needed',
      headers: p.headers,
    });
    if (selection.api === 'chat')
      return { model: provider.chat(selection.model), selection };
    // Hermes keeps every conversation in its own database and sends it whole, so OpenAI need
    // not store responses (`store: false`); history then never points at items held there.
    const model = wrapLanguageModel({
      model: provider.responses(selection.model),
      middleware: defaultSettingsMiddleware({
        settings: { providerOptions: { openai: { store: false } } },
      }),
    });
    return { model, selection };
  }

  /**
   * `text` with every configured API key and header value replaced by `***`, for errors that
   * may quote what a provider answered.
   */
  redact(text: string): string {
    const secrets = Object.values(this.providers)
      .flatMap(p => [p.apiKey, ...Object.values(p.headers ?? {})])
      .filter((s): s is string => !!s && s.length >= 4)
      // The longest first, so a value is masked whole before a shorter one inside it.
      .sort((a, b) => b.length - a.length);
    return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  }

  private overrideSelection(
    purpose: ModelPurpose,
    override: string,
    configured?: ModelSelection,
  ): ModelSelection {
    const { provider, model } = this.parse(override);
    return {
      purpose,
      provider,
      model,
      api: this.providers[provider].api,
      timeoutMs: configured?.timeoutMs ?? 60_000,
    };
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
