import { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  Reflection,
  ReflectionProposal,
} from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { toIso } from '../database/dates';
import { connect } from '../database/migrations';
import { ReflectionRow } from './tables';

const TABLE = 'hermes_learning_reflections';

// The API shapes live in common, where the frontend reads them too.
export type { Reflection, ReflectionProposal };

export type ReflectionResult = Pick<
  Reflection,
  | 'tracesRead'
  | 'findingsRead'
  | 'model'
  | 'inputTokens'
  | 'outputTokens'
  | 'proposals'
  | 'warnings'
  | 'error'
> & { status: 'completed' | 'failed' };

/** The reflections table: a log of reflections, and the mark the next one counts from. */
export interface ReflectionStore {
  /** The newest reflection with its sequence number, if any. */
  latest(): Promise<(Reflection & { sequence: number }) | undefined>;
  /**
   * Starts reflection number `sequence`; false, storing nothing, when that number is taken
   * (someone else started it first).
   */
  claim(reflection: {
    id: string;
    sequence: number;
    trigger: Reflection['trigger'];
    startedAt: Date;
    since?: Date;
    tasksCounted?: number;
  }): Promise<boolean>;
  finish(id: string, result: ReflectionResult, at: Date): Promise<void>;
  get(id: string): Promise<Reflection | undefined>;
  /** Newest first. */
  list(options?: { limit?: number }): Promise<Reflection[]>;
}

export class KnexReflectionStore implements ReflectionStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<KnexReflectionStore> {
    return new KnexReflectionStore(await connect(options.database));
  }

  async latest() {
    const row = await this.db<ReflectionRow>(TABLE)
      .orderBy('sequence', 'desc')
      .first();
    return row && { ...toReflection(row), sequence: Number(row.sequence) };
  }

  async claim(reflection: Parameters<ReflectionStore['claim']>[0]) {
    const inserted = await this.db<ReflectionRow>(TABLE)
      .insert({
        id: reflection.id,
        sequence: reflection.sequence,
        trigger: reflection.trigger,
        status: 'running',
        started_at: reflection.startedAt,
        finished_at: null,
        since: reflection.since ?? null,
        tasks_counted: reflection.tasksCounted ?? null,
        traces_read: 0,
        findings_read: 0,
        model: null,
        input_tokens: null,
        output_tokens: null,
        proposals: '[]',
        warnings: '[]',
        error: null,
      })
      .onConflict('sequence')
      .ignore()
      .returning('id');
    return inserted.length > 0;
  }

  async finish(id: string, result: ReflectionResult, at: Date) {
    await this.db<ReflectionRow>(TABLE)
      .where({ id })
      .update({
        status: result.status,
        finished_at: at,
        traces_read: result.tracesRead,
        findings_read: result.findingsRead,
        model: result.model ?? null,
        input_tokens: result.inputTokens ?? null,
        output_tokens: result.outputTokens ?? null,
        proposals: JSON.stringify(result.proposals),
        warnings: JSON.stringify(result.warnings),
        error: result.error ?? null,
      });
  }

  async get(id: string) {
    const row = await this.db<ReflectionRow>(TABLE).where({ id }).first();
    return row && toReflection(row);
  }

  async list(options: { limit?: number } = {}) {
    const rows = await this.db<ReflectionRow>(TABLE)
      .orderBy('sequence', 'desc')
      .limit(options.limit ?? 50);
    return rows.map(toReflection);
  }
}

const optionalNumber = (value: number | null) =>
  value === null ? undefined : Number(value);

function toReflection(row: ReflectionRow): Reflection {
  const reflection: Reflection = {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    startedAt: toIso(row.started_at),
    finishedAt: toIso(row.finished_at),
    since: toIso(row.since),
    tasksCounted: optionalNumber(row.tasks_counted),
    tracesRead: Number(row.traces_read),
    findingsRead: Number(row.findings_read),
    model: row.model ?? undefined,
    inputTokens: optionalNumber(row.input_tokens),
    outputTokens: optionalNumber(row.output_tokens),
    proposals: JSON.parse(row.proposals),
    warnings: JSON.parse(row.warnings),
    error: row.error ?? undefined,
  };
  // Absent rather than undefined, so API answers and test expectations stay plain.
  return Object.fromEntries(
    Object.entries(reflection).filter(([, v]) => v !== undefined),
  ) as unknown as Reflection;
}
