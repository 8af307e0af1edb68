import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  DeliveryChannelType,
  DeliveryRecord,
  TaskReport,
} from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { toIso } from '../database/dates';
import { connect } from '../database/migrations';
import { DeliveryRow } from './tables';

/** A delivery as stored: the record the API shows, plus whom it belongs to. */
export interface Delivery extends DeliveryRecord {
  type: DeliveryChannelType;
  taskId: string;
  owner: string;
  entityRef?: string;
}

/** A delivery about to be sent: with its report. */
export interface DueDelivery extends Delivery {
  report: TaskReport;
}

export interface NewDelivery {
  id: string;
  runId: string;
  taskId: string;
  owner: string;
  entityRef?: string;
  channel: string;
  type: DeliveryChannelType;
  report: TaskReport;
}

/** How one attempt ended. */
export type AttemptOutcome =
  | { status: 'sent'; messageId?: string }
  | { status: 'failed'; error: string; nextAttemptAt: Date }
  | { status: 'dead'; error: string };

/**
 * The outbox table. Every change of state is a conditional update, so concurrent workers
 * (threads of one drain, or several replicas) agree on who owns a row without locks.
 */
export interface DeliveryStore {
  /** Queues the rows at `now` in one statement; a (run, channel) already there is kept as it is. */
  enqueue(rows: NewDelivery[], now: Date): Promise<void>;
  get(id: string): Promise<Delivery | undefined>;
  /** The deliveries of these runs, oldest first. */
  listForRuns(runIds: string[]): Promise<Delivery[]>;
  /** The channels that have a row due at `now` (queued or failed and due, or a lapsed lease). */
  dueChannels(now: Date): Promise<string[]>;
  /** Up to `limit` rows of one channel due at `now`, longest waiting first. */
  due(channel: string, now: Date, limit: number): Promise<DueDelivery[]>;
  /**
   * Takes a due row for one attempt (`sending`, attempts + 1, leased until `leaseUntil`).
   * True only for the caller whose update matched: the row must still be due and still have
   * the attempts the caller saw, so of two racing claims one wins.
   */
  claim(
    id: string,
    seenAttempts: number,
    now: Date,
    leaseUntil: Date,
  ): Promise<boolean>;
  /**
   * Records how attempt number `attempt` ended. False when the row is no longer that attempt's
   * (its lease lapsed and another worker took it over): the outcome is then not written.
   */
  complete(
    id: string,
    attempt: number,
    outcome: AttemptOutcome,
    now: Date,
  ): Promise<boolean>;
  /** A failed or dead row queued again at `now`, attempts kept; false when it was neither. */
  requeue(id: string, now: Date): Promise<boolean>;
  /**
   * The first time after `after` that a row falls due (a retry time or a lease running out);
   * undefined when none will.
   */
  nextDue(after: Date): Promise<Date | undefined>;
  /**
   * Retention: deletes rows that were sent or went dead before `cutoff` and returns how many.
   * A row still on its way (queued, sending, failed and waiting to retry) is never deleted.
   */
  deleteDeliveriesBefore(cutoff: Date): Promise<number>;
}

const RETRYABLE = ['queued', 'failed'];
const LIST_COLUMNS = [
  'id',
  'run_id',
  'task_id',
  'owner',
  'entity_ref',
  'channel',
  'channel_type',
  'status',
  'attempts',
  'last_error',
  'next_attempt_at',
  'sent_at',
  'message_id',
];
// Keeps `where in` lists under every database's limit on bound parameters.
const CHUNK = 500;
const FINISHED = ['sent', 'dead'];
// Rows per delete statement: each stays short, so a first clean-up of a large outbox does not
// hold locks the senders wait on.
const DELETE_BATCH = 500;

