import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { formatSlack } from '../format/slack';
import { masker, retryableStatus, seconds, sendParts } from './http';
import { Channel, DeliveryError } from './types';

export interface SlackSettings {
  name: string;
  /** Bot token (xoxb-…). */
  token: string;
  /** Channel id or name. */
  channel: string;
  /** The Web API root; default https://slack.com/api/. */
  baseUrl?: string;
  timeoutMs: number;
}

/** Slack error codes another attempt may get past; every other code is permanent. */
const TRANSIENT = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** The client logs failures itself; ours are reported with the delivery, so it stays quiet. */
const quiet = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/**
 * Slack through the official Web API client. Its own retries are off and rate-limited calls
 * are rejected, so the outbox decides when to try again (with Slack's Retry-After). Parts
 * after the first go into the first message's thread, so a long report is one channel message.
 */
export function createSlackChannel(settings: SlackSettings): Channel {
  const what = `slack ${settings.name}`;
  const mask = masker([settings.token]);
  const client = new WebClient(settings.token, {
    slackApiUrl: settings.baseUrl?.replace(/\/*$/, '/'),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: settings.timeoutMs,
    logger: quiet,
    // A method name is never a URL here: requests stay on the configured API root.
    allowAbsoluteUrls: false,
  });

  function failure(error: any): DeliveryError {
    switch (error?.code) {
      case ErrorCode.RateLimitedError:
        return new DeliveryError(
          `${what}: rate limited (retry after ${error.retryAfter} s)`,
          { retryable: true, retryAfterMs: error.retryAfter * 1000 },
        );
      case ErrorCode.PlatformError: {
        const code = String(error.data?.error ?? '');
        // The client hands back a body that is not JSON as the error text.
        if (!/^[a-z0-9_]+$/.test(code))
          return new DeliveryError(`${what}: malformed answer (not JSON)`, {
            retryable: true,
          });
        return new DeliveryError(`${what}: ${code}`, {
          retryable: TRANSIENT.has(code),
        });
      }
      case ErrorCode.HTTPError:
        return new DeliveryError(
          mask(
            `${what}: ${error.statusCode} ${error.statusMessage ?? ''}`.trim(),
          ),
          { retryable: retryableStatus(error.statusCode) },
        );
      case ErrorCode.RequestError: {
        const original = error.original ?? {};
        if (
          original.code === 'ECONNABORTED' ||
          /timeout/i.test(original.message)
        )
          return new DeliveryError(
            `${what}: timed out after ${seconds(settings.timeoutMs)}`,
            { retryable: true },
          );
        return new DeliveryError(
          mask(
            `${what}: could not connect (${original.code ?? original.message})`,
          ),
          { retryable: true },
        );
      }
      default:
        return new DeliveryError(mask(`${what}: ${error?.message ?? error}`), {
          retryable: true,
        });
    }
  }

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw failure(error);
    }
  }

  return {
    name: settings.name,
    type: 'slack',
    async send(request) {
      return sendParts(
        formatSlack(request.report),
        async (text, i, firstTs) => {
          const answer = await call(() =>
            client.chat.postMessage({
              channel: settings.channel,
              text,
              ...(i > 0 && firstTs ? { thread_ts: firstTs } : {}),
              unfurl_links: false,
              unfurl_media: false,
            }),
          );
          if (!answer.ts)
            throw new DeliveryError(`${what}: malformed answer (no ts)`, {
              retryable: true,
            });
          return answer.ts;
        },
      );
    },
    async check() {
      await call(() => client.auth.test());
    },
  };
}
