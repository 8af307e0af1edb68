import { createHmac } from 'node:crypto';
import { demoReport } from '../../__testUtils__/deliveryReports';
import {
  PlatformServer,
  startWebhookServer,
} from '../../__testUtils__/platformServers';
import {
  channelFrom,
  failure,
  request,
} from '../../__testUtils__/deliveryChannels';

const SECRET = 'whsec-signing-secret';

describe('webhook channel', () => {
  let server: PlatformServer;
  beforeEach(async () => {
    server = await startWebhookServer({ secret: SECRET });
  });
  afterEach(() => server.close());

  const channel = (
    options: { timeoutMs?: number; secret?: string; url?: string } = {},
  ) =>
    channelFrom(
      {
        type: 'webhook',
        url: options.url ?? server.url,
        secret: options.secret ?? SECRET,
      },
      { timeoutMs: options.timeoutMs, name: 'ops-hook' },
    );

  it('posts the report as JSON with a delivery id, a timestamp and a valid signature', async () => {
    const report = demoReport();
    await expect(channel().send(request(report, 'd-42'))).resolves.toEqual({});
    const [sent] = server.received;
    expect(sent.headers['x-hermes-delivery']).toBe('d-42');
    expect(sent.body).toEqual({
      deliveryId: 'd-42',
      sentAt: expect.any(String),
      report,
    });
    const timestamp = String(sent.headers['x-hermes-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const expected = createHmac('sha256', SECRET)
      .update(`${timestamp}.${JSON.stringify(sent.body)}`)
      .digest('hex');
    expect(sent.headers['x-hermes-signature-256']).toBe(`sha256=${expected}`);
  });

  it('a receiver with another secret rejects it: 401, not retried', async () => {
    const error = await failure(
      channel({ secret: 'another-secret' }).send(request(demoReport())),
    );
    expect(error.options).toEqual({ retryable: false });
    expect(error.message).toBe(
      'webhook ops-hook: 401 {"error":"bad signature"}',
    );
    expect(error.message).not.toContain('another-secret');
  });

  it('sends the same delivery id on every attempt, for receivers to dedupe', async () => {
    server.failNext({ status: 503 });
    await failure(channel().send(request(demoReport(), 'd-7')));
    await channel().send(request(demoReport(), 'd-7'));
    expect(server.received.map(r => r.headers['x-hermes-delivery'])).toEqual([
      'd-7',
    ]);
    expect(server.requests).toBe(2);
  });

  it.each([
    ['408 is retryable', 408, { retryable: true }],
    [
      '429 is retryable after Retry-After',
      429,
      { retryable: true, retryAfterMs: 12_000 },
    ],
    ['500 is retryable', 500, { retryable: true }],
    ['502 is retryable', 502, { retryable: true }],
    ['400 is not retryable', 400, { retryable: false }],
    ['403 is not retryable', 403, { retryable: false }],
    ['404 is not retryable', 404, { retryable: false }],
  ])('%s', async (_name, status, expected) => {
    server.failNext(
      status === 429 ? { status: 429, retryAfter: 12 } : ({ status } as any),
    );
    const error = await failure(channel().send(request(demoReport())));
    expect(error.options).toEqual(expected);
  });

  it('a hung receiver is a retryable timeout', async () => {
    server.failNext({ hang: true });
    const error = await failure(
      channel({ timeoutMs: 300 }).send(request(demoReport())),
    );
    expect(error.message).toBe('webhook ops-hook: timed out after 0.3 s');
    expect(error.options.retryable).toBe(true);
  });

  it('never shows a token carried in the URL', async () => {
    const url = `${server.url}?token=url-secret-token`;
    await server.close();
    const error = await failure(channel({ url }).send(request(demoReport())));
    expect(error.message).not.toContain('url-secret-token');
    server = await startWebhookServer();
  });
});
