import { createHmac } from 'node:crypto';
import { formatWebhook } from '../format/webhook';
import {
  brief,
  httpRequest,
  masker,
  retryableStatus,
  retryAfterHeader,
} from './http';
import { Channel, DeliveryError } from './types';

export interface WebhookSettings {
  name: string;
  url: string;
  secret: string;
  timeoutMs: number;
}

/** The signature header's value: HMAC-SHA256 over "<timestamp>.<body>", hex. */
export function signWebhook(secret: string, timestamp: string, body: string) {
  return `sha256=${createHmac('sha256', secret)
    .update(`${timestamp}.${body}`)
    .digest('hex')}`;
}

/**
 * A signed POST of the report as JSON. `X-Hermes-Delivery` is the same on every retry of a
 * delivery (receivers dedupe on it); the signature covers the timestamp, so a receiver can
 * also reject old replays.
 */
export function createWebhookChannel(settings: WebhookSettings): Channel {
  const what = `webhook ${settings.name}`;
  const target = new URL(settings.url);
  // Tokens often ride in a webhook URL's query or credentials: none goes into an error.
  const mask = masker([
    settings.secret,
    settings.url,
    target.search.slice(1),
    target.password,
  ]);
  return {
    name: settings.name,
    type: 'webhook',
    async send(request) {
      const now = new Date();
      const timestamp = String(Math.floor(now.getTime() / 1000));
      const body = formatWebhook(request.report, {
        deliveryId: request.deliveryId,
        time: now,
      });
      const answer = await httpRequest(
        settings.url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Hermes-Backstage',
            'x-hermes-delivery': request.deliveryId,
            'x-hermes-timestamp': timestamp,
            'x-hermes-signature-256': signWebhook(
              settings.secret,
              timestamp,
              body,
            ),
          },
          body,
        },
        { what, timeoutMs: settings.timeoutMs, mask },
      );
      if (answer.status >= 200 && answer.status < 300) return {};
      throw new DeliveryError(
        mask(
          `${what}: ${answer.status} ${brief(
            answer.text || answer.statusText,
          )}`,
        ),
        {
          retryable: retryableStatus(answer.status),
          retryAfterMs: retryAfterHeader(answer.headers),
        },
      );
    },
  };
}
