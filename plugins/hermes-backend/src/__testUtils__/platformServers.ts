import { createHmac, timingSafeEqual } from 'node:crypto';
import { PlatformServer, startPlatform } from './loopbackPlatform';

export type { Fault, PlatformServer } from './loopbackPlatform';

/*
 * Loopback HTTP servers shaped like the chat platforms' real APIs (paths, auth, bodies,
 * success and error answers, rate limits with each platform's own retry fields), so channel
 * tests, outbox fault tests and the benchmark drive the real clients without any network.
 * Each server also enforces the platform's limits (message length, well-formed HTML), so a
 * formatting bug fails a test the way it would fail in production.
 */

const GATEWAY_ERROR = (status: number) =>
  `<html><head><title>${status} Bad Gateway</title></head><body>nginx</body></html>`;

/**
 * Slack Web API at `{url}` (use as `slackApiUrl`): `chat.postMessage` and `auth.test` with
 * `Authorization: Bearer xoxb-…`. Slack answers errors with HTTP 200 and `ok: false`, so the
 * 4xx faults become Slack's own codes: 400 `invalid_arguments`, 401 `invalid_auth`,
 * 403 `not_in_channel`, 404 `channel_not_found`.
 */
export function startSlackServer(
  options: { token?: string } = {},
): Promise<PlatformServer> {
  const token = options.token ?? 'xoxb-test-token';
  const codes: Record<number, string> = {
    400: 'invalid_arguments',
    401: 'invalid_auth',
    403: 'not_in_channel',
    404: 'channel_not_found',
  };
  return startPlatform({
    base: '/api/',
    fault: f => {
      if (f.status === 429)
        return {
          status: 429,
          headers: { 'retry-after': String(f.retryAfter) },
          body: { ok: false, error: 'ratelimited' },
        };
      if (f.status >= 500)
        return { status: f.status, text: GATEWAY_ERROR(f.status) };
      return { status: 200, body: { ok: false, error: codes[f.status] } };
    },
    handle: (req, n) => {
      if (req.headers.authorization !== `Bearer ${token}`)
        return { status: 200, body: { ok: false, error: 'invalid_auth' } };
      if (req.path === '/api/auth.test')
        return {
          status: 200,
          body: {
            ok: true,
            url: 'https://hermes-test.slack.com/',
            team: 'Hermes Test',
            user: 'hermes',
            team_id: 'T0001',
            user_id: 'U0001',
            bot_id: 'B0001',
          },
        };
      if (req.path !== '/api/chat.postMessage')
        return { status: 200, body: { ok: false, error: 'unknown_method' } };
      const { channel, text } = req.body ?? {};
      if (!channel)
        return { status: 200, body: { ok: false, error: 'channel_not_found' } };
      if (!text && !req.body?.blocks)
        return { status: 200, body: { ok: false, error: 'no_text' } };
      if (String(text).length > 40_000)
        return { status: 200, body: { ok: false, error: 'msg_too_long' } };
      const ts = `1779537600.${String(n).padStart(6, '0')}`;
      return {
        status: 200,
        accepted: true,
        body: { ok: true, channel, ts, message: { type: 'message', text, ts } },
      };
    },
  });
}

/**
 * A Discord webhook at `{url}` = `…/api/webhooks/{id}/{token}`. `?wait=true` answers the
 * message with its `id`; without it 204. Content past 2,000 characters is a 400.
 */
export function startDiscordServer(): Promise<PlatformServer> {
  const path = '/api/webhooks/1234567890/discord-webhook-secret';
  return startPlatform({
    base: path,
    fault: f => {
      if (f.status === 429)
        return {
          status: 429,
          headers: {
            'retry-after': String(Math.ceil(f.retryAfter)),
            'x-ratelimit-scope': 'user',
          },
          body: {
            message: 'You are being rate limited.',
            retry_after: f.retryAfter,
            global: false,
          },
        };
      if (f.status >= 500)
        return { status: f.status, text: GATEWAY_ERROR(f.status) };
      const messages: Record<number, object> = {
        400: { message: 'Cannot send an empty message', code: 50006 },
        401: { message: 'Invalid Webhook Token', code: 50027 },
        403: { message: 'Missing Access', code: 50001 },
        404: { message: 'Unknown Webhook', code: 10015 },
      };
      return { status: f.status, body: messages[f.status] };
    },
    handle: (req, n) => {
      if (req.path !== path)
        return {
          status: 404,
          body: { message: 'Unknown Webhook', code: 10015 },
        };
      if (req.method === 'GET')
        return {
          status: 200,
          body: {
            id: '1234567890',
            type: 1,
            name: 'Hermes',
            channel_id: '555',
          },
        };
      const content = req.body?.content;
      if (!content)
        return {
          status: 400,
          body: { message: 'Cannot send an empty message', code: 50006 },
        };
      if (content.length > 2000)
        return {
          status: 400,
          body: {
            message: 'Invalid Form Body',
            code: 50035,
            errors: {
              content: {
                _errors: [
                  {
                    code: 'BASE_TYPE_MAX_LENGTH',
                    message: 'Must be 2000 or fewer in length.',
                  },
                ],
              },
            },
          },
        };
      const id = String(1_300_000_000_000_000_000n + BigInt(n));
      return req.query.get('wait') === 'true'
        ? {
            status: 200,
            accepted: true,
            body: {
              id,
              type: 0,
              channel_id: '555',
              content,
              webhook_id: '1234567890',
            },
          }
        : { status: 204, accepted: true };
    },
  });
}

