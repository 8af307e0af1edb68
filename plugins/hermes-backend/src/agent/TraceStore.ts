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
  setFeedback(
    id: string,
    feedback: { rating: 'up' | 'down'; comment?: string },
  ): Promise<void>;
}

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
    if (!row) return undefined;
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
}
