import { Knex } from 'knex';

export type HeldCallStatus = 'pending' | 'approved' | 'denied' | 'executed';

export interface HeldCall {
  id: string;
  sessionId: string;
  toolCallId: string;
  tool: string;
  input: unknown;
  callHash: string;
  reason?: string;
  approvers?: string[];
  status: HeldCallStatus;
  decidedBy?: string;
}

/** Tool calls held for approval, each bound to the hash of its exact call. */
export interface ApprovalStore {
  hold(call: Omit<HeldCall, 'status' | 'decidedBy'>): Promise<void>;
  get(id: string): Promise<HeldCall | undefined>;
  findByToolCall(
    sessionId: string,
    toolCallId: string,
  ): Promise<HeldCall | undefined>;
  /** Moves a call from `from` to `to`; false if it was not in `from` (decided twice, raced). */
  transition(
    id: string,
    from: HeldCallStatus,
    to: HeldCallStatus,
    by?: string,
  ): Promise<boolean>;
}

export class KnexApprovalStore implements ApprovalStore {
  constructor(private readonly db: Knex) {}

  async hold(call: Omit<HeldCall, 'status' | 'decidedBy'>) {
    await this.db('hermes_tool_approvals')
      .insert({
        id: call.id,
        session_id: call.sessionId,
        tool_call_id: call.toolCallId,
        tool: call.tool,
        input: JSON.stringify(call.input ?? null),
        call_hash: call.callHash,
        reason: call.reason ?? null,
        approvers: call.approvers ? JSON.stringify(call.approvers) : null,
        status: 'pending',
        created_at: new Date(),
      })
      .onConflict('id')
      .ignore();
  }

  private toCall(row: any): HeldCall {
    return {
      id: row.id,
      sessionId: row.session_id,
      toolCallId: row.tool_call_id,
      tool: row.tool,
      input: JSON.parse(row.input),
      callHash: row.call_hash,
      reason: row.reason ?? undefined,
      approvers: row.approvers ? JSON.parse(row.approvers) : undefined,
      status: row.status,
      decidedBy: row.decided_by ?? undefined,
    };
  }

  async get(id: string) {
    const row = await this.db('hermes_tool_approvals').where({ id }).first();
    return row ? this.toCall(row) : undefined;
  }

  async findByToolCall(sessionId: string, toolCallId: string) {
    const row = await this.db('hermes_tool_approvals')
      .where({ session_id: sessionId, tool_call_id: toolCallId })
      .first();
    return row ? this.toCall(row) : undefined;
  }

  async transition(
    id: string,
    from: HeldCallStatus,
    to: HeldCallStatus,
    by?: string,
  ) {
    const updated = await this.db('hermes_tool_approvals')
      .where({ id, status: from })
      .update({
        status: to,
        ...(by ? { decided_by: by, decided_at: new Date() } : {}),
      });
    return updated === 1;
  }
}
