import { demoReport, longReport } from '../../__testUtils__/deliveryReports';
import {
  PlatformServer,
  startSlackServer,
} from '../../__testUtils__/platformServers';
import {
  channelFrom,
  failure,
  FAULTS,
  request,
} from '../../__testUtils__/deliveryChannels';

const TOKEN = 'xoxb-1111-2222-secretslacktoken';

describe('slack channel (official Web API client)', () => {
  let server: PlatformServer;
  beforeEach(async () => {
    server = await startSlackServer({ token: TOKEN });
  });
  afterEach(() => server.close());

  const channel = (timeoutMs?: number, token = TOKEN) =>
    channelFrom(
      { type: 'slack', token, channel: 'C0OPS', baseUrl: server.url },
      { timeoutMs, name: 'ops-slack' },
    );

  it('posts mrkdwn with the bot token and returns the message ts', async () => {
    const { messageId } = await channel().send(request(demoReport()));
    expect(messageId).toBe('1779537600.000001');
    const [sent] = server.received;
    expect(sent.path).toBe('/api/chat.postMessage');
    expect(sent.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent.body).toMatchObject({
      channel: 'C0OPS',
      unfurl_links: 'false',
    });
    expect(sent.body.text).toContain('*🔴 CRITICAL*');
    expect(sent.body.token).toBeUndefined(); // never in the body, where proxies log it
  });

  it.each(FAULTS)('%s', async (_name, fault, expected) => {
    server.failNext(fault);
    const error = await failure(channel().send(request(demoReport())));
    expect(error.options).toEqual(expected);
    expect(error.message).toMatch(/^slack ops-slack: /);
    expect(error.message).not.toContain(TOKEN);
    expect(server.requests).toBe(1); // the client's own retries are off
  });

  it.each([
    [{ status: 401 as const }, 'slack ops-slack: invalid_auth'],
    [{ status: 404 as const }, 'slack ops-slack: channel_not_found'],
    [{ status: 403 as const }, 'slack ops-slack: not_in_channel'],
    [
      { status: 429 as const, retryAfter: 30 },
      'slack ops-slack: rate limited (retry after 30 s)',
    ],
    [
      { malformed: true as const },
      'slack ops-slack: malformed answer (not JSON)',
    ],
  ])("names Slack's error: %j", async (fault, message) => {
    server.failNext(fault);
    const error = await failure(channel().send(request(demoReport())));
    expect(error.message).toBe(message);
  });

  it('a hung answer is a retryable timeout', async () => {
    server.failNext({ hang: true });
    const error = await failure(channel(300).send(request(demoReport())));
    expect(error.message).toBe('slack ops-slack: timed out after 0.3 s');
    expect(error.options.retryable).toBe(true);
  });

  it('a wrong token is invalid_auth and not retried', async () => {
    const error = await failure(
      channel(undefined, 'xoxb-wrong').send(request(demoReport())),
    );
    expect(error.message).toBe('slack ops-slack: invalid_auth');
    expect(error.options.retryable).toBe(false);
  });

  it('posts a long report as a message and its thread, in order', async () => {
    const { messageId } = await channel().send(request(longReport(10_000)));
    expect(server.received.length).toBeGreaterThan(1);
    const [first, ...rest] = server.received;
    expect(first.body.thread_ts).toBeUndefined();
    for (const reply of rest) expect(reply.body.thread_ts).toBe(messageId);
    const numbers = server.received.flatMap(r =>
      [...r.body.text.matchAll(/api-(\d{4})/g)].map(m => Number(m[1])),
    );
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(numbers).toHaveLength(longReport(10_000).groups[0].findings.length);
  });

  it('check() is auth.test and fails on a wrong token', async () => {
    await expect(channel().check!()).resolves.toBeUndefined();
    expect(server.received).toHaveLength(0);
    await expect(channel(undefined, 'xoxb-wrong').check!()).rejects.toThrow(
      'slack ops-slack: invalid_auth',
    );
  });
});
