import { longReport, demoReport } from '../../__testUtils__/deliveryReports';
import {
  PlatformServer,
  startTelegramServer,
} from '../../__testUtils__/platformServers';
import {
  channelFrom,
  failure,
  FAULTS,
  request,
} from '../../__testUtils__/deliveryChannels';

const BOT_TOKEN = '987654:AAE-secret-bot-token';

describe('telegram channel', () => {
  let server: PlatformServer;
  beforeEach(async () => {
    server = await startTelegramServer({ botToken: BOT_TOKEN });
  });
  afterEach(() => server.close());

  const channel = (timeoutMs?: number) =>
    channelFrom(
      {
        type: 'telegram',
        botToken: BOT_TOKEN,
        chatId: '-100123',
        baseUrl: server.url,
      },
      { timeoutMs, name: 'ops-telegram' },
    );

  it('sends HTML through sendMessage and returns the message id', async () => {
    await expect(channel().send(request(demoReport()))).resolves.toEqual({
      messageId: '1',
    });
    const [sent] = server.received;
    expect(sent.path).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    expect(sent.body).toMatchObject({
      chat_id: '-100123',
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
    expect(sent.body.text).toContain('<b>🔴 CRITICAL</b>');
  });

  it.each(FAULTS)('%s', async (_name, fault, expected) => {
    server.failNext(fault);
    const error = await failure(channel().send(request(demoReport())));
    expect(error.options).toEqual(expected);
    expect(error.message).toMatch(/^telegram ops-telegram: /);
    expect(error.message).not.toContain(BOT_TOKEN);
    expect(server.received).toHaveLength(0);
  });

  it('names the platform error in the message', async () => {
    server.failNext({ status: 400 });
    const error = await failure(channel().send(request(demoReport())));
    expect(error.message).toBe(
      'telegram ops-telegram: 400 Bad Request: chat not found',
    );
  });

  it('a hung answer is a retryable timeout', async () => {
    server.failNext({ hang: true });
    const error = await failure(channel(300).send(request(demoReport())));
    expect(error.message).toBe('telegram ops-telegram: timed out after 0.3 s');
    expect(error.options.retryable).toBe(true);
  });

  it('never shows the bot token, even when the server cannot be reached', async () => {
    const url = server.url;
    await server.close();
    const error = await failure(
      channelFrom({
        type: 'telegram',
        botToken: BOT_TOKEN,
        chatId: '1',
        baseUrl: url,
      }).send(request(demoReport())),
    );
    expect(error.options.retryable).toBe(true);
    expect(error.message).not.toContain(BOT_TOKEN);
    expect(error.message).not.toContain('AAE-secret');
    server = await startTelegramServer(); // for afterEach
  });

  it('sends a long report as several messages, in order, each accepted', async () => {
    await expect(channel().send(request(longReport(10_000)))).resolves.toEqual({
      messageId: '1',
    });
    expect(server.received.length).toBeGreaterThan(1);
    const numbers = server.received.flatMap(r =>
      [...r.body.text.matchAll(/api-(\d{4})/g)].map(m => Number(m[1])),
    );
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });

  it('waits out a short rate limit between parts instead of starting again', async () => {
    // Seed 1 lets the first request through and rate-limits the second (part 2).
    server.failRandomly(0.3, [{ status: 429, retryAfter: 1 }], 1);
    await expect(channel().send(request(longReport(10_000)))).resolves.toEqual({
      messageId: '1',
    });
    expect(server.requests).toBeGreaterThan(server.received.length);
    const numbers = server.received.flatMap(r =>
      [...r.body.text.matchAll(/api-(\d{4})/g)].map(m => Number(m[1])),
    );
    // Every finding once, in order: no part was sent twice.
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(numbers).toHaveLength(longReport(10_000).groups[0].findings.length);
  });

  it('check() calls getMe and fails on a wrong token', async () => {
    await expect(channel().check!()).resolves.toBeUndefined();
    const wrong = channelFrom({
      type: 'telegram',
      botToken: '1:wrong-token',
      chatId: '1',
      baseUrl: server.url,
    });
    await expect(wrong.check!()).rejects.toThrow(
      'telegram ops: 401 Unauthorized',
    );
  });
});
