import {
  DatabaseService,
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  DeliveryChannelInfo,
  DeliveryRecord,
} from '@hermes-backstage/plugin-hermes-common';
import { randomUUID } from 'node:crypto';
import { backoffMs, readRetryPolicy, RetryPolicy } from './backoff';
import { readChannels } from './channels';
import { Channel, DeliveryError } from './channels/types';
import { DeliveryService, OutgoingReport } from './DeliveryService';
import {
  AttemptOutcome,
  Delivery,
  DeliveryStore,
  DueDelivery,
  KnexDeliveryStore,
} from './DeliveryStore';
import {
  forEachLimited,
  secretMasker,
  tellOwner,
  unconfigured,
} from './sending';
import { withDeadline } from './channels/http';

/** Sends at once to one channel: enough to drain a backlog, few enough not to trip rate limits. */
const PER_CHANNEL = 4;
/** Rows of one channel read per round. */
const BATCH = 16;
/**
 * One send may make several requests (a long report is split into several messages), each
 * with the channel's timeout; past this the attempt counts as failed.
 */
const REQUESTS_PER_SEND = 4;
/** A claim outlives the send's deadline by this much before another worker may take over. */
const LEASE_MARGIN_MS = 30_000;
/** How long a channel's worker rests after the database failed under it. */
const PAUSE_AFTER_ERROR_MS = 5_000;
/** How often the scheduled worker runs, and the longest this process sleeps with work waiting. */
const FREQUENCY_SECONDS = 10;

/** The outbox behind `DeliveryService`: see that interface for the contract. */
export class DefaultDeliveryService implements DeliveryService {
  /** Per channel, the time before which this process sends nothing more (a 429's retry time). */
  private readonly blockedUntil = new Map<string, number>();
  private readonly sendDeadlineMs: number;
  private running?: Promise<void>;
  private again = false;
  private wake?: NodeJS.Timeout;
  /** Wakes a running drain that waits for its channels: new rows were queued. */
  private poke?: () => void;
  private closed = false;

  private constructor(
    private readonly store: DeliveryStore,
    private readonly channelMap: Map<string, Channel>,
    private readonly policy: RetryPolicy,
    private readonly logger: LoggerService,
    private readonly notifications: NotificationService,
    private readonly clock: () => Date,
    private readonly mask: (text: string) => string,
  ) {
    this.sendDeadlineMs = policy.timeoutMs * REQUESTS_PER_SEND;
  }

  static async create(options: {
    config: Config;
    database: DatabaseService;
    logger: LoggerService;
    notifications: NotificationService;
    /** Defaults to the channels under `hermes.delivery.channels`. */
    channels?: Map<string, Channel>;
    clock?: () => Date;
    /** When given, the worker stops with the backend. */
    lifecycle?: LifecycleService;
  }): Promise<DefaultDeliveryService> {
    const policy = readRetryPolicy(options.config);
    const channels =
      options.channels ??
      readChannels(options.config, {
        notifications: options.notifications,
        timeoutMs: policy.timeoutMs,
      });
    const service = new DefaultDeliveryService(
      await KnexDeliveryStore.create({ database: options.database }),
      channels,
      policy,
      options.logger,
      options.notifications,
      options.clock ?? (() => new Date()),
      secretMasker(options.config),
    );
    options.lifecycle?.addShutdownHook(() => service.close());
    return service;
  }

  channels(): DeliveryChannelInfo[] {
    return [...this.channelMap].map(([name, channel]) => ({
      name,
      type: channel.type,
    }));
  }

  async checkChannels(): Promise<DeliveryChannelInfo[]> {
    return Promise.all(
      this.channels().map(async info => {
        const check = this.channelMap.get(info.name)?.check;
        if (!check) return info;
        try {
          await withDeadline(
            check.call(this.channelMap.get(info.name)),
            this.policy.timeoutMs,
          );
          return { ...info, reachable: true };
        } catch (error) {
          return { ...info, reachable: false, detail: this.errorText(error) };
        }
      }),
    );
  }

  assertChannels(names: string[]): void {
    const unknown = [...new Set(names)].filter(n => !this.channelMap.has(n));
    if (unknown.length === 0) return;
    const configured = [...this.channelMap.keys()];
    throw new InputError(
      `Unknown delivery channel${unknown.length > 1 ? 's' : ''} ${unknown
        .map(n => `"${n}"`)
        .join(', ')}; ${
        configured.length
          ? `configured: ${configured.join(', ')}`
          : 'no channel is configured under hermes.delivery.channels'
      }`,
    );
  }

