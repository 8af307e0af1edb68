import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  MissedRunPolicy,
  TaskKind,
  TaskReport,
  TaskRunStatus,
  TaskRunTrigger,
  TaskSource,
} from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { toIso } from '../database/dates';
import { connect } from '../database/migrations';
import { TaskRow, TaskRunRow } from './tables';

/** What the owner could read when the task was saved; a run stays inside it. */
export interface TaskScope {
  /** The owner held `hermes.drift.read` (all drift, whole audit reports). */
  driftRead: boolean;
  checkedAt: string;
}

/** A task as stored. */
export interface StoredTask {
  id: string;
  name: string;
  owner: string;
  source: TaskSource;
  kind: TaskKind;
  prompt?: string;
  audit?: string;
  entityRef?: string;
  model?: string;
  schedule: { text: string; cron: string; timezone: string };
  deliver: string[];
  enabled: boolean;
  missedRuns: MissedRunPolicy;
  /** The next due time; undefined when disabled. */
  nextRunAt?: Date;
  scope: TaskScope;
  createdAt: string;
  updatedAt: string;
}

export type NewTask = Omit<StoredTask, 'id' | 'createdAt' | 'updatedAt'>;

/** A run as stored; its deliveries live in the outbox. */
export interface StoredRun {
  id: string;
  taskId: string;
  trigger: TaskRunTrigger;
  status: TaskRunStatus;
  reason?: string;
  dueAt?: string;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  model?: string;
  tokens?: { input: number; output: number };
  report?: TaskReport;
  auditId?: string;
  sessionId?: string;
}

/** How a run ended. */
export interface RunOutcome {
  status: 'succeeded' | 'failed' | 'skipped';
  reason?: string;
  model?: string;
  tokens?: { input: number; output: number };
  report?: TaskReport;
  auditId?: string;
  sessionId?: string;
}

/** Tasks and their runs. */
export interface TaskStore {
  /** Throws a ConflictError when the name is taken. */
  create(task: NewTask): Promise<StoredTask>;
  update(id: string, task: NewTask): Promise<StoredTask>;
  delete(id: string): Promise<boolean>;
  get(id: string): Promise<StoredTask | undefined>;
  list(filter?: {
    entityRef?: string;
    source?: TaskSource;
  }): Promise<StoredTask[]>;
  /** Enabled tasks whose next due time is not after `now`. */
  due(now: Date): Promise<StoredTask[]>;
  /**
   * Moves a task's next due time from `from` to `to`; false when another replica already
   * did (so each due time is taken by one replica).
   */
  advance(id: string, from: Date, to: Date | undefined): Promise<boolean>;
  /**
   * Records a run. With status `queued`, undefined when the task already has a queued or
   * running run, or a run for that due time (another replica got there first).
   */
  addRun(run: {
    taskId: string;
    trigger: TaskRunTrigger;
    status: 'queued' | 'skipped';
    reason?: string;
    dueAt?: Date;
  }): Promise<StoredRun | undefined>;
  /** queued → running; false when another worker took it. */
  claimRun(id: string): Promise<boolean>;
  finishRun(id: string, outcome: RunOutcome): Promise<void>;
  getRun(id: string): Promise<StoredRun | undefined>;
  /** Newest first. */
  listRuns(taskId: string, limit: number): Promise<StoredRun[]>;
  /** The latest run of each task. */
  lastRuns(taskIds: string[]): Promise<Map<string, StoredRun>>;
  /** Runs waiting to be worked on, oldest first. */
  queuedRuns(): Promise<StoredRun[]>;
  /** Runs still marked running that started before `before`: their process ended with them. */
  abandonedRuns(before: Date): Promise<StoredRun[]>;
  /**
   * Retention: deletes the runs (with their reports) that finished before `cutoff` and returns
   * how many. Never a task, and never a queued or running run, however old.
   */
  deleteRunsBefore(cutoff: Date): Promise<number>;
}

const FINISHED: TaskRunStatus[] = ['succeeded', 'failed', 'skipped'];
// Rows per delete statement: each stays short, so a first clean-up of a large table does not
// hold locks for long.
const DELETE_BATCH = 500;

