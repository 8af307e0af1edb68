import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  AgentSession,
  AgentSessionSummary,
  HeldToolCall,
  HermesStatus,
} from '@hermes-backstage/plugin-hermes-common';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { UIMessageChunk } from 'ai';
import { HermesApi, hermesApiRef, HermesUIMessage } from '../../api';
import { createHermesChatTransport } from '../../api/chatTransport';
import { AgentChat } from './AgentChat';
import { EntityAgentContent } from './EntityAgentContent';

const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'fraud-detector' },
  spec: {
    type: 'model-endpoint',
    owner: 'group:ranking',
    lifecycle: 'production',
  },
};
const entityRef = 'component:default/fraud-detector';

/** The body of an ai SDK UI message stream, as the backend sends it. */
function sse(chunks: UIMessageChunk[]): Response {
  return new Response(
    `${chunks
      .map(c => `data: ${JSON.stringify(c)}\n\n`)
      .join('')}data: [DONE]\n\n`,
    { headers: { 'content-type': 'text/event-stream' } },
  );
}

function text(id: string, delta: string): UIMessageChunk[] {
  return [
    { type: 'text-start', id },
    { type: 'text-delta', id, delta },
    { type: 'text-end', id },
  ];
}

/** The backend's status; by default with a chat model configured. */
function statusWith(models: HermesStatus['models']): HermesStatus {
  return {
    version: '0.1.0',
    database: { client: 'better-sqlite3' },
    clusters: [],
    models,
    skills: { names: [], errors: [] },
  };
}
const withChatModel = statusWith([
  { purpose: 'chat', provider: 'openrouter', model: 'strong-model' },
]);

/**
 * A Hermes API whose chat goes through the real transport to a scripted backend: each
 * request takes the next response, and its body is recorded.
 */
function hermesApi(overrides: Partial<HermesApi> = {}) {
  const requests: any[] = [];
  const responses: Response[] = [];
  const fetchApi = {
    fetch: async (_url: RequestInfo | URL, init?: RequestInit) => {
      requests.push(JSON.parse(String(init?.body)));
      const response = responses.shift();
      if (!response) throw new Error('The test scripted no more responses');
      return response;
    },
  };
  const api = {
    getStatus: jest.fn(async () => withChatModel),
    listSessions: jest.fn(async (): Promise<AgentSessionSummary[]> => []),
    getSession: jest.fn(),
    deleteSession: jest.fn(async () => {}),
    sendFeedback: jest.fn(async () => {}),
    listApprovals: jest.fn(async (): Promise<HeldToolCall[]> => []),
    createChatTransport: (options: { entityRef?: string } = {}) =>
      createHermesChatTransport({
        discoveryApi: {
          getBaseUrl: async () => 'http://portal.test/api/hermes',
        },
        fetchApi,
        ...options,
      }),
    ...overrides,
  };
  return { api, requests, respond: (...r: Response[]) => responses.push(...r) };
}

async function render(element: JSX.Element, api: Partial<HermesApi>) {
  await act(async () => {
    await renderInTestApp(element, { apis: [[hermesApiRef, api]] });
  });
}

function ask(question: string) {
  const input = screen.getByRole('textbox', { name: 'Message Hermes' });
  fireEvent.change(input, { target: { value: question } });
  fireEvent.keyDown(input, { key: 'Enter' });
}

// Streamed answers render step by step: on a loaded CI machine a test takes seconds.
jest.setTimeout(30_000);