  async enqueue(
    outgoing: OutgoingReport,
    channels: string[],
  ): Promise<DeliveryRecord[]> {
    const names = [...new Set(channels)];
    this.assertChannels(names);
    if (names.length === 0) return [];
    await this.store.enqueue(
      names.map(channel => ({
        id: randomUUID(),
        runId: outgoing.runId,
        taskId: outgoing.taskId,
        owner: outgoing.owner,
        entityRef: outgoing.entityRef,
        channel,
        type: this.channelMap.get(channel)!.type,
        report: outgoing.report,
      })),
      this.clock(),
    );
    const queued = (await this.store.listForRuns([outgoing.runId])).filter(d =>
      names.includes(d.channel),
    );
    this.kick();
    return queued.map(toRecord);
  }

  async listForRuns(runIds: string[]) {
    const byRun = new Map<string, DeliveryRecord[]>(runIds.map(id => [id, []]));
    for (const delivery of await this.store.listForRuns([...new Set(runIds)]))
      byRun.get(delivery.runId)?.push(toRecord(delivery));
    return byRun;
  }

  async get(id: string) {
    const delivery = await this.store.get(id);
    return delivery
      ? {
          ...toRecord(delivery),
          taskId: delivery.taskId,
          owner: delivery.owner,
        }
      : undefined;
  }

  async retry(id: string): Promise<DeliveryRecord> {
    const delivery = await this.store.get(id);
    if (!delivery) throw new NotFoundError(`No delivery with id ${id}`);
    if (delivery.status === 'queued') return toRecord(delivery);
    if (delivery.status === 'sent' || delivery.status === 'sending')
      throw new ConflictError(
        delivery.status === 'sent'
          ? `Delivery ${id} to ${delivery.channel} was already sent at ${delivery.sentAt}`
          : `Delivery ${id} to ${delivery.channel} is being sent now`,
      );
    if (!(await this.store.requeue(id, this.clock())))
      throw new ConflictError(
        `Delivery ${id} to ${delivery.channel} changed while it was being retried; reload it`,
      );
    this.kick();
    return toRecord((await this.store.get(id))!);
  }

