import { formatTelegram } from '../format/telegram';
import {
  brief,
  httpRequest,
  masker,
  parseJson,
  retryableStatus,
  sendParts,
} from './http';
import { Channel, DeliveryError } from './types';

export interface TelegramSettings {
  name: string;
  botToken: string;
  chatId: string;
  /** The Bot API root; default https://api.telegram.org. */
  baseUrl?: string;
  timeoutMs: number;
}

/**
 * Telegram through the Bot API's `sendMessage` in HTML parse mode. The bot token is part of
 * every URL path, so every message that could leave this file goes through `mask`.
 */
export function createTelegramChannel(settings: TelegramSettings): Channel {
  const what = `telegram ${settings.name}`;
  const root = (settings.baseUrl ?? 'https://api.telegram.org').replace(
    /\/+$/,
    '',
  );
  const mask = masker([
    settings.botToken,
    encodeURIComponent(settings.botToken),
  ]);

  async function call(method: string, body?: object): Promise<any> {
    const answer = await httpRequest(
      `${root}/bot${settings.botToken}/${method}`,
      body
        ? {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }
        : { method: 'GET' },
      { what, timeoutMs: settings.timeoutMs, mask },
    );
    let json: any;
    try {
      json = JSON.parse(answer.text);
    } catch {
      // Gateways in front of the Bot API answer 5xx with HTML pages.
      if (answer.status !== 200)
        throw new DeliveryError(
          mask(
            `${what}: ${answer.status} ${
              answer.statusText || brief(answer.text)
            }`,
          ),
          { retryable: retryableStatus(answer.status) },
        );
      json = parseJson(answer, what);
    }
    if (json?.ok === true) return json.result;
    const code = Number(json?.error_code ?? answer.status);
    const retryAfter = Number(json?.parameters?.retry_after);
    if (typeof json?.ok !== 'boolean')
      throw new DeliveryError(
        `${what}: malformed answer (HTTP ${answer.status}, no "ok" field)`,
        { retryable: true },
      );
    throw new DeliveryError(
      mask(
        `${what}: ${code} ${brief(
          String(json.description ?? answer.statusText),
        )}`,
      ),
      {
        retryable: retryableStatus(code),
        retryAfterMs: Number.isFinite(retryAfter)
          ? retryAfter * 1000
          : undefined,
      },
    );
  }

  return {
    name: settings.name,
    type: 'telegram',
    async send(request) {
      return sendParts(formatTelegram(request.report), async text => {
        const result = await call('sendMessage', {
          chat_id: settings.chatId,
          text,
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
        });
        if (result?.message_id === undefined)
          throw new DeliveryError(`${what}: malformed answer (no message_id)`, {
            retryable: true,
          });
        return String(result.message_id);
      });
    },
    async check() {
      await call('getMe');
    },
  };
}
