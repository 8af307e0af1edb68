import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { toIso } from '../database/dates';
import { connect } from '../database/migrations';
import { TraceRow } from './tables';
import type { ToolRun } from './toolset';

export type TraceOutcome =
  | 'answered'
  | 'awaiting-approval'
  | 'error'
  | 'timeout';

/** One agent run: the input of the learning loop. */
export interface Trace {
  id: string;
  sessionId?: string;
  userRef: string;
  entityRef?: string;
  goal: string;
  model?: string;
  outcome: TraceOutcome;
  error?: string;
  steps: number;
  toolCalls: ToolRun[];
  skillsUsed: string[];
  inputTokens?: number;
  outputTokens?: number;
  durationMs?: number;
  feedback?: 'up' | 'down';
  feedbackComment?: string;
  startedAt: string;
  finishedAt?: string;
}

export interface TraceStore {
  /** Stores a finished run (written once, when its answer has been streamed). */
  record(
    trace: Omit<
      Trace,
      | 'outcome'
      | 'durationMs'
      | 'feedback'
      | 'feedbackComment'
      | 'startedAt'
      | 'finishedAt'
    > & { outcome: TraceOutcome; startedAt: Date },
  ): Promise<void>;
  get(id: string): Promise<Trace | undefined>;
  /** Runs recorded (finished) after `since`, newest first, at most `limit`. */
  list(options: { since?: Date; limit: number }): Promise<Trace[]>;
  /** How many runs were recorded (finished) after `since`. */
  count(options: { since?: Date }): Promise<number>;
  setFeedback(
    id: string,
    feedback: { rating: 'up' | 'down'; comment?: string },
  ): Promise<void>;
  /**
   * Retention: deletes the traces of turns that finished before `cutoff`, their feedback with
   * them, and returns how many. Their conversations are not touched.
   */
  deleteTracesBefore(cutoff: Date): Promise<number>;
}

// Rows per delete statement: each stays short, so a first clean-up of a large table does not
// hold locks for long or fill the write-ahead log in one go.
const DELETE_BATCH = 500;

export class KnexTraceStore implements TraceStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<KnexTraceStore> {
    return new KnexTraceStore(await connect(options.database));
  }

  async record(trace: Parameters<TraceStore['record']>[0]) {
    const finishedAt = new Date();
    await this.db('hermes_agent_traces').insert({
      id: trace.id,
      session_id: trace.sessionId ?? null,
      user_ref: trace.userRef,
      entity_ref: trace.entityRef ?? null,
      goal: trace.goal,
      model: trace.model ?? null,
      outcome: trace.outcome,
      error: trace.error ?? null,
      steps: trace.steps,
      tool_calls: JSON.stringify(trace.toolCalls),
      skills_used: JSON.stringify(trace.skillsUsed),
      input_tokens: trace.inputTokens ?? null,
      output_tokens: trace.outputTokens ?? null,
      started_at: trace.startedAt,
      finished_at: finishedAt,
      duration_ms: finishedAt.getTime() - trace.startedAt.getTime(),
    });
  }

  async get(id: string): Promise<Trace | undefined> {
    const row = await this.db<TraceRow>('hermes_agent_traces')
      .where({ id })
      .first();
    return row && traceFromRow(row);
  }

  async list(options: { since?: Date; limit: number }): Promise<Trace[]> {
    const query = this.db<TraceRow>('hermes_agent_traces')
      .orderBy('finished_at', 'desc')
      .orderBy('id', 'asc')
      .limit(options.limit);
    if (options.since) query.where('finished_at', '>', options.since);
    return (await query).map(traceFromRow);
  }

  async count(options: { since?: Date }): Promise<number> {
    const query = this.db<TraceRow>('hermes_agent_traces');
    if (options.since) query.where('finished_at', '>', options.since);
    const [{ n }] = await query.count({ n: '*' });
    return Number(n);
  }

  async setFeedback(
    id: string,
    feedback: { rating: 'up' | 'down'; comment?: string },
  ) {
    await this.db('hermes_agent_traces')
      .where({ id })
      .update({
        feedback: feedback.rating,
        feedback_comment: feedback.comment ?? null,
      });
  }

  async deleteTracesBefore(cutoff: Date): Promise<number> {
    // `record` always sets finished_at; a row without one is judged by when it started.
    const older = (q: Knex.QueryBuilder) =>
      q.where(w =>
        w
          .where('finished_at', '<', cutoff)
          .orWhere(u =>
            u.whereNull('finished_at').andWhere('started_at', '<', cutoff),
          ),
      );
    let deleted = 0;
    for (;;) {
      const batch = older(this.db('hermes_agent_traces').select('id')).limit(
        DELETE_BATCH,
      );
      const n = await older(
        this.db('hermes_agent_traces').whereIn('id', batch),
      ).delete();
      deleted += n;
      if (n < DELETE_BATCH) return deleted;
    }
  }
}

function traceFromRow(row: TraceRow): Trace {
  return {
    id: row.id,
    sessionId: row.session_id ?? undefined,
    userRef: row.user_ref,
    entityRef: row.entity_ref ?? undefined,
    goal: row.goal,
    model: row.model ?? undefined,
    outcome: row.outcome,
    error: row.error ?? undefined,
    steps: row.steps,
    toolCalls: JSON.parse(row.tool_calls),
    skillsUsed: JSON.parse(row.skills_used),
    inputTokens: row.input_tokens ?? undefined,
    outputTokens: row.output_tokens ?? undefined,
    durationMs: row.duration_ms ?? undefined,
    feedback: row.feedback ?? undefined,
    feedbackComment: row.feedback_comment ?? undefined,
    startedAt: toIso(row.started_at),
    finishedAt: toIso(row.finished_at),
  };
}
