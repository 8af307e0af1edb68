import { formatDiscord } from '../format/discord';
import {
  brief,
  httpRequest,
  masker,
  parseJson,
  retryableStatus,
  retryAfterHeader,
  sendParts,
} from './http';
import { Channel, DeliveryError } from './types';

export interface DiscordSettings {
  name: string;
  /** `https://discord.com/api/webhooks/{id}/{token}`: the token makes the whole URL secret. */
  webhookUrl: string;
  timeoutMs: number;
}

/**
 * Discord through an incoming webhook. Plain `fetch`: discord.js would bring a large client
 * (gateway, caches, voice) into the backend for one POST.
 */
export function createDiscordChannel(settings: DiscordSettings): Channel {
  const what = `discord ${settings.name}`;
  const token = new URL(settings.webhookUrl).pathname
    .split('/')
    .filter(Boolean)
    .pop();
  const mask = masker([settings.webhookUrl, token]);

  async function call(init: RequestInit, wait: boolean): Promise<any> {
    const url = new URL(settings.webhookUrl);
    if (wait) url.searchParams.set('wait', 'true'); // answer with the message and its id
    const answer = await httpRequest(url.toString(), init, {
      what,
      timeoutMs: settings.timeoutMs,
      mask,
    });
    if (answer.status >= 200 && answer.status < 300)
      return parseJson(answer, what);
    let json: any;
    try {
      json = JSON.parse(answer.text);
    } catch {
      json = undefined;
    }
    const retryAfter = Number(json?.retry_after);
    throw new DeliveryError(
      mask(
        `${what}: ${answer.status} ${brief(
          String(json?.message ?? (answer.statusText || answer.text)),
        )}`,
      ),
      {
        retryable: retryableStatus(answer.status),
        retryAfterMs: Number.isFinite(retryAfter)
          ? retryAfter * 1000
          : retryAfterHeader(answer.headers),
      },
    );
  }

  return {
    name: settings.name,
    type: 'discord',
    async send(request) {
      return sendParts(formatDiscord(request.report), async content => {
        const message = await call(
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            // Reports quote names people chose: they must never ping anyone.
            body: JSON.stringify({ content, allowed_mentions: { parse: [] } }),
          },
          true,
        );
        if (!message?.id)
          throw new DeliveryError(`${what}: malformed answer (no message id)`, {
            retryable: true,
          });
        return String(message.id);
      });
    },
    async check() {
      // GET on a webhook URL returns the webhook without posting anything.
      await call({ method: 'GET' }, false);
    },
  };
}