/** Telegram accepts only these tags; an unclosed or misnested one is a 400. */
function telegramHtmlError(text: string): string | undefined {
  const open: string[] = [];
  for (const m of text.matchAll(
    /<(\/?)([a-zA-Z-]+)[^>]*>|<|&(?![a-z]+;|#\d+;)/g,
  )) {
    if (!m[2]) return `can't parse entities: unexpected "${m[0]}"`;
    const tag = m[2].toLowerCase();
    if (
      ![
        'b',
        'strong',
        'i',
        'em',
        'u',
        's',
        'code',
        'pre',
        'a',
        'tg-spoiler',
        'blockquote',
      ].includes(tag)
    )
      return `can't parse entities: unsupported start tag "${tag}"`;
    if (!m[1]) open.push(tag);
    else if (open.pop() !== tag)
      return `can't parse entities: can't find end tag corresponding to start tag "${tag}"`;
  }
  return open.length
    ? `can't parse entities: can't find end tag corresponding to start tag "${open.pop()}"`
    : undefined;
}

/** Telegram Bot API at `{url}` (use as `baseUrl`): `/bot{token}/sendMessage` and `getMe`. */
export function startTelegramServer(
  options: { botToken?: string } = {},
): Promise<PlatformServer> {
  const token = options.botToken ?? '123456:telegram-bot-secret';
  const error = (code: number, description: string, extra: object = {}) => ({
    status: code,
    body: { ok: false, error_code: code, description, ...extra },
  });
  return startPlatform({
    base: '',
    fault: f => {
      if (f.status === 429)
        return error(429, `Too Many Requests: retry after ${f.retryAfter}`, {
          parameters: { retry_after: f.retryAfter },
        });
      if (f.status >= 500)
        return { status: f.status, text: GATEWAY_ERROR(f.status) };
      const descriptions: Record<number, string> = {
        400: 'Bad Request: chat not found',
        401: 'Unauthorized',
        403: 'Forbidden: bot was kicked from the group chat',
        404: 'Not Found',
      };
      return error(f.status, descriptions[f.status]);
    },
    handle: (req, n) => {
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.path);
      if (!m) return error(404, 'Not Found');
      if (m[1] !== token) return error(401, 'Unauthorized');
      if (m[2] === 'getMe')
        return {
          status: 200,
          body: {
            ok: true,
            result: {
              id: 123456,
              is_bot: true,
              first_name: 'Hermes',
              username: 'hermes_bot',
            },
          },
        };
      if (m[2] !== 'sendMessage') return error(404, 'Not Found');
      const { chat_id: chatId, text, parse_mode: parseMode } = req.body ?? {};
      if (!chatId) return error(400, 'Bad Request: chat_id is empty');
      if (!text) return error(400, 'Bad Request: message text is empty');
      if (text.length > 4096)
        return error(400, 'Bad Request: message is too long');
      const htmlError =
        parseMode === 'HTML' ? telegramHtmlError(text) : undefined;
      if (htmlError) return error(400, `Bad Request: ${htmlError}`);
      return {
        status: 200,
        accepted: true,
        body: {
          ok: true,
          result: {
            message_id: n,
            date: 1779537600,
            chat: { id: chatId },
            text,
          },
        },
      };
    },
  });
}

/** signal-cli-rest-api at `{url}`: `POST /v2/send` → 201 `{ timestamp }`, `GET /v1/about`. */
export function startSignalServer(): Promise<PlatformServer> {
  return startPlatform({
    base: '',
    fault: f => {
      if (f.status === 429)
        return {
          status: 429,
          headers: { 'retry-after': String(f.retryAfter) },
          body: { error: 'Rate limit exceeded' },
        };
      if (f.status >= 500)
        return {
          status: f.status,
          body: { error: 'signal-cli: Failed to send message' },
        };
      return {
        status: f.status,
        body: { error: `Invalid request (${f.status})` },
      };
    },
    handle: (req, n) => {
      if (req.method === 'GET' && req.path === '/v1/about')
        return {
          status: 200,
          body: {
            versions: ['v1', 'v2'],
            build: 2,
            mode: 'json-rpc',
            version: '0.92',
          },
        };
      if (req.method !== 'POST' || req.path !== '/v2/send')
        return { status: 404, text: '404 page not found' };
      const { message, number, recipients } = req.body ?? {};
      if (
        !message ||
        !number ||
        !Array.isArray(recipients) ||
        !recipients.length
      )
        return {
          status: 400,
          body: { error: "Couldn't process request - invalid request" },
        };
      return {
        status: 201,
        accepted: true,
        body: { timestamp: String(1779537600000 + n) },
      };
    },
  });
}

/**
 * A webhook receiver at `{url}` that checks `X-Hermes-Signature-256` (HMAC-SHA256 of
 * "<timestamp>.<body>") and answers 401 when it is missing or wrong.
 */
export function startWebhookServer(
  options: { secret?: string } = {},
): Promise<PlatformServer> {
  const secret = options.secret ?? 'webhook-signing-secret';
  return startPlatform({
    base: '/hooks/hermes',
    fault: f =>
      f.status === 429
        ? {
            status: 429,
            headers: { 'retry-after': String(f.retryAfter) },
            body: { error: 'slow down' },
          }
        : { status: f.status, body: { error: `fault ${f.status}` } },
    handle: req => {
      const timestamp = String(req.headers['x-hermes-timestamp'] ?? '');
      const given = Buffer.from(
        String(req.headers['x-hermes-signature-256'] ?? ''),
      );
      const expected = Buffer.from(
        `sha256=${createHmac('sha256', secret)
          .update(`${timestamp}.${req.raw}`)
          .digest('hex')}`,
      );
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { status: 401, body: { error: 'bad signature' } };
      return { status: 200, accepted: true, body: { received: true } };
    },
  });
}
