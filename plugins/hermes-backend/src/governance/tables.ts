import { HeldToolCallStatus } from '@hermes-backstage/plugin-hermes-common';
import { DbTime } from '../database/dates';

// Rows of the governance tables (migrations/20261130000004_governance.js).

/** hermes_tool_approvals */
export type ApprovalRow = {
  id: string;
  session_id: string;
  tool_call_id: string;
  tool: string;
  input: string;
  call_hash: string;
  reason: string | null;
  approvers: string | null;
  status: HeldToolCallStatus;
  decided_by: string | null;
  decided_at: DbTime | null;
  created_at: DbTime;
};

/** A held call joined with the conversation it belongs to (hermes_sessions). */
export type HeldCallRow = ApprovalRow & {
  user_ref: string;
  entity_ref: string | null;
  title: string;
};
