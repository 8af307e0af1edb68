import { ConfigReader } from '@backstage/config';
import { generateText, streamText } from 'ai';
import {
  ScriptedReply,
  startOpenAiServer,
} from '../__testUtils__/openAiServer';
import { ModelRegistry } from './ModelRegistry';

function registry(provider: object, models: object = {}) {
  return ModelRegistry.fromConfig(
    new ConfigReader({
      hermes: {
        model: { providers: { openai: provider } },
        models,
      },
    }),
  );
}

describe('ModelRegistry', () => {
  it('refuses an unknown API at start-up, naming the key and the accepted values', () => {
    expect(() =>
      registry({ baseUrl: 'https://api.openai.com/v1', api: 'completions' }),
    ).toThrow(
      /^hermes\.model\.providers\.openai\.api: "completions" is not one of chat, responses/,
    );
  });

  it.each([
    ['Chat Completions by default', undefined, '/v1/chat/completions'],
    ['Chat Completions', 'chat', '/v1/chat/completions'],
    ["OpenAI's Responses API", 'responses', '/v1/responses'],
  ])('calls every purpose through %s', async (_, api, path) => {
    const script: ScriptedReply[] = [
      { content: 'Two findings.' },
      { chunks: ['Drift ', 'is ', 'harmless.'] },
      { content: 'A skill.' },
    ];
    const server = await startOpenAiServer(script);
    try {
      const models = registry(
        { baseUrl: server.baseUrl, apiKey: 'k', api },
        {
          audit: { provider: 'openai', model: 'small' },
          chat: { provider: 'openai', model: 'strong' },
          reflection: { provider: 'openai', model: 'small' },
        },
      );
      expect(models.selections.map(s => s.api)).toEqual(
        Array(3).fill(api ?? 'chat'),
      );
      const audit = await generateText({
        model: models.languageModel('audit')!.model,
        prompt: 'Summarise',
      });
      expect(audit.text).toBe('Two findings.');
      expect(audit.usage).toMatchObject({ inputTokens: 100, outputTokens: 20 });
      const chat = streamText({
        model: models.languageModel('chat')!.model,
        prompt: 'Is it harmless?',
      });
      expect(await chat.text).toBe('Drift is harmless.');
      // A task's own model on the same provider speaks the provider's API too.
      const override = models.languageModel('reflection', 'openai/other')!;
      expect(override.selection).toMatchObject({
        model: 'other',
        api: api ?? 'chat',
      });
      await generateText({ model: override.model, prompt: 'Reflect' });
      expect(server.requests.map(r => [r.path, r.body.model])).toEqual([
        [path, 'small'],
        [path, 'strong'],
        [path, 'other'],
      ]);
    } finally {
      server.close();
    }
  });

  it('asks OpenAI not to store Responses API answers: Hermes keeps and resends the history', async () => {
    const server = await startOpenAiServer([{ content: 'ok' }]);
    try {
      const models = registry(
        { baseUrl: server.baseUrl, api: 'responses' },
        { chat: { provider: 'openai', model: 'strong' } },
      );
      await generateText({
        model: models.languageModel('chat')!.model,
        prompt: 'hi',
      });
      expect(server.requests[0].body.store).toBe(false);
    } finally {
      server.close();
    }
  });

  it('masks configured API keys and header values in text', () => {
    const models = registry({
      baseUrl: 'https://openrouter.ai/api/v1',
      apiKey: 'or-secret-key-123',
      headers: { 'X-Team-Token': 'team-token-456' },
    });
    expect(
      models.redact('sent or-secret-key-123 and team-token-456, got 401'),
    ).toBe('sent *** and ***, got 401');
  });
});
