import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ApprovalDecision,
  ChatRequestBody,
} from '@hermes-backstage/plugin-hermes-common';
import { ChatTransport, DefaultChatTransport, isToolUIPart } from 'ai';
import type { HermesUIMessage } from './HermesApi';

/**
 * What to post for the chat's current state: the server keeps the history, so only the new
 * user message goes up, or, when the user has decided on held tool calls, only those decisions.
 */
export function chatRequestBody(
  sessionId: string,
  messages: HermesUIMessage[],
  entityRef?: string,
): ChatRequestBody<HermesUIMessage> {
  const last = messages[messages.length - 1];
  if (last?.role === 'user') {
    return { sessionId, entityRef, message: last };
  }
  const approvals: ApprovalDecision[] = [];
  for (const part of last?.parts ?? []) {
    if (isToolUIPart(part) && part.state === 'approval-responded') {
      const { id, approved, reason } = part.approval;
      approvals.push(reason ? { id, approved, reason } : { id, approved });
    }
  }
  if (approvals.length === 0) {
    throw new Error(
      'Nothing to send: the conversation ends neither with a message nor with decisions on held tool calls',
    );
  }
  return { sessionId, entityRef, approvals };
}

/**
 * A `useChat` transport to `POST /api/hermes/chat` through Backstage's fetch API, so the user's
 * token is attached. Errors the backend sends before streaming (as Backstage JSON errors) are
 * thrown as `ResponseError`s, whose `body.error.message` says what to do.
 */
export function createHermesChatTransport(options: {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
  entityRef?: string;
}): ChatTransport<HermesUIMessage> {
  const { discoveryApi, fetchApi, entityRef } = options;
  return new DefaultChatTransport<HermesUIMessage>({
    prepareSendMessagesRequest: async ({ id, messages }) => ({
      api: `${await discoveryApi.getBaseUrl('hermes')}/chat`,
      body: chatRequestBody(id, messages, entityRef),
    }),
    fetch: async (input, init) => {
      const response = await fetchApi.fetch(input, init);
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      return response;
    },
  });
}
