import { DbTime } from '../database/dates';
import type { TraceOutcome } from './TraceStore';

// Rows of the agent's tables as the database returns them (migrations/20261130000003_agent.js).

/** hermes_sessions */
export type SessionRow = {
  id: string;
  user_ref: string;
  entity_ref: string | null;
  title: string;
  notes_snapshot: string | null;
  summary: string | null;
  summary_upto: number | null;
  created_at: DbTime;
  updated_at: DbTime;
};

/** hermes_session_messages; `message` is a UIMessage as JSON. */
export type MessageRow = {
  id: number | string;
  session_id: string;
  position: number;
  role: string;
  message: string;
};

/** hermes_agent_traces; `tool_calls` and `skills_used` are JSON. */
export type TraceRow = {
  id: string;
  session_id: string | null;
  user_ref: string;
  entity_ref: string | null;
  goal: string;
  model: string | null;
  outcome: TraceOutcome;
  error: string | null;
  steps: number;
  tool_calls: string;
  skills_used: string;
  input_tokens: number | null;
  output_tokens: number | null;
  duration_ms: number | null;
  feedback: 'up' | 'down' | null;
  feedback_comment: string | null;
  started_at: DbTime;
  finished_at: DbTime | null;
};