  async start(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: 'hermes-delivery-outbox',
      scope: 'global',
      frequency: { seconds: FREQUENCY_SECONDS },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 5 },
      fn: () => this.drain(),
    });
    // What a previous process left queued goes out now, not at the first tick.
    this.kick();
  }

  drain(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      // Rows queued while a drain runs are picked up by that drain before it returns.
      this.again = true;
      this.poke?.();
      return this.running;
    }
    this.running = this.drainUntilIdle().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops this process's worker: no new attempt starts; returns when the current ones ended. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.wake);
    await this.running?.catch(() => {});
  }

  private kick() {
    this.drain().catch(error =>
      this.logger.error(
        `Delivery outbox: drain failed: ${this.errorText(error)}`,
      ),
    );
  }

  private isBlocked(channel: string, now: Date) {
    return (this.blockedUntil.get(channel) ?? 0) > now.getTime();
  }

  /**
   * Runs one worker per channel with rows due, each independent of the others (a channel
   * held by a rate limit or a slow platform does not hold up the rest), and starts more as
   * rows fall due or limits lapse, until nothing is due or being sent in this process.
   */
  private async drainUntilIdle() {
    const active = new Map<string, Promise<void>>();
    let now = this.clock();
    for (;;) {
      this.again = false;
      now = this.clock();
      if (!this.closed)
        for (const name of await this.store.dueChannels(now))
          if (!active.has(name) && !this.isBlocked(name, now))
            active.set(
              name,
              this.drainChannel(name).finally(() => active.delete(name)),
            );
      if (active.size === 0 && (!this.again || this.closed)) break;
      const wakeAt = await this.nextWake(now);
      // Wait for a worker to finish, new rows (poke), or the next due time, at most 1 s.
      const delay = Math.min((wakeAt ?? Infinity) - now.getTime(), 1_000);
      await new Promise<void>(resolve => {
        let timer: NodeJS.Timeout | undefined = undefined;
        const done = () => {
          clearTimeout(timer);
          this.poke = undefined;
          resolve();
        };
        timer = setTimeout(done, Math.max(5, delay));
        this.poke = done;
        for (const worker of active.values()) worker.then(done);
        if (this.again) done();
      });
    }
    // From the time of the last look: a row due since then was not seen, so it must count.
    await this.scheduleWake(now);
    // Rows queued while the wake-up was being set (a retry, a new run) found this drain
    // still running and only raised `again`: go round once more rather than lose them.
    if (this.again && !this.closed) await this.drainUntilIdle();
  }

  private async drainChannel(name: string) {
    const channel = this.channelMap.get(name) ?? unconfigured(name);
    try {
      for (;;) {
        const now = this.clock();
        if (this.closed || this.isBlocked(name, now)) return;
        const rows = await this.store.due(name, now, BATCH);
        if (rows.length === 0) return;
        await forEachLimited(rows, PER_CHANNEL, row =>
          this.attempt(channel, row),
        );
      }
    } catch (error) {
      // The database failed under this channel's worker: pause it rather than spin.
      this.blockedUntil.set(
        name,
        this.clock().getTime() + PAUSE_AFTER_ERROR_MS,
      );
      this.logger.error(
        `Delivery outbox: sending to ${name} failed: ${this.errorText(error)}`,
      );
    }
  }

  private async attempt(channel: Channel, row: DueDelivery) {
    const now = this.clock();
    if (this.closed || this.isBlocked(channel.name, now)) return;
    const attempt = row.attempts + 1;
    const leaseUntil = new Date(
      now.getTime() + this.sendDeadlineMs + LEASE_MARGIN_MS,
    );
    if (!(await this.store.claim(row.id, row.attempts, now, leaseUntil)))
      return; // another worker has it
    let outcome: AttemptOutcome;
    try {
      const { messageId } = await withDeadline(
        channel.send({
          deliveryId: row.id,
          report: row.report,
          entityRef: row.entityRef,
          owner: row.owner,
        }),
        this.sendDeadlineMs,
      );
      outcome = { status: 'sent', messageId };
    } catch (error) {
      outcome = this.failure(channel.name, attempt, error);
    }
    if (!(await this.store.complete(row.id, attempt, outcome, this.clock()))) {
      this.logger.warn(
        `Delivery ${row.id} to ${channel.name}: attempt ${attempt} ended after its claim ran out; another worker took it over`,
      );
      return;
    }
    if (outcome.status === 'failed')
      this.logger.warn(
        `Delivery ${row.id} to ${channel.name}: attempt ${attempt} failed (${
          outcome.error
        }); next attempt at ${outcome.nextAttemptAt.toISOString()}`,
      );
    if (outcome.status === 'dead')
      await tellOwner({
        notifications: this.notifications,
        logger: this.logger,
        channel,
        delivery: row,
        attempts: attempt,
        error: outcome.error,
        mask: this.mask,
      });
  }

  private failure(
    channel: string,
    attempt: number,
    error: unknown,
  ): AttemptOutcome {
    const text = this.errorText(error);
    // Anything but a DeliveryError is unexpected (a network error, a bug): worth another try.
    const { retryable, retryAfterMs } =
      error instanceof DeliveryError
        ? error.options
        : { retryable: true, retryAfterMs: undefined };
    const now = this.clock().getTime();
    if (retryAfterMs !== undefined && retryAfterMs > 0)
      this.blockedUntil.set(
        channel,
        Math.max(this.blockedUntil.get(channel) ?? 0, now + retryAfterMs),
      );
    if (!retryable || attempt >= this.policy.maxAttempts)
      return { status: 'dead', error: text };
    const wait = Math.max(backoffMs(attempt, this.policy), retryAfterMs ?? 0);
    return {
      status: 'failed',
      error: text,
      nextAttemptAt: new Date(now + wait),
    };
  }

  /** When something next falls due here: a retry time, a lapsing lease or rate limit. */
  private async nextWake(now: Date): Promise<number | undefined> {
    const times = [...this.blockedUntil.values()].filter(
      t => t > now.getTime(),
    );
    const next = await this.store.nextDue(now);
    if (next) times.push(next.getTime());
    return times.length ? Math.min(...times) : undefined;
  }

  /** Wakes this process when the next row falls due sooner than the scheduler's next tick. */
  private async scheduleWake(lastLook: Date) {
    if (this.closed) return;
    const wakeAt = await this.nextWake(lastLook);
    if (wakeAt === undefined) return;
    const delay = Math.min(
      wakeAt - this.clock().getTime(),
      FREQUENCY_SECONDS * 1000,
    );
    clearTimeout(this.wake);
    this.wake = setTimeout(() => this.kick(), Math.max(delay, 5));
    this.wake.unref();
  }

  private errorText(error: unknown) {
    return this.mask(error instanceof Error ? error.message : String(error));
  }
}

function toRecord(delivery: Delivery): DeliveryRecord {
  const { taskId, owner, entityRef, ...record } = delivery;
  return record;
}