describe('AgentChat', () => {
  it('asks about the entity on its Agent tab and streams a Markdown answer with the tool calls and skills it used', async () => {
    const { api, requests, respond } = hermesApi();
    respond(
      sse([
        { type: 'start', messageId: 'a1', messageMetadata: { traceId: 't1' } },
        {
          type: 'tool-input-available',
          toolCallId: 'c1',
          toolName: 'drift_findings',
          input: { entityRef },
        },
        {
          type: 'tool-output-available',
          toolCallId: 'c1',
          output: { findings: [{ path: '/metadata/labels/cost-center' }] },
        },
        {
          type: 'tool-input-available',
          toolCallId: 'c2',
          toolName: 'skill_view',
          input: { name: 'knative-autoscaler-drift' },
        },
        {
          type: 'tool-output-available',
          toolCallId: 'c2',
          output: '# Knative…',
        },
        ...text(
          'x',
          'One **unknown** change:\n\n- `cost-center` label edited by hand',
        ),
        { type: 'finish' },
      ]),
    );
    await render(
      <EntityProvider entity={entity}>
        <EntityAgentContent />
      </EntityProvider>,
      api,
    );
    expect(screen.getByText(entityRef)).toBeInTheDocument();
    expect(api.listSessions).toHaveBeenCalledWith({ q: undefined, entityRef });

    // Shift+Enter is a newline, not a send.
    const input = screen.getByRole('textbox', { name: 'Message Hermes' });
    fireEvent.change(input, { target: { value: 'Is it drifting?' } });
    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    expect(requests).toHaveLength(0);
    ask('Is it drifting?');

    expect(
      await screen.findByText('unknown', { selector: 'strong' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('cost-center', { selector: 'li code' }),
    ).toBeInTheDocument();
    const conversation = screen.getByRole('log', { name: 'Conversation' });
    expect(
      within(conversation).getByRole('article', { name: 'You' }),
    ).toHaveTextContent('Is it drifting?');
    const call = within(conversation).getByRole('button', {
      name: `drift_findings entityRef: ${entityRef}`,
    });
    expect(
      within(conversation).getByText('Loaded skill knative-autoscaler-drift'),
    ).toBeInTheDocument();
    fireEvent.click(call);
    expect(
      await screen.findByText(/"\/metadata\/labels\/cost-center"/),
    ).toBeVisible();

    expect(requests).toEqual([
      {
        sessionId: expect.stringMatching(UUID),
        entityRef,
        message: {
          id: expect.any(String),
          role: 'user',
          parts: [{ type: 'text', text: 'Is it drifting?' }],
        },
      },
    ]);
    // The history is refreshed so the new conversation appears.
    await waitFor(() => expect(api.listSessions).toHaveBeenCalledTimes(2));
  });

  it('shows a held call with what would run, and sends only the decision when approved', async () => {
    const { api, requests, respond } = hermesApi();
    respond(
      sse([
        { type: 'start', messageId: 'a1' },
        {
          type: 'tool-input-available',
          toolCallId: 'c1',
          toolName: 'action_call',
          input: {
            action: 'kubernetes:rollout-restart',
            input: { name: 'fraud-detector' },
          },
        },
        { type: 'tool-approval-request', approvalId: 'ap1', toolCallId: 'c1' },
        { type: 'finish' },
      ]),
      sse([
        { type: 'start', messageId: 'a1' },
        {
          type: 'tool-output-available',
          toolCallId: 'c1',
          output: { ok: true },
        },
        ...text('y', 'Restarted fraud-detector.'),
        { type: 'finish' },
      ]),
    );
    await render(<AgentChat />, api);
    ask('Restart fraud-detector');

    const held = await screen.findByRole('group', {
      name: 'Approval needed for action_call',
    });
    expect(
      within(held).getByText(/"kubernetes:rollout-restart"/),
    ).toBeInTheDocument();
    expect(
      within(held).getByRole('button', { name: 'Deny' }),
    ).toBeInTheDocument();
    fireEvent.click(within(held).getByRole('button', { name: 'Approve' }));

    expect(
      await screen.findByText('Restarted fraud-detector.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('group', { name: /Approval needed/ }),
    ).not.toBeInTheDocument();
    expect(requests).toHaveLength(2);
    expect(requests[1]).toEqual({
      sessionId: requests[0].sessionId,
      approvals: [{ id: 'ap1', approved: true }],
    });
  });

  it("waits for the rule's approvers, saying who they are, and continues once one of them approved", async () => {
    const heldCall: HeldToolCall = {
      id: 'ap1',
      sessionId: 's1',
      sessionTitle: 'Run the demo audit',
      askedBy: 'user:default/guest',
      tool: 'drift_run_audit',
      input: { audit: 'demo' },
      reason: 'hermes.approvals.rules[0] (drift_run_audit): require-approval',
      approvers: ['group:default/sre'],
      status: 'pending',
      createdAt: '2026-11-25T09:00:00Z',
      canDecide: false,
    };
    const listApprovals = jest
      .fn<Promise<HeldToolCall[]>, [{ sessionId?: string }?]>()
      .mockResolvedValueOnce([heldCall])
      .mockResolvedValueOnce([
        { ...heldCall, status: 'approved', decidedBy: 'user:default/bob' },
      ]);
    const { api, requests, respond } = hermesApi({ listApprovals });
    respond(
      sse([
        { type: 'start', messageId: 'a1' },
        {
          type: 'tool-input-available',
          toolCallId: 'c1',
          toolName: 'drift_run_audit',
          input: { audit: 'demo' },
        },
        { type: 'tool-approval-request', approvalId: 'ap1', toolCallId: 'c1' },
        { type: 'finish' },
      ]),
      sse([
        { type: 'start', messageId: 'a1' },
        {
          type: 'tool-output-available',
          toolCallId: 'c1',
          output: { status: 'succeeded' },
        },
        ...text('y', 'The audit ran.'),
        { type: 'finish' },
      ]),
    );
    await render(<AgentChat />, api);
    ask('Run the demo audit');

    const held = await screen.findByRole('group', {
      name: 'Approval needed for drift_run_audit',
    });
    expect(
      await within(held).findByText(
        'Waiting for approval to run drift_run_audit',
      ),
    ).toBeInTheDocument();
    expect(
      within(held).getByText(/Only group:default\/sre may approve/),
    ).toBeInTheDocument();
    expect(
      within(held).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(listApprovals).toHaveBeenCalledWith({
      sessionId: requests[0].sessionId,
    });

    fireEvent.click(within(held).getByRole('button', { name: 'Check again' }));
    expect(
      await within(held).findByText(
        'user:default/bob approved drift_run_audit',
      ),
    ).toBeInTheDocument();
    fireEvent.click(within(held).getByRole('button', { name: 'Continue' }));

    expect(await screen.findByText('The audit ran.')).toBeInTheDocument();
    expect(requests[1]).toEqual({
      sessionId: requests[0].sessionId,
      approvals: [{ id: 'ap1', approved: true }],
    });
  });

  it('says there is no chat model before the user types', async () => {
    const noChat = hermesApi({
      getStatus: jest.fn(async () =>
        statusWith([{ purpose: 'audit', provider: 'local', model: 'small' }]),
      ),
    });
    await render(<AgentChat />, noChat.api);
    const chat = screen.getByRole('region', { name: 'Chat' });
    expect(
      await within(chat).findByText(
        /^No model is configured for chat, so Hermes cannot answer yet\. Add hermes\.models\.chat/,
      ),
    ).toBeInTheDocument();
    // Nothing can be sent that no model would answer.
    expect(within(chat).getByLabelText('Message Hermes')).toBeDisabled();
    expect(within(chat).getByRole('button', { name: 'Send' })).toBeDisabled();
    expect(noChat.requests).toEqual([]);
  });

  it('says nothing about models when a chat model is configured', async () => {
    const { api } = hermesApi();
    await render(<AgentChat />, api);
    expect(api.getStatus).toHaveBeenCalled();
    expect(
      screen.queryByText(/No model is configured/),
    ).not.toBeInTheDocument();
    expect(screen.getByLabelText('Message Hermes')).toBeEnabled();
  });

  it('says in words why there is no answer: no model configured, or the model failing mid-answer', async () => {
    const { api, requests, respond } = hermesApi();
    const noModel =
      'No model is configured for chat. Add hermes.models.chat (and a provider under hermes.model.providers) to app-config.yaml';
    respond(
      new Response(
        JSON.stringify({
          error: { name: 'ServiceUnavailableError', message: noModel },
          response: { statusCode: 503 },
        }),
        {
          status: 503,
          statusText: 'Service Unavailable',
          headers: { 'content-type': 'application/json' },
        },
      ),
      sse([
        { type: 'start', messageId: 'a1' },
        ...text('z', 'Looking at'),
        {
          type: 'error',
          errorText:
            'The model did not answer within 60 seconds. Your message is saved; try again.',
        },
      ]),
    );
    await render(<AgentChat />, api);

    ask('Hello?');
    expect(await screen.findByText(noModel)).toBeInTheDocument();

    ask('Hello again?');
    expect(
      await screen.findByText(
        'The model did not answer within 60 seconds. Your message is saved; try again.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(noModel)).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Send' })).toBeInTheDocument();
    expect(requests.map(r => r.message.parts[0].text)).toEqual([
      'Hello?',
      'Hello again?',
    ]);
  });

  it('shows a message with credentials as it was stored, masked, and the answer says they were withheld', async () => {
    const { api, requests, respond } = hermesApi();
    const withheld =
      'Credentials withheld: your message held a GitHub token. Hermes masked it before storing the conversation or sending it to the model. If it is real, treat it as exposed and rotate it.';
    respond(
      sse([
        { type: 'start', messageId: 'a1', messageMetadata: { traceId: 't1' } },
        {
          type: 'data-notice',
          data: { kind: 'credentials-withheld', text: withheld },
        },
        ...text('x', 'Cloning with a token is fine once it is rotated.'),
        { type: 'finish' },
      ]),
    );
    await render(<AgentChat />, api);
    ask('I cloned with ghp_0123456789abcdefghij0123456789abcdef, fine?');

    const answer = await screen.findByRole('article', { name: 'Hermes' });
    expect(within(answer).getByRole('note')).toHaveTextContent(withheld);
    expect(screen.getByRole('article', { name: 'You' })).toHaveTextContent(
      'I cloned with [redacted GitHub token], fine?',
    );
    expect(screen.queryByText(/ghp_0123/)).not.toBeInTheDocument();
    // What was sent is the user's own text: the server masks and answers for it.
    expect(requests[0].message.parts[0].text).toContain('ghp_0123');
  });

  it('shows no empty answer, nor thumbs for one, when the model fails before saying anything', async () => {
    const { api, respond } = hermesApi();
    respond(
      sse([
        { type: 'start', messageId: 'a1', messageMetadata: { traceId: 't1' } },
        {
          type: 'error',
          errorText:
            'The model local/chat-model failed: model overloaded. Your message is saved; try again.',
        },
      ]),
    );
    await render(<AgentChat />, api);
    ask('Summarise the last audit');
    expect(
      await screen.findByText(
        'The model local/chat-model failed: model overloaded. Your message is saved; try again.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('article', { name: 'Hermes' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Helpful' }),
    ).not.toBeInTheDocument();
  });

  it('rates an answer continued after an approval afresh, on its newest run', async () => {
    const { api, respond } = hermesApi();
    respond(
      sse([
        {
          type: 'start',
          messageId: 'a1',
          messageMetadata: { traceId: 't1', traceIds: ['t1'] },
        },
        {
          type: 'tool-input-available',
          toolCallId: 'c1',
          toolName: 'drift_run_audit',
          input: { audit: 'demo' },
        },
        { type: 'tool-approval-request', approvalId: 'ap1', toolCallId: 'c1' },
        { type: 'finish' },
      ]),
      sse([
        {
          type: 'start',
          messageId: 'a1',
          messageMetadata: { traceId: 't2', traceIds: ['t1', 't2'] },
        },
        {
          type: 'tool-output-available',
          toolCallId: 'c1',
          output: { status: 'succeeded' },
        },
        ...text('y', 'The audit ran.'),
        { type: 'finish' },
      ]),
    );
    await render(<AgentChat />, api);
    ask('Run the demo audit');
    const held = await screen.findByRole('group', {
      name: 'Approval needed for drift_run_audit',
    });
    // Rated before deciding: that rating is on the first run.
    fireEvent.click(screen.getByRole('button', { name: 'Not helpful' }));
    expect(await screen.findByText('Feedback recorded')).toBeInTheDocument();
    expect(api.sendFeedback).toHaveBeenLastCalledWith('t1', 'down');

    fireEvent.click(within(held).getByRole('button', { name: 'Approve' }));
    expect(await screen.findByText('The audit ran.')).toBeInTheDocument();
    // The continued answer is new to rate; its rating goes to the newest run, which the
    // server applies to every run of the answer.
    expect(screen.queryByText('Feedback recorded')).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Helpful' }));
    expect(await screen.findByText('Feedback recorded')).toBeInTheDocument();
    expect(api.sendFeedback).toHaveBeenLastCalledWith('t2', 'up');
  });

  it('offers Stop while the answer streams', async () => {
    const { api, respond } = hermesApi();
    let answer!: ReadableStreamDefaultController<Uint8Array>;
    respond(
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            answer = controller;
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      ),
    );
    await render(<AgentChat />, api);
    ask('Summarise the last audit');
    const chunk = (c: UIMessageChunk) =>
      answer.enqueue(
        new TextEncoder().encode(`data: ${JSON.stringify(c)}\n\n`),
      );
    await waitFor(() => expect(answer).toBeDefined());
    act(() => {
      chunk({ type: 'start', messageId: 'a1' });
      chunk({ type: 'text-start', id: 't' });
      chunk({ type: 'text-delta', id: 't', delta: 'The last audit found' });
    });

    expect(await screen.findByText('The last audit found')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Send' }),
    ).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(
      await screen.findByRole('button', { name: 'Send' }),
    ).toBeInTheDocument();
    expect(screen.getByText('The last audit found')).toBeInTheDocument();
  });
});

describe('AgentChat history', () => {
  const kyvernoSession: AgentSessionSummary = {
    id: '0b6a3d0e-1f7c-4c1e-9a55-2d1f4e5a6b7c',
    userRef: 'user:default/guest',
    entityRef,
    title: 'Who edited require-resource-limits?',
    createdAt: '2026-11-20T09:00:00Z',
    updatedAt: '2026-11-20T09:05:00Z',
  };
  const otherSession: AgentSessionSummary = {
    ...kyvernoSession,
    id: '7d2e9f10-3a4b-4c5d-8e6f-708192a3b4c5',
    title: 'Knative autoscaler noise',
  };
  const messages: HermesUIMessage[] = [
    {
      id: 'u1',
      role: 'user',
      parts: [{ type: 'text', text: 'Who edited require-resource-limits?' }],
    },
    {
      id: 'a1',
      role: 'assistant',
      metadata: { traceId: 'trace-7' },
      parts: [{ type: 'text', text: 'ops-admin, by hand, at 03:12 UTC.' }],
    },
  ];
  const session: AgentSession<HermesUIMessage> = {
    ...kyvernoSession,
    messages,
  };

  it('searches past conversations with snippets, opens one and continues it under the same id', async () => {
    const { api, requests, respond } = hermesApi({
      listSessions: jest.fn(async ({ q }: { q?: string } = {}) =>
        q
          ? [
              {
                ...kyvernoSession,
                snippet: 'the **kyverno** policy was edited by ops-admin',
              },
            ]
          : [kyvernoSession, otherSession],
      ),
      getSession: jest.fn(async () => session),
    });
    respond(
      sse([
        { type: 'start', messageId: 'a2' },
        ...text('w', 'Twice before.'),
        { type: 'finish' },
      ]),
    );
    await render(<AgentChat entityRef={entityRef} />, api);
    const history = screen.getByRole('list', { name: 'Conversations' });
    expect(
      await within(history).findByText('Knative autoscaler noise'),
    ).toBeInTheDocument();

    fireEvent.change(
      screen.getByRole('searchbox', { name: 'Search conversations' }),
      {
        target: { value: 'kyverno' },
      },
    );
    expect(
      await within(history).findByText('kyverno', { selector: 'mark' }),
    ).toBeInTheDocument();
    expect(
      within(history).queryByText('Knative autoscaler noise'),
    ).not.toBeInTheDocument();
    expect(api.listSessions).toHaveBeenLastCalledWith({
      q: 'kyverno',
      entityRef,
    });

    fireEvent.click(
      within(history).getByText('Who edited require-resource-limits?'),
    );
    expect(
      await screen.findByText('ops-admin, by hand, at 03:12 UTC.'),
    ).toBeInTheDocument();
    expect(api.getSession).toHaveBeenCalledWith(kyvernoSession.id);

    ask('Has that happened before?');
    expect(await screen.findByText('Twice before.')).toBeInTheDocument();
    expect(requests[0]).toMatchObject({
      sessionId: kyvernoSession.id,
      entityRef,
    });
  });

  it('records thumbs up or down on an answer, by its trace', async () => {
    const { api } = hermesApi({ getSession: jest.fn(async () => session) });
    await render(<AgentChat sessionId={kyvernoSession.id} />, api);
    const answer = await screen.findByRole('article', { name: 'Hermes' });

    fireEvent.click(within(answer).getByRole('button', { name: 'Helpful' }));
    expect(
      await within(answer).findByText('Feedback recorded'),
    ).toBeInTheDocument();
    expect(api.sendFeedback).toHaveBeenCalledWith('trace-7', 'up');
    expect(
      within(answer).getByRole('button', { name: 'Helpful' }),
    ).toHaveAttribute('aria-pressed', 'true');
  });

  it('takes a comment on why an answer was not helpful, with the rating', async () => {
    const { api } = hermesApi({ getSession: jest.fn(async () => session) });
    await render(<AgentChat sessionId={kyvernoSession.id} />, api);
    const answer = await screen.findByRole('article', { name: 'Hermes' });

    fireEvent.click(
      within(answer).getByRole('button', { name: 'Not helpful' }),
    );
    const why = await within(answer).findByRole('textbox', {
      name: 'What was wrong? (optional)',
    });
    expect(
      within(answer).getByRole('button', { name: 'Send comment' }),
    ).toBeDisabled();
    fireEvent.change(why, {
      target: { value: 'It missed the Audit failureAction' },
    });
    fireEvent.click(
      within(answer).getByRole('button', { name: 'Send comment' }),
    );
    expect(
      await within(answer).findByText('Comment recorded'),
    ).toBeInTheDocument();
    expect(api.sendFeedback).toHaveBeenLastCalledWith(
      'trace-7',
      'down',
      'It missed the Audit failureAction',
    );
    expect(
      within(answer).queryByRole('textbox', { name: /optional/ }),
    ).not.toBeInTheDocument();
  });

  it('deletes a conversation after confirmation and starts a new one if it was open', async () => {
    const listSessions = jest
      .fn()
      .mockResolvedValueOnce([kyvernoSession, otherSession])
      .mockResolvedValue([otherSession]);
    const { api } = hermesApi({
      listSessions,
      getSession: jest.fn(async () => session),
    });
    await render(<AgentChat sessionId={kyvernoSession.id} />, api);
    expect(
      await screen.findByText('ops-admin, by hand, at 03:12 UTC.'),
    ).toBeInTheDocument();

    fireEvent.click(
      screen.getByRole('button', {
        name: 'Delete conversation Who edited require-resource-limits?',
      }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Delete this conversation?',
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));

    await waitFor(() =>
      expect(
        screen.queryByText('ops-admin, by hand, at 03:12 UTC.'),
      ).not.toBeInTheDocument(),
    );
    expect(api.deleteSession).toHaveBeenCalledWith(kyvernoSession.id);
    expect(screen.getByText(/^Ask Hermes about/)).toBeInTheDocument();
    const history = screen.getByRole('list', { name: 'Conversations' });
    await waitFor(() =>
      expect(
        within(history).queryByText('Who edited require-resource-limits?'),
      ).not.toBeInTheDocument(),
    );
  });
});
