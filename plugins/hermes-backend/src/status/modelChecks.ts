import {
  ModelCheck,
  ModelChecks,
  ModelPurpose,
  redactSecrets,
} from '@hermes-backstage/plugin-hermes-common';
import { APICallError, generateText } from 'ai';
import { ModelRegistry } from '../models/ModelRegistry';

// Enough for any model to say something, and OpenAI's smallest accepted output limit.
const MAX_OUTPUT_TOKENS = 16;

/**
 * Sends each distinct configured model one tiny prompt, all at once, and reports per purpose.
 * Purposes that share a provider and model share the call.
 */
export async function checkModels(
  models: Pick<ModelRegistry, 'selections' | 'languageModel' | 'redact'>,
): Promise<ModelChecks> {
  const checkedAt = new Date().toISOString();
  const calls = new Map<string, Promise<Omit<ModelCheck, 'purpose'>>>();
  for (const selection of models.selections) {
    const key = `${selection.provider}/${selection.model}`;
    if (!calls.has(key)) calls.set(key, checkOne(models, selection.purpose));
  }
  const results = await Promise.all(
    models.selections.map(async selection => ({
      purpose: selection.purpose,
      ...(await calls.get(`${selection.provider}/${selection.model}`)!),
    })),
  );
  return { checkedAt, models: results };
}

async function checkOne(
  models: Pick<ModelRegistry, 'languageModel' | 'redact'>,
  purpose: ModelPurpose,
): Promise<Omit<ModelCheck, 'purpose'>> {
  const { model, selection } = models.languageModel(purpose)!;
  const { provider, api, timeoutMs } = selection;
  const started = Date.now();
  const result = { provider, model: selection.model, api };
  try {
    await generateText({
      model,
      prompt: 'Reply with the single word: ok',
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      maxRetries: 0,
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    return { ...result, ok: true, latencyMs: Date.now() - started };
  } catch (error) {
    const latencyMs = Date.now() - started;
    return {
      ...result,
      ok: false,
      latencyMs,
      // A provider may quote the key it was sent (a 401 often does): mask it, and anything
      // else that looks like a credential.
      error: redactSecrets(models.redact(describe(error, timeoutMs))),
    };
  }
}

function describe(error: unknown, timeoutMs: number): string {
  // AbortSignal.timeout's reason, a DOMException (not always an Error of this realm).
  if ((error as { name?: unknown } | undefined)?.name === 'TimeoutError')
    return `no answer within ${timeoutMs / 1000} s (timeout)`;
  if (APICallError.isInstance(error))
    return error.statusCode
      ? `HTTP ${error.statusCode}: ${error.message}`
      : error.message;
  return error instanceof Error ? error.message : String(error);
}