export class KnexDeliveryStore implements DeliveryStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<KnexDeliveryStore> {
    return new KnexDeliveryStore(await connect(options.database));
  }

  async enqueue(rows: NewDelivery[], now: Date) {
    if (rows.length === 0) return;
    // One multi-row INSERT is atomic on both databases: all channels of a run or none.
    await this.db<DeliveryRow>('hermes_deliveries')
      .insert(
        rows.map(row => ({
          id: row.id,
          run_id: row.runId,
          task_id: row.taskId,
          owner: row.owner,
          entity_ref: row.entityRef ?? null,
          channel: row.channel,
          channel_type: row.type,
          status: 'queued' as const,
          attempts: 0,
          next_attempt_at: now,
          report: JSON.stringify(row.report),
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict(['run_id', 'channel'])
      .ignore();
  }

  async get(id: string) {
    const row: DeliveryRow | undefined = await this.db('hermes_deliveries')
      .select(LIST_COLUMNS)
      .where({ id })
      .first();
    return row ? toDelivery(row) : undefined;
  }

  async listForRuns(runIds: string[]) {
    const result: Delivery[] = [];
    for (let i = 0; i < runIds.length; i += CHUNK) {
      const rows: DeliveryRow[] = await this.db('hermes_deliveries')
        .select(LIST_COLUMNS)
        .whereIn('run_id', runIds.slice(i, i + CHUNK))
        .orderBy([{ column: 'created_at' }, { column: 'channel' }]);
      result.push(...rows.map(toDelivery));
    }
    return result;
  }

  private whereDue(query: Knex.QueryBuilder, now: Date) {
    return query.where(q =>
      q
        .where(r =>
          r.whereIn('status', RETRYABLE).andWhere('next_attempt_at', '<=', now),
        )
        .orWhere(r =>
          r.where('status', 'sending').andWhere('lease_until', '<', now),
        ),
    );
  }

  async dueChannels(now: Date) {
    const rows: Array<{ channel: string }> = await this.whereDue(
      this.db('hermes_deliveries').distinct('channel'),
      now,
    );
    return rows.map(r => r.channel);
  }

  async due(channel: string, now: Date, limit: number) {
    const rows: DeliveryRow[] = await this.whereDue(
      this.db('hermes_deliveries').where({ channel }),
      now,
    )
      .orderBy('next_attempt_at')
      .limit(limit);
    return rows.map(row => ({
      ...toDelivery(row),
      report: JSON.parse(row.report) as TaskReport,
    }));
  }

  async claim(id: string, seenAttempts: number, now: Date, leaseUntil: Date) {
    const changed = await this.whereDue(
      this.db('hermes_deliveries').where({ id, attempts: seenAttempts }),
      now,
    ).update({
      status: 'sending',
      attempts: seenAttempts + 1,
      lease_until: leaseUntil,
      updated_at: now,
    });
    return changed === 1;
  }

  async complete(
    id: string,
    attempt: number,
    outcome: AttemptOutcome,
    now: Date,
  ) {
    const changes: Partial<DeliveryRow> = {
      status: outcome.status,
      lease_until: null,
      updated_at: now,
    };
    if (outcome.status === 'sent') {
      changes.sent_at = now;
      changes.message_id = outcome.messageId ?? null;
      changes.last_error = null;
    } else {
      changes.last_error = outcome.error;
      if (outcome.status === 'failed')
        changes.next_attempt_at = outcome.nextAttemptAt;
    }
    const changed = await this.db<DeliveryRow>('hermes_deliveries')
      .where({ id, status: 'sending', attempts: attempt })
      .update(changes);
    return changed === 1;
  }

  async requeue(id: string, now: Date) {
    const changed = await this.db<DeliveryRow>('hermes_deliveries')
      .where({ id })
      .whereIn('status', ['failed', 'dead'])
      .update({
        status: 'queued',
        next_attempt_at: now,
        lease_until: null,
        updated_at: now,
      });
    return changed === 1;
  }

  async nextDue(after: Date) {
    const [waiting, leased] = await Promise.all([
      this.db('hermes_deliveries')
        .whereIn('status', RETRYABLE)
        .where('next_attempt_at', '>', after)
        .min({ at: 'next_attempt_at' })
        .first(),
      this.db('hermes_deliveries')
        .where('status', 'sending')
        .where('lease_until', '>', after)
        .min({ at: 'lease_until' })
        .first(),
    ]);
    const times = [waiting?.at, leased?.at]
      .filter(t => t !== null && t !== undefined)
      .map(t => new Date(t).getTime());
    return times.length ? new Date(Math.min(...times)) : undefined;
  }

  async deleteDeliveriesBefore(cutoff: Date) {
    // The status is checked again by the delete itself: a dead row requeued after its batch
    // was chosen is on its way again and stays.
    const older = (q: Knex.QueryBuilder) =>
      q.whereIn('status', FINISHED).where('updated_at', '<', cutoff);
    let deleted = 0;
    for (;;) {
      const batch = older(this.db('hermes_deliveries').select('id')).limit(
        DELETE_BATCH,
      );
      const n = await older(
        this.db('hermes_deliveries').whereIn('id', batch),
      ).delete();
      deleted += n;
      if (n < DELETE_BATCH) return deleted;
    }
  }
}

function toDelivery(row: DeliveryRow): Delivery {
  const waiting = row.status === 'queued' || row.status === 'failed';
  return {
    id: row.id,
    runId: row.run_id,
    taskId: row.task_id,
    owner: row.owner,
    entityRef: row.entity_ref ?? undefined,
    channel: row.channel,
    type: row.channel_type,
    status: row.status,
    attempts: Number(row.attempts),
    lastError: row.last_error ?? undefined,
    nextAttemptAt: waiting ? toIso(row.next_attempt_at) : undefined,
    sentAt: toIso(row.sent_at),
    messageId: row.message_id ?? undefined,
  };
}
