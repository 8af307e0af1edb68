import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ScriptedReply,
  startOpenAiServer,
} from '../__testUtils__/openAiServer';
import { hermesPlugin } from '../plugin';

const databases = createTestDatabases();

const userMessage = (text: string, id = 'm1') => ({
  id,
  role: 'user',
  parts: [{ type: 'text', text }],
});

/** The `text` of the UI message stream's text deltas, and any error it carried. */
function readStream(body: string) {
  const events = body
    .split('\n')
    .filter(line => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map(line => JSON.parse(line.slice(6)));
  return {
    text: events
      .filter(e => e.type === 'text-delta')
      .map(e => e.delta)
      .join(''),
    errors: events.filter(e => e.type === 'error').map(e => e.errorText),
  };
}

describe.each(databases.eachSupportedId())('chat on %s', databaseId => {
  async function start(script: ScriptedReply[] | undefined) {
    const model = script ? await startOpenAiServer(script) : undefined;
    const knex = await databases.init(databaseId);
    const { server } = await startTestBackend({
      features: [
        hermesPlugin,
        mockServices.rootConfig.factory({
          data: model
            ? {
                hermes: {
                  model: { providers: { local: { baseUrl: model.baseUrl } } },
                  models: {
                    chat: {
                      provider: 'local',
                      model: 'chat-model',
                      timeoutSeconds: 1,
                    },
                  },
                },
              }
            : {},
        }),
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory(),
      ],
    });
    return { server, model };
  }
  const ada = mockCredentials.user.header('user:default/ada');

  it('streams the answer through the real OpenAI provider and keeps the conversation', async () => {
    const { server, model } = await start([
      { chunks: ['Three ', 'policies ', 'enforce limits.'] },
      { chunks: ['Yes.'] },
    ]);
    try {
      const first = await request(server)
        .post('/api/hermes/chat')
        .set('Authorization', ada)
        .send({ message: userMessage('Which policies enforce limits?') });
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toMatch(/text\/event-stream/);
      expect(readStream(first.text)).toEqual({
        text: 'Three policies enforce limits.',
        errors: [],
      });
      const sessionId = first.headers['x-hermes-session-id'];
      expect(model!.requests[0].body).toMatchObject({
        model: 'chat-model',
        stream: true,
      });

      await request(server)
        .post('/api/hermes/chat')
        .set('Authorization', ada)
        .send({ sessionId, message: userMessage('Are they enforced?', 'm2') });
      // The second call carried the whole conversation.
      expect(model!.requests[1].body.messages.map((m: any) => m.role)).toEqual([
        'system',
        'user',
        'assistant',
        'user',
      ]);

      const session = await request(server)
        .get(`/api/hermes/sessions/${sessionId}`)
        .set('Authorization', ada);
      expect(session.body).toMatchObject({
        title: 'Which policies enforce limits?',
        userRef: 'user:default/ada',
      });
      expect(
        session.body.messages.map((m: any) => [
          m.role,
          m.parts
            .filter((p: any) => p.type === 'text')
            .map((p: any) => p.text)
            .join(''),
        ]),
      ).toEqual([
        ['user', 'Which policies enforce limits?'],
        ['assistant', 'Three policies enforce limits.'],
        ['user', 'Are they enforced?'],
        ['assistant', 'Yes.'],
      ]);
      const list = await request(server)
        .get('/api/hermes/sessions')
        .set('Authorization', ada);
      expect(list.body.sessions.map((s: any) => s.id)).toEqual([sessionId]);

      // Another user neither sees nor continues it.
      const bob = mockCredentials.user.header('user:default/bob');
      expect(
        (
          await request(server)
            .get(`/api/hermes/sessions/${sessionId}`)
            .set('Authorization', bob)
        ).status,
      ).toBe(404);
      expect(
        (
          await request(server)
            .get('/api/hermes/sessions')
            .set('Authorization', bob)
        ).body.sessions,
      ).toEqual([]);
      expect(
        (
          await request(server)
            .delete(`/api/hermes/sessions/${sessionId}`)
            .set('Authorization', ada)
        ).status,
      ).toBe(204);
      expect(
        (
          await request(server)
            .get(`/api/hermes/sessions/${sessionId}`)
            .set('Authorization', ada)
        ).status,
      ).toBe(404);
    } finally {
      model!.close();
    }
  });

  it.each([
    [
      'a model error',
      { status: 500, error: 'model overloaded' } as ScriptedReply,
      /model overloaded/,
    ],
    ['a timeout', { hang: true } as ScriptedReply, /abort|time/i],
  ])(
    'keeps the session and tells the user about %s',
    async (_, reply, reason) => {
      const { server, model } = await start([reply]);
      try {
        const res = await request(server)
          .post('/api/hermes/chat')
          .set('Authorization', ada)
          .send({ message: userMessage('Summarise the last audit') });
        const { errors } = readStream(res.text);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(/^The model local\/chat-model failed: /);
        expect(errors[0]).toMatch(reason);
        expect(errors[0]).toMatch(/Your message is saved; try again\.$/);
        const session = await request(server)
          .get(`/api/hermes/sessions/${res.headers['x-hermes-session-id']}`)
          .set('Authorization', ada);
        expect(session.body.messages[0].parts[0].text).toBe(
          'Summarise the last audit',
        );
      } finally {
        model!.close();
      }
    },
  );

  it('says how to configure a model when there is none', async () => {
    const { server } = await start(undefined);
    const res = await request(server)
      .post('/api/hermes/chat')
      .set('Authorization', ada)
      .send({ message: userMessage('hi') });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^No model is configured for chat\. Add an OpenAI-compatible provider under hermes\.model\.providers/,
    );
  });

  it('rejects a malformed request naming the field', async () => {
    const { server } = await start(undefined);
    const res = await request(server)
      .post('/api/hermes/chat')
      .set('Authorization', ada)
      .send({ message: { id: 'x', role: 'assistant', parts: [] } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^Invalid chat request: message\.role: .*; message\.parts: /,
    );
  });
});
