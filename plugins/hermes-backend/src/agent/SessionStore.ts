import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import type { UIMessage } from 'ai';
import { toIso } from '../database/dates';
import { connect } from '../database/migrations';
import { MessageRow, SessionRow } from './tables';

export interface SessionSummary {
  id: string;
  userRef: string;
  entityRef?: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export interface Session extends SessionSummary {
  messages: UIMessage[];
  /** Curated notes as they were when the session started. */
  notesSnapshot?: string;
  /** Summary of the messages before `summaryUpto`, once the session was compacted. */
  summary?: string;
  summaryUpto?: number;
}

/** Working memory: conversations and their messages. */
export interface SessionStore {
  createSession(session: {
    id: string;
    userRef: string;
    entityRef?: string;
    title: string;
    notesSnapshot?: string;
  }): Promise<void>;
  getSession(id: string): Promise<Session | undefined>;
  /** A user's sessions, newest first; with `entityRef`, only those about that entity. */
  listSessions(
    userRef: string,
    filter?: { entityRef?: string },
  ): Promise<SessionSummary[]>;
  /**
   * Stores the messages of a session (the ai SDK hands back the whole updated list). Those
   * before `from` are unchanged and not rewritten, so a turn writes only what it added.
   */
  saveMessages(id: string, messages: UIMessage[], from?: number): Promise<void>;
  saveSummary(id: string, summary: string, upto: number): Promise<void>;
  deleteSession(id: string): Promise<void>;
  /**
   * The runs of the answer that `traceId` produced or continued (its metadata's `traceIds`),
   * oldest first; undefined when no stored answer names it.
   */
  answerTraceIds(
    sessionId: string,
    traceId: string,
  ): Promise<string[] | undefined>;
}

export class KnexSessionStore implements SessionStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<KnexSessionStore> {
    return new KnexSessionStore(await connect(options.database));
  }

  async createSession(session: {
    id: string;
    userRef: string;
    entityRef?: string;
    title: string;
    notesSnapshot?: string;
  }) {
    const now = new Date();
    await this.db('hermes_sessions').insert({
      id: session.id,
      user_ref: session.userRef,
      entity_ref: session.entityRef ?? null,
      title: session.title.slice(0, 255),
      notes_snapshot: session.notesSnapshot || null,
      created_at: now,
      updated_at: now,
    });
  }

  private toSummary(row: SessionRow): SessionSummary {
    return {
      id: row.id,
      userRef: row.user_ref,
      ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
      title: row.title,
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
    };
  }

  async getSession(id: string) {
    const row = await this.db<SessionRow>('hermes_sessions')
      .where({ id })
      .first();
    if (!row) return undefined;
    const messages = await this.db<MessageRow>('hermes_session_messages')
      .where({ session_id: id })
      .orderBy('position');
    return {
      ...this.toSummary(row),
      messages: messages.map(m => JSON.parse(m.message) as UIMessage),
      ...(row.notes_snapshot ? { notesSnapshot: row.notes_snapshot } : {}),
      ...(row.summary
        ? { summary: row.summary, summaryUpto: row.summary_upto ?? 0 }
        : {}),
    };
  }

  async listSessions(userRef: string, filter: { entityRef?: string } = {}) {
    const query = this.db<SessionRow>('hermes_sessions')
      .where({ user_ref: userRef })
      .orderBy('updated_at', 'desc');
    if (filter.entityRef) query.where({ entity_ref: filter.entityRef });
    const rows = await query;
    return rows.map(row => this.toSummary(row));
  }

  async saveMessages(id: string, messages: UIMessage[], from = 0) {
    await this.db.transaction(async tx => {
      await tx('hermes_session_messages')
        .where({ session_id: id })
        .andWhere('position', '>=', from)
        .delete();
      const rows = messages.slice(from).map((message, i) => ({
        session_id: id,
        position: from + i,
        role: message.role,
        message: JSON.stringify(message),
      }));
      for (let i = 0; i < rows.length; i += 100)
        await tx('hermes_session_messages').insert(rows.slice(i, i + 100));
      await tx('hermes_sessions')
        .where({ id })
        .update({ updated_at: new Date() });
    });
  }

  async saveSummary(id: string, summary: string, upto: number) {
    await this.db('hermes_sessions')
      .where({ id })
      .update({ summary, summary_upto: upto });
  }

  async deleteSession(id: string) {
    await this.db('hermes_sessions').where({ id }).delete();
  }

  async answerTraceIds(sessionId: string, traceId: string) {
    // Trace ids are UUIDs the server made; the text match only narrows the rows to parse.
    if (!/^[0-9a-f-]{36}$/i.test(traceId)) return undefined;
    const rows = await this.db<MessageRow>('hermes_session_messages')
      .where({ session_id: sessionId, role: 'assistant' })
      .andWhere('message', 'like', `%${traceId}%`)
      .orderBy('position', 'desc');
    for (const row of rows) {
      const { metadata } = JSON.parse(row.message) as UIMessage;
      const { traceId: newest, traceIds } = (metadata ?? {}) as {
        traceId?: string;
        traceIds?: string[];
      };
      // Answers stored before an answer kept its list of runs name only their newest.
      const ids = Array.isArray(traceIds) ? traceIds : [newest];
      if (ids.includes(traceId)) return ids as string[];
    }
    return undefined;
  }
}
