/**
 * The agent's HTTP contract, shared by the backend routes and the frontend client.
 * Messages are the `ai` SDK's UI messages; they are typed loosely here so this package
 * stays free of the SDK.
 */

/** A conversation as listed. @public */
export interface AgentSessionSummary {
  id: string;
  userRef: string;
  /** The catalog entity the conversation is about, if any. */
  entityRef?: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  /** With a search: the matching passage, matches wrapped in `**`. */
  snippet?: string;
}

/** A conversation with its messages (ai SDK `UIMessage`s). @public */
export interface AgentSession<M = unknown> extends AgentSessionSummary {
  messages: M[];
}

/** A decision on a held tool call, by the approval id the stream announced. @public */
export interface ApprovalDecision {
  id: string;
  approved: boolean;
  reason?: string;
}

/**
 * Body of `POST /api/hermes/chat`. The client names the session (a UUID it generated for a
 * new conversation) and sends either the next user message or decisions on held tool calls;
 * the server owns the conversation history.
 * @public
 */
export interface ChatRequestBody<M = unknown> {
  sessionId: string;
  entityRef?: string;
  message?: M;
  approvals?: ApprovalDecision[];
}

/** Metadata the server attaches to each assistant message. @public */
export interface AgentMessageMetadata {
  /** The newest agent run that produced the message; feedback is given on it. */
  traceId?: string;
  /**
   * Every run that produced the message, oldest first: an answer continued after decisions
   * on held tool calls has one per turn. Feedback on any of them applies to all.
   */
  traceIds?: string[];
}

/**
 * Something the server tells the user about their turn, streamed first in the answer as a
 * `data-notice` part and stored with it (never sent to the model). @public
 */
export interface AgentNotice {
  /** `credentials-withheld`: credentials in the user's message were masked. */
  kind: 'credentials-withheld';
  /** What happened and what to do, in words. */
  text: string;
}

/** The data parts of the agent's messages, by name (`data-notice`). @public */
export type AgentDataParts = {
  notice: AgentNotice;
};

/** Thumbs up or down on an answer. @public */
export type FeedbackRating = 'up' | 'down';

/** Where a held tool call stands. @public */
export type HeldToolCallStatus = 'pending' | 'approved' | 'denied' | 'executed';

/**
 * A changing tool call the agent was told to hold until an allowed user approves it, as
 * `GET /api/hermes/approvals` lists it.
 * @public
 */
export interface HeldToolCall {
  /** The approval id of the stream's `tool-approval-request`. */
  id: string;
  sessionId: string;
  sessionTitle: string;
  /** Who asked the agent, and whose credentials the call runs with once approved. */
  askedBy: string;
  entityRef?: string;
  tool: string;
  input: unknown;
  /** The approval rule that held the call. */
  reason?: string;
  /** Users or groups who may decide; none means the user who asked. */
  approvers?: string[];
  status: HeldToolCallStatus;
  decidedBy?: string;
  decidedAt?: string;
  createdAt: string;
  /** Whether the user reading this may approve or deny it (while pending). */
  canDecide: boolean;
}
