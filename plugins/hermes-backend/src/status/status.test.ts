import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import express from 'express';
import request from 'supertest';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import {
  ScriptedReply,
  startOpenAiServer,
} from '../__testUtils__/openAiServer';
import { ModelRegistry } from '../models/ModelRegistry';
import { DefaultSkillsService } from '../skills/DefaultSkillsService';
import { createStatusRouter } from './router';
import { DefaultStatusService } from './StatusService';

const databases = createTestDatabases();
const ada = mockCredentials.user.header('user:default/ada');
const apiKey = 'sk-proj-0123456789abcdefghijKLMNOP';

// The routes are thin and keep nothing: one database is enough.
describe('status router: model checks', () => {
  const servers: Array<{ close(): void }> = [];
  afterEach(() => servers.splice(0).forEach(s => s.close()));

  /** One scripted server per provider; `models` maps purposes to `provider/model`. */
  async function createApp(
    providers: Record<string, { api?: string; script: ScriptedReply[] }>,
    models: Record<string, string>,
  ) {
    const started: Record<
      string,
      Awaited<ReturnType<typeof startOpenAiServer>>
    > = {};
    for (const [name, { script }] of Object.entries(providers)) {
      started[name] = await startOpenAiServer(script);
      servers.push(started[name]);
    }
    const registry = ModelRegistry.fromConfig(
      new ConfigReader({
        hermes: {
          model: {
            providers: Object.fromEntries(
              Object.entries(providers).map(([name, p]) => [
                name,
                { baseUrl: started[name].baseUrl, apiKey, api: p.api },
              ]),
            ),
          },
          models: Object.fromEntries(
            Object.entries(models).map(([purpose, name]) => {
              const [provider, model] = name.split('/');
              return [purpose, { provider, model, timeoutSeconds: 1 }];
            }),
          ),
        },
      }),
    );
    const config = mockServices.rootConfig();
    const skills = await DefaultSkillsService.create({
      config,
      database: databaseService(await databases.init('SQLITE_3')),
      logger: mockServices.logger.mock(),
    });
    const status = new DefaultStatusService({
      version: '0.1.0',
      databaseClient: 'better-sqlite3',
      clusters: [],
      models: registry,
      skills,
    });
    const app = express()
      .use(express.json())
      .use(
        createStatusRouter({
          httpAuth: mockServices.httpAuth({
            defaultCredentials: mockCredentials.none(),
          }),
          status,
        }),
      )
      .use(mockErrorHandler());
    return { app, servers: started };
  }

  it('asks each configured model for a word on request, through its API, and reports ok with latency', async () => {
    const { app, servers: s } = await createApp(
      {
        openai: { api: 'responses', script: [{ content: 'ok' }] },
        local: { script: [{ content: 'ok' }] },
      },
      {
        chat: 'openai/gpt-5-mini',
        audit: 'local/small',
        reflection: 'local/small',
      },
    );
    // Looking at the status page calls no model.
    await request(app).get('/status').set('authorization', ada).expect(200);
    expect([s.openai.requests, s.local.requests]).toEqual([[], []]);

    const res = await request(app)
      .post('/status/models/check')
      .set('authorization', ada)
      .expect(200);
    expect(res.body).toEqual({
      checkedAt: expect.any(String),
      models: [
        {
          purpose: 'chat',
          provider: 'openai',
          model: 'gpt-5-mini',
          api: 'responses',
          ok: true,
          latencyMs: expect.any(Number),
        },
        {
          purpose: 'audit',
          provider: 'local',
          model: 'small',
          api: 'chat',
          ok: true,
          latencyMs: expect.any(Number),
        },
        expect.objectContaining({ purpose: 'reflection', ok: true }),
      ],
    });
    // One small call per distinct model, over the API its provider speaks, with its key.
    expect(s.openai.requests.map(r => [r.path, r.body.model])).toEqual([
      ['/v1/responses', 'gpt-5-mini'],
    ]);
    expect(s.local.requests.map(r => [r.path, r.body.model])).toEqual([
      ['/v1/chat/completions', 'small'],
    ]);
    expect(s.openai.requests[0].authorization).toBe(`Bearer ${apiKey}`);
    expect(s.openai.requests[0].body.max_output_tokens).toBe(16);
    expect(s.local.requests[0].body.max_tokens).toBe(16);
  });

  it('reports each failure in words, never with the API key, and the models that did answer', async () => {
    const { app } = await createApp(
      {
        rejecting: {
          script: [
            {
              status: 401,
              error: `Incorrect API key provided: ${apiKey}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            },
          ],
        },
        slow: { api: 'responses', script: [{ hang: true }] },
        fine: { script: [{ content: 'ok' }] },
      },
      {
        chat: 'rejecting/big',
        audit: 'slow/reasoner',
        reflection: 'fine/small',
      },
    );
    const res = await request(app)
      .post('/status/models/check')
      .set('authorization', ada)
      .expect(200);
    const [chat, audit, reflection] = res.body.models;
    expect(chat).toMatchObject({ provider: 'rejecting', ok: false });
    expect(chat.error).toMatch(
      /^HTTP 401: Incorrect API key provided: \*\*\*\./,
    );
    expect(audit).toMatchObject({
      provider: 'slow',
      ok: false,
      error: 'no answer within 1 s (timeout)',
    });
    expect(audit.latencyMs).toBeGreaterThanOrEqual(900);
    expect(reflection).toMatchObject({ provider: 'fine', ok: true });
    expect(JSON.stringify(res.body)).not.toContain('0123456789abcdef');
  });

  it('shares one round of calls among checks asked for at once', async () => {
    const { app, servers: s } = await createApp(
      { local: { script: [{ content: 'ok' }, { content: 'ok' }] } },
      { chat: 'local/small' },
    );
    const [first, second] = await Promise.all(
      [0, 1].map(() =>
        request(app).post('/status/models/check').set('authorization', ada),
      ),
    );
    expect(first.body).toEqual(second.body);
    expect(s.local.requests).toHaveLength(1);
    // A later check calls again.
    await request(app).post('/status/models/check').set('authorization', ada);
    expect(s.local.requests).toHaveLength(2);
  });

  it('answers with no checks when no model is configured, and refuses anonymous callers', async () => {
    const { app } = await createApp({}, {});
    await request(app).post('/status/models/check').expect(401);
    const res = await request(app)
      .post('/status/models/check')
      .set('authorization', ada)
      .expect(200);
    expect(res.body.models).toEqual([]);
  });
});
