import { ConfigReader } from '@backstage/config';
import { TaskReport } from '@hermes-backstage/plugin-hermes-common';
import { Fault } from './platformServers';
import { readChannels } from '../delivery/channels';
import {
  Channel,
  DeliveryError,
  SendRequest,
} from '../delivery/channels/types';

/** A config object, as ConfigReader takes it. */
type JsonObject = NonNullable<ConstructorParameters<typeof ConfigReader>[0]>;

/*
 * Shared pieces of the channel tests: a channel read from config exactly as the backend
 * reads it, and the faults every platform can answer with, with what the outbox must see.
 */

export function channelFrom(
  settings: JsonObject,
  options: { timeoutMs?: number; name?: string } = {},
): Channel {
  const name = options.name ?? 'ops';
  const config = new ConfigReader({
    hermes: { delivery: { channels: { [name]: settings } } },
  });
  return readChannels(config, {
    notifications: { send: async () => {} },
    timeoutMs: options.timeoutMs ?? 2000,
  }).get(name)!;
}

export function request(report: TaskReport, deliveryId = 'd-1'): SendRequest {
  return { deliveryId, report, owner: 'user:default/ana' };
}

/** The DeliveryError a send fails with (fails the test when it does not fail so). */
export async function failure(
  promise: Promise<unknown>,
): Promise<DeliveryError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    e => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error;
}

/** Each fault and what the outbox must learn from it. */
export const FAULTS: Array<
  [string, Fault, { retryable: boolean; retryAfterMs?: number }]
> = [
  [
    "429 is retryable after the platform's wait",
    { status: 429, retryAfter: 7 },
    { retryable: true, retryAfterMs: 7000 },
  ],
  ['500 is retryable', { status: 500 }, { retryable: true }],
  ['502 is retryable', { status: 502 }, { retryable: true }],
  ['503 is retryable', { status: 503 }, { retryable: true }],
  ['400 is not retryable', { status: 400 }, { retryable: false }],
  ['401 is not retryable', { status: 401 }, { retryable: false }],
  ['403 is not retryable', { status: 403 }, { retryable: false }],
  ['404 is not retryable', { status: 404 }, { retryable: false }],
  [
    'a malformed JSON answer is retryable',
    { malformed: true },
    { retryable: true },
  ],
];