export class KnexTaskStore implements TaskStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<KnexTaskStore> {
    return new KnexTaskStore(await connect(options.database));
  }

  async create(task: NewTask): Promise<StoredTask> {
    const id = randomUUID();
    const now = new Date();
    if (await this.db('hermes_tasks').where({ name: task.name }).first())
      throw new ConflictError(`A task named "${task.name}" exists already`);
    try {
      await this.db('hermes_tasks').insert({
        id,
        ...toRow(task),
        created_at: now,
        updated_at: now,
      });
    } catch (error) {
      // Two requests racing for one name: the unique index decides.
      if (await this.db('hermes_tasks').where({ name: task.name }).first())
        throw new ConflictError(`A task named "${task.name}" exists already`);
      throw error;
    }
    return (await this.get(id))!;
  }

  async update(id: string, task: NewTask): Promise<StoredTask> {
    const clash = await this.db('hermes_tasks')
      .where({ name: task.name })
      .whereNot({ id })
      .first();
    if (clash)
      throw new ConflictError(`A task named "${task.name}" exists already`);
    await this.db('hermes_tasks')
      .where({ id })
      .update({ ...toRow(task), updated_at: new Date() });
    return (await this.get(id))!;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db('hermes_tasks').where({ id }).delete()) > 0;
  }

  async get(id: string): Promise<StoredTask | undefined> {
    const row = await this.db<TaskRow>('hermes_tasks').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async list(
    filter: { entityRef?: string; source?: TaskSource } = {},
  ): Promise<StoredTask[]> {
    const query = this.db<TaskRow>('hermes_tasks').orderBy('name');
    if (filter.entityRef) query.where({ entity_ref: filter.entityRef });
    if (filter.source) query.where({ source: filter.source });
    return (await query).map(fromRow);
  }

  async due(now: Date): Promise<StoredTask[]> {
    const rows = await this.db<TaskRow>('hermes_tasks')
      .where({ enabled: true })
      .whereNotNull('next_run_at')
      .where('next_run_at', '<=', now)
      .orderBy('next_run_at');
    return rows.map(fromRow);
  }

  async advance(id: string, from: Date, to: Date | undefined) {
    const changed = await this.db('hermes_tasks')
      .where({ id, next_run_at: from })
      .update({ next_run_at: to ?? null });
    return changed > 0;
  }

  async addRun(run: {
    taskId: string;
    trigger: TaskRunTrigger;
    status: 'queued' | 'skipped';
    reason?: string;
    dueAt?: Date;
  }): Promise<StoredRun | undefined> {
    const id = randomUUID();
    const now = new Date();
    const inserted = await this.db('hermes_task_runs')
      .insert({
        id,
        task_id: run.taskId,
        trigger: run.trigger,
        status: run.status,
        reason: run.reason ?? null,
        due_at: run.dueAt ?? null,
        queued_at: now,
        started_at: run.status === 'skipped' ? now : null,
        finished_at: run.status === 'skipped' ? now : null,
      })
      // The unique indexes (one active run per task, one run per due time) decide races.
      .onConflict()
      .ignore()
      .returning('id');
    return inserted.length ? this.getRun(id) : undefined;
  }

  async claimRun(id: string): Promise<boolean> {
    const changed = await this.db('hermes_task_runs')
      .where({ id, status: 'queued' })
      .update({ status: 'running', started_at: new Date() });
    return changed > 0;
  }

  async finishRun(id: string, outcome: RunOutcome): Promise<void> {
    await this.db('hermes_task_runs')
      .where({ id })
      .update({
        status: outcome.status,
        reason: outcome.reason ?? null,
        model: outcome.model ?? null,
        input_tokens: outcome.tokens?.input ?? null,
        output_tokens: outcome.tokens?.output ?? null,
        report: outcome.report ? JSON.stringify(outcome.report) : null,
        audit_id: outcome.auditId ?? null,
        session_id: outcome.sessionId ?? null,
        finished_at: new Date(),
      });
  }

  async getRun(id: string): Promise<StoredRun | undefined> {
    const row = await this.db<TaskRunRow>('hermes_task_runs')
      .where({ id })
      .first();
    return row ? runFromRow(row) : undefined;
  }

  async listRuns(taskId: string, limit: number): Promise<StoredRun[]> {
    const rows = await this.db<TaskRunRow>('hermes_task_runs')
      .where({ task_id: taskId })
      .orderBy([
        { column: 'queued_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(runFromRow);
  }

  async lastRuns(taskIds: string[]): Promise<Map<string, StoredRun>> {
    if (!taskIds.length) return new Map();
    const latest = this.db('hermes_task_runs')
      .select('task_id')
      .max('queued_at as queued_at')
      .whereIn('task_id', taskIds)
      .groupBy('task_id')
      .as('latest');
    const rows = await this.db<TaskRunRow>('hermes_task_runs as r')
      .join(latest, function on() {
        this.on('r.task_id', '=', 'latest.task_id').andOn(
          'r.queued_at',
          '=',
          'latest.queued_at',
        );
      })
      .select('r.*');
    return new Map(rows.map(row => [row.task_id, runFromRow(row)]));
  }

  async queuedRuns(): Promise<StoredRun[]> {
    const rows = await this.db<TaskRunRow>('hermes_task_runs')
      .where({ status: 'queued' })
      .orderBy('queued_at');
    return rows.map(runFromRow);
  }

  async abandonedRuns(before: Date): Promise<StoredRun[]> {
    const rows = await this.db<TaskRunRow>('hermes_task_runs')
      .where({ status: 'running' })
      .where('started_at', '<', before);
    return rows.map(runFromRow);
  }

  async deleteRunsBefore(cutoff: Date): Promise<number> {
    // Repeated on the delete itself, so a row that changed since the batch was chosen is judged
    // again as it is now.
    const older = (q: Knex.QueryBuilder) =>
      q.whereIn('status', FINISHED).where('finished_at', '<', cutoff);
    let deleted = 0;
    for (;;) {
      const batch = older(this.db('hermes_task_runs').select('id')).limit(
        DELETE_BATCH,
      );
      const n = await older(
        this.db('hermes_task_runs').whereIn('id', batch),
      ).delete();
      deleted += n;
      if (n < DELETE_BATCH) return deleted;
    }
  }
}

function toRow(task: NewTask) {
  return {
    name: task.name,
    owner: task.owner,
    source: task.source,
    kind: task.kind,
    prompt: task.prompt ?? null,
    audit: task.audit ?? null,
    entity_ref: task.entityRef ?? null,
    model: task.model ?? null,
    schedule_text: task.schedule.text,
    schedule_cron: task.schedule.cron,
    timezone: task.schedule.timezone,
    deliver: JSON.stringify(task.deliver),
    enabled: task.enabled,
    missed_runs: task.missedRuns,
    next_run_at: task.nextRunAt ?? null,
    scope: JSON.stringify(task.scope),
  };
}

function fromRow(row: TaskRow): StoredTask {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    source: row.source as TaskSource,
    kind: row.kind as TaskKind,
    prompt: row.prompt ?? undefined,
    audit: row.audit ?? undefined,
    entityRef: row.entity_ref ?? undefined,
    model: row.model ?? undefined,
    schedule: {
      text: row.schedule_text,
      cron: row.schedule_cron,
      timezone: row.timezone,
    },
    deliver: JSON.parse(row.deliver),
    enabled: Boolean(row.enabled),
    missedRuns: row.missed_runs as MissedRunPolicy,
    nextRunAt: row.next_run_at ? new Date(row.next_run_at) : undefined,
    scope: JSON.parse(row.scope),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

function runFromRow(row: TaskRunRow): StoredRun {
  return {
    id: row.id,
    taskId: row.task_id,
    trigger: row.trigger as TaskRunTrigger,
    status: row.status as TaskRunStatus,
    reason: row.reason ?? undefined,
    dueAt: toIso(row.due_at),
    queuedAt: toIso(row.queued_at),
    startedAt: toIso(row.started_at),
    finishedAt: toIso(row.finished_at),
    model: row.model ?? undefined,
    tokens:
      row.input_tokens === null && row.output_tokens === null
        ? undefined
        : { input: row.input_tokens ?? 0, output: row.output_tokens ?? 0 },
    report: row.report ? JSON.parse(row.report) : undefined,
    auditId: row.audit_id ?? undefined,
    sessionId: row.session_id ?? undefined,
  };
}
