import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  AgentMessageMetadata,
  AgentSession,
  AgentSessionSummary,
  DriftAuditRecord,
  DriftFindingRecord,
  FeedbackRating,
  HermesStatus,
  Resolution,
} from '@hermes-backstage/plugin-hermes-common';
import type { ChatTransport, UIMessage } from 'ai';

/** A chat message as the agent streams and stores it. @public */
export type HermesUIMessage = UIMessage<AgentMessageMetadata>;

/** The Hermes backend as the frontend sees it. @public */
export interface HermesApi {
  getStatus(): Promise<HermesStatus>;
  /** Configured audit names, and recent runs (newest first). */
  listAudits(): Promise<{ definitions: string[]; audits: DriftAuditRecord[] }>;
  runAudit(name: string): Promise<DriftAuditRecord>;
  /** Latest findings; for an entity, only those about its workloads. */
  listFindings(options?: { entityRef?: string }): Promise<DriftFindingRecord[]>;
  resolveFinding(
    id: string,
    resolution: Resolution,
    note?: string,
  ): Promise<void>;
  /** The user's conversations, newest first; with `q`, those matching it, with snippets. */
  listSessions(options?: {
    q?: string;
    entityRef?: string;
  }): Promise<AgentSessionSummary[]>;
  getSession(id: string): Promise<AgentSession<HermesUIMessage>>;
  deleteSession(id: string): Promise<void>;
  /** Thumbs up or down on the agent run that produced an answer. */
  sendFeedback(
    traceId: string,
    rating: FeedbackRating,
    comment?: string,
  ): Promise<void>;
  /**
   * A transport for `useChat` that posts to `/chat` with the user's Backstage credentials,
   * sending only the new message or the decisions on held tool calls.
   */
  createChatTransport(options?: {
    entityRef?: string;
  }): ChatTransport<HermesUIMessage>;
}

/** @public */
export const hermesApiRef = createApiRef<HermesApi>().with({
  id: 'plugin.hermes.api',
  pluginId: 'hermes',
});
