import { formatSignal } from '../format/signal';
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

export interface SignalSettings {
  name: string;
  /** A signal-cli REST API (github.com/bbernhard/signal-cli-rest-api). */
  baseUrl: string;
  number: string;
  recipients: string[];
  timeoutMs: number;
}

/** Signal through a signal-cli REST API: `POST /v2/send`, plain text. */
export function createSignalChannel(settings: SignalSettings): Channel {
  const what = `signal ${settings.name}`;
  const root = settings.baseUrl.replace(/\/+$/, '');
  const url = new URL(root);
  // Credentials in the base URL (a gateway behind basic auth) are secrets too.
  const mask = masker([
    url.password,
    url.username ? `${url.username}:` : undefined,
  ]);

  async function call(path: string, init: RequestInit) {
    const answer = await httpRequest(`${root}${path}`, init, {
      what,
      timeoutMs: settings.timeoutMs,
      mask,
    });
    if (answer.status >= 200 && answer.status < 300)
      return parseJson(answer, what);
    let error: string | undefined;
    try {
      error = JSON.parse(answer.text)?.error;
    } catch {
      error = undefined;
    }
    throw new DeliveryError(
      mask(
        `${what}: ${answer.status} ${brief(
          error ?? (answer.statusText || answer.text),
        )}`,
      ),
      {
        retryable: retryableStatus(answer.status),
        retryAfterMs: retryAfterHeader(answer.headers),
      },
    );
  }

  return {
    name: settings.name,
    type: 'signal',
    async send(request) {
      return sendParts(formatSignal(request.report), async message => {
        const answer = await call('/v2/send', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            message,
            number: settings.number,
            recipients: settings.recipients,
          }),
        });
        if (answer?.timestamp === undefined)
          throw new DeliveryError(`${what}: malformed answer (no timestamp)`, {
            retryable: true,
          });
        return String(answer.timestamp);
      });
    },
    async check() {
      await call('/v1/about', { method: 'GET' });
    },
  };
}
