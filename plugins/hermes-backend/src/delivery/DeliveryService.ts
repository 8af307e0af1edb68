import { SchedulerService } from '@backstage/backend-plugin-api';
import {
  DeliveryChannelInfo,
  DeliveryRecord,
  TaskReport,
} from '@hermes-backstage/plugin-hermes-common';

/** What a task run hands to the outbox: the report, and who to tell when a channel gives up. */
export interface OutgoingReport {
  runId: string;
  taskId: string;
  /** Entity ref of the task's owner: told when a delivery is dead. */
  owner: string;
  /** The task's entity, for `notifications` channels with `owners: true`. */
  entityRef?: string;
  report: TaskReport;
}

/**
 * The delivery outbox: one row per (run, channel), sent by a worker on Backstage's scheduler,
 * retried with backoff, honouring rate limits, resumed after a restart. Nothing is dropped
 * silently: a delivery is sent, or visibly `dead` with its owner told.
 */
export interface DeliveryService {
  /** The configured channels (no settings, no secrets). */
  channels(): DeliveryChannelInfo[];
  /** The channels with whether each answered a check that sends nothing. */
  checkChannels(): Promise<DeliveryChannelInfo[]>;
  /** Throws an InputError naming every unknown channel. */
  assertChannels(names: string[]): void;
  /**
   * Queues one delivery per channel in one statement, then starts sending without waiting.
   * Unknown channels are an InputError and queue nothing; queuing a run's channel twice
   * keeps the first row.
   */
  enqueue(
    report: OutgoingReport,
    channels: string[],
  ): Promise<DeliveryRecord[]>;
  /** The deliveries of these runs, by run id. */
  listForRuns(runIds: string[]): Promise<Map<string, DeliveryRecord[]>>;
  /** One delivery with the task and owner it belongs to. */
  get(
    id: string,
  ): Promise<(DeliveryRecord & { taskId: string; owner: string }) | undefined>;
  /**
   * Queues a failed or dead delivery again now. Attempts are kept, so a dead delivery that
   * had used up `maxAttempts` gets one more try before it is dead again. A queued one is
   * returned as it is; a sent or sending one is a ConflictError, an unknown id NotFoundError.
   */
  retry(id: string): Promise<DeliveryRecord>;
  /** Registers the outbox worker on the scheduler (`scope: 'global'`). */
  start(scheduler: SchedulerService): Promise<void>;
  /**
   * Sends what is due now, in this process, until nothing is due; safe to run on several
   * replicas at once (each row is claimed by one of them). Rows waiting for a retry time are
   * left for a later drain.
   */
  drain(): Promise<void>;
}
