import { ResponseError } from '@backstage/errors';
import { UIMessageChunk } from 'ai';
import { chatRequestBody, createHermesChatTransport } from './chatTransport';
import { HermesUIMessage } from './HermesApi';

const sessionId = '6f1c1a52-8d3e-4c55-9d1e-6b2f0c1d2e3f';

const question: HermesUIMessage = {
  id: 'u2',
  role: 'user',
  parts: [{ type: 'text', text: 'Is fraud-detector drifting?' }],
};

const history: HermesUIMessage[] = [
  {
    id: 'u1',
    role: 'user',
    parts: [{ type: 'text', text: 'Hello' }],
  },
  {
    id: 'a1',
    role: 'assistant',
    parts: [{ type: 'text', text: 'Hi, how can I help?' }],
  },
];

const decided: HermesUIMessage = {
  id: 'a2',
  role: 'assistant',
  parts: [
    {
      type: 'tool-catalog_get_entity',
      toolCallId: 'c0',
      state: 'output-available',
      input: { entityRef: 'component:default/fraud-detector' },
      output: { kind: 'Component' },
    },
    {
      type: 'tool-action_call',
      toolCallId: 'c1',
      state: 'approval-responded',
      input: { action: 'kubernetes:rollout-restart' },
      approval: { id: 'ap1', approved: true },
    },
    {
      type: 'dynamic-tool',
      toolName: 'kubernetes_delete',
      toolCallId: 'c2',
      state: 'approval-responded',
      input: { name: 'fraud-detector' },
      approval: {
        id: 'ap2',
        approved: false,
        reason: 'not during business hours',
      },
    },
  ],
};

describe('chatRequestBody', () => {
  it('sends only the new user message, with the entity', () => {
    expect(
      chatRequestBody(
        sessionId,
        [...history, question],
        'component:default/fraud-detector',
      ),
    ).toEqual({
      sessionId,
      entityRef: 'component:default/fraud-detector',
      message: question,
    });
  });

  it('sends only the decisions on held tool calls after the user decided', () => {
    expect(chatRequestBody(sessionId, [...history, question, decided])).toEqual(
      {
        sessionId,
        approvals: [
          { id: 'ap1', approved: true },
          { id: 'ap2', approved: false, reason: 'not during business hours' },
        ],
      },
    );
  });

  it('refuses to send when there is nothing new', () => {
    expect(() => chatRequestBody(sessionId, history)).toThrow(
      'Nothing to send: the conversation ends neither with a message nor with decisions on held tool calls',
    );
  });
});

describe('createHermesChatTransport', () => {
  const discoveryApi = {
    getBaseUrl: async (pluginId: string) =>
      `http://portal.test/api/${pluginId}`,
  };

  async function read(stream: ReadableStream<UIMessageChunk>) {
    const chunks: UIMessageChunk[] = [];
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return chunks;
      chunks.push(value);
    }
  }

  it("posts the request body through Backstage's fetch and parses the streamed answer", async () => {
    const answer: UIMessageChunk[] = [
      { type: 'start', messageId: 'a3', messageMetadata: { traceId: 't1' } },
      { type: 'text-start', id: 'x' },
      { type: 'text-delta', id: 'x', delta: 'No drift.' },
      { type: 'text-end', id: 'x' },
      { type: 'finish' },
    ];
    const fetch = jest.fn(
      async (_url: RequestInfo | URL, _init?: RequestInit) =>
        new Response(
          `${answer
            .map(c => `data: ${JSON.stringify(c)}\n\n`)
            .join('')}data: [DONE]\n\n`,
          { headers: { 'content-type': 'text/event-stream' } },
        ),
    );
    const transport = createHermesChatTransport({
      discoveryApi,
      fetchApi: { fetch },
      entityRef: 'component:default/fraud-detector',
    });

    const stream = await transport.sendMessages({
      trigger: 'submit-message',
      chatId: sessionId,
      messageId: undefined,
      messages: [...history, question],
      abortSignal: undefined,
    });

    expect(await read(stream)).toEqual(answer);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://portal.test/api/hermes/chat');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({
      sessionId,
      entityRef: 'component:default/fraud-detector',
      message: question,
    });
  });

  it("rejects with the backend's error when it refuses before streaming", async () => {
    const message =
      'No model is configured for chat. Add hermes.models.chat to app-config.yaml';
    const transport = createHermesChatTransport({
      discoveryApi,
      fetchApi: {
        fetch: async () =>
          new Response(
            JSON.stringify({
              error: { name: 'ServiceUnavailableError', message },
              response: { statusCode: 503 },
            }),
            {
              status: 503,
              statusText: 'Service Unavailable',
              headers: { 'content-type': 'application/json' },
            },
          ),
      },
    });

    const sent = transport.sendMessages({
      trigger: 'submit-message',
      chatId: sessionId,
      messageId: undefined,
      messages: [question],
      abortSignal: undefined,
    });

    await expect(sent).rejects.toBeInstanceOf(ResponseError);
    await expect(sent).rejects.toMatchObject({
      statusCode: 503,
      body: { error: { message } },
    });
  });
});
