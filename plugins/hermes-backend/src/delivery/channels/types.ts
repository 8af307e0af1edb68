import {
  DeliveryChannelType,
  TaskReport,
} from '@hermes-backstage/plugin-hermes-common';

/** What one send is: the report, its delivery id (an idempotency key where a platform has one). */
export interface SendRequest {
  deliveryId: string;
  report: TaskReport;
  /** The task's entity and owner, for `notifications`. */
  entityRef?: string;
  owner: string;
}

/** A channel as configured under `hermes.delivery.channels.<name>`. */
export interface Channel {
  name: string;
  type: DeliveryChannelType;
  /** Sends the report (split into several messages where the platform limits length). */
  send(request: SendRequest): Promise<{ messageId?: string }>;
  /** A check that sends nothing (e.g. Slack `auth.test`, Telegram `getMe`); absent when none exists. */
  check?(): Promise<void>;
}

/**
 * A send that failed. `retryable` is false for answers that will not change (401, 403, 404,
 * 400); `retryAfterMs` is the platform's own wait (HTTP Retry-After, Telegram's and Discord's
 * `retry_after`). Messages never contain a token: channels mask their secrets.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly options: { retryable: boolean; retryAfterMs?: number },
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
