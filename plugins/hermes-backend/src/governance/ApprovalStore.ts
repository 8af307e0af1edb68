import {
  HeldToolCall,
  HeldToolCallStatus,
} from '@hermes-backstage/plugin-hermes-common';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { toIso } from '../database/dates';
import { connect } from '../database/migrations';
import { HeldCallRow } from './tables';

/** A held call as stored: what the API shows, plus the binding to the exact call. */
export interface HeldCall extends Omit<HeldToolCall, 'canDecide'> {
  toolCallId: string;
  callHash: string;
}

export type NewHeldCall = Pick<
  HeldCall,
  | 'id'
  | 'sessionId'
  | 'toolCallId'
  | 'tool'
  | 'input'
  | 'callHash'
  | 'reason'
  | 'approvers'
>;

/** Tool calls held for approval, each bound to the hash of its exact call. */
export interface ApprovalStore {
  hold(call: NewHeldCall): Promise<void>;
  get(id: string): Promise<HeldCall | undefined>;
  findByToolCall(
    sessionId: string,
    toolCallId: string,
  ): Promise<HeldCall | undefined>;
  /** The calls of one session, or (without) every pending call; newest first, at most 200. */
  list(filter: { sessionId?: string }): Promise<HeldCall[]>;
  /** Moves a call from `from` to `to`; false if it was not in `from` (decided twice, raced). */
  transition(
    id: string,
    from: HeldToolCallStatus,
    to: HeldToolCallStatus,
    by?: string,
  ): Promise<boolean>;
}

export class KnexApprovalStore implements ApprovalStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<KnexApprovalStore> {
    return new KnexApprovalStore(await connect(options.database));
  }

  async hold(call: NewHeldCall) {
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

  private query() {
    return this.db<HeldCallRow>('hermes_tool_approvals as a')
      .join('hermes_sessions as s', 's.id', 'a.session_id')
      .select('a.*', 's.user_ref', 's.entity_ref', 's.title');
  }

  private toCall(row: HeldCallRow): HeldCall {
    return {
      id: row.id,
      sessionId: row.session_id,
      sessionTitle: row.title,
      askedBy: row.user_ref,
      entityRef: row.entity_ref ?? undefined,
      toolCallId: row.tool_call_id,
      tool: row.tool,
      input: JSON.parse(row.input),
      callHash: row.call_hash,
      reason: row.reason ?? undefined,
      approvers: row.approvers ? JSON.parse(row.approvers) : undefined,
      status: row.status,
      decidedBy: row.decided_by ?? undefined,
      decidedAt: toIso(row.decided_at),
      createdAt: toIso(row.created_at),
    };
  }

  async get(id: string) {
    const row = await this.query().where('a.id', id).first();
    return row ? this.toCall(row) : undefined;
  }

  async findByToolCall(sessionId: string, toolCallId: string) {
    const row = await this.query()
      .where({ 'a.session_id': sessionId, 'a.tool_call_id': toolCallId })
      .first();
    return row ? this.toCall(row) : undefined;
  }

  async list(filter: { sessionId?: string }) {
    const rows = await this.query()
      .where(
        filter.sessionId
          ? { 'a.session_id': filter.sessionId }
          : { 'a.status': 'pending' },
      )
      .orderBy('a.created_at', 'desc')
      .limit(200);
    return rows.map(row => this.toCall(row));
  }

  async transition(
    id: string,
    from: HeldToolCallStatus,
    to: HeldToolCallStatus,
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
