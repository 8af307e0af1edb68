import {
  demoReport,
  hostileReport,
  longReport,
} from '../../__testUtils__/deliveryReports';
import {
  PlatformServer,
  startDiscordServer,
} from '../../__testUtils__/platformServers';
import {
  channelFrom,
  failure,
  FAULTS,
  request,
} from '../../__testUtils__/deliveryChannels';

describe('discord channel', () => {
  let server: PlatformServer;
  beforeEach(async () => {
    server = await startDiscordServer();
  });
  afterEach(() => server.close());

  const channel = (timeoutMs?: number) =>
    channelFrom(
      { type: 'discord', webhookUrl: server.url },
      { timeoutMs, name: 'ops-discord' },
    );

  it('posts to the webhook with wait=true and returns the message id', async () => {
    const { messageId } = await channel().send(request(demoReport()));
    expect(messageId).toBe('1300000000000000001');
    const [sent] = server.received;
    expect(sent.body.content).toContain('**🔴 CRITICAL**');
    expect(sent.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('switches mentions off so hostile text pings nobody', async () => {
    await channel().send(request(hostileReport()));
    const [sent] = server.received;
    expect(sent.body.content).toContain('@everyone');
    expect(sent.body.allowed_mentions).toEqual({ parse: [] });
  });

  it.each(FAULTS)('%s', async (_name, fault, expected) => {
    server.failNext(fault);
    const error = await failure(channel().send(request(demoReport())));
    expect(error.options).toEqual(expected);
    expect(error.message).toMatch(/^discord ops-discord: /);
    expect(error.message).not.toContain('discord-webhook-secret');
  });

  it('takes the fractional retry_after from the body over the rounded header', async () => {
    server.failNext({ status: 429, retryAfter: 0.35 });
    const error = await failure(channel().send(request(demoReport())));
    expect(error.options.retryAfterMs).toBeCloseTo(350);
    expect(error.message).toBe(
      'discord ops-discord: 429 You are being rate limited.',
    );
  });

  it("names Discord's error", async () => {
    server.failNext({ status: 404 });
    const error = await failure(channel().send(request(demoReport())));
    expect(error.message).toBe('discord ops-discord: 404 Unknown Webhook');
  });

  it('a hung answer is a retryable timeout', async () => {
    server.failNext({ hang: true });
    const error = await failure(channel(300).send(request(demoReport())));
    expect(error.message).toBe('discord ops-discord: timed out after 0.3 s');
    expect(error.options.retryable).toBe(true);
  });

  it('never shows the webhook URL when the server cannot be reached', async () => {
    const url = server.url;
    await server.close();
    const error = await failure(
      channelFrom({ type: 'discord', webhookUrl: url }).send(
        request(demoReport()),
      ),
    );
    expect(error.options.retryable).toBe(true);
    expect(error.message).not.toContain('discord-webhook-secret');
    expect(error.message).not.toContain(url);
    server = await startDiscordServer();
  });

  it('sends a 10,000-character report as messages of at most 2,000 characters, in order', async () => {
    const { messageId } = await channel().send(request(longReport(10_000)));
    expect(messageId).toBe('1300000000000000001');
    expect(server.received.length).toBeGreaterThanOrEqual(5);
    const numbers = server.received.flatMap(r =>
      [...r.body.content.matchAll(/api\\?-(\d{4})/g)].map(m => Number(m[1])),
    );
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(numbers).toHaveLength(longReport(10_000).groups[0].findings.length);
  });

  it('check() reads the webhook without posting', async () => {
    await expect(channel().check!()).resolves.toBeUndefined();
    expect(server.received).toHaveLength(0);
    server.failNext({ status: 401 });
    await expect(channel().check!()).rejects.toThrow(
      'discord ops-discord: 401 Invalid Webhook Token',
    );
  });
});
