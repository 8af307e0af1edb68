import { demoReport, longReport } from '../../__testUtils__/deliveryReports';
import {
  PlatformServer,
  startSignalServer,
} from '../../__testUtils__/platformServers';
import {
  channelFrom,
  failure,
  FAULTS,
  request,
} from '../../__testUtils__/deliveryChannels';

describe('signal channel (signal-cli REST API)', () => {
  let server: PlatformServer;
  beforeEach(async () => {
    server = await startSignalServer();
  });
  afterEach(() => server.close());

  const channel = (timeoutMs?: number) =>
    channelFrom(
      {
        type: 'signal',
        baseUrl: server.url,
        number: '+4915100000000',
        recipients: ['+4915111111111', 'group.b3BzLXRlYW0='],
      },
      { timeoutMs, name: 'ops-signal' },
    );

  it('posts plain text to /v2/send and returns the timestamp as message id', async () => {
    const { messageId } = await channel().send(request(demoReport()));
    expect(messageId).toBe('1779537600001');
    const [sent] = server.received;
    expect(sent.path).toBe('/v2/send');
    expect(sent.body).toMatchObject({
      number: '+4915100000000',
      recipients: ['+4915111111111', 'group.b3BzLXRlYW0='],
    });
    expect(sent.body.message).toContain('🔴 CRITICAL — ClusterPolicy');
    expect(sent.body.message).not.toMatch(/<b>|\*\*/);
  });

  it.each(FAULTS)('%s', async (_name, fault, expected) => {
    server.failNext(fault);
    const error = await failure(channel().send(request(demoReport())));
    expect(error.options).toEqual(expected);
    expect(error.message).toMatch(/^signal ops-signal: /);
  });

  it("names the gateway's error", async () => {
    server.failNext({ status: 500 });
    const error = await failure(channel().send(request(demoReport())));
    expect(error.message).toBe(
      'signal ops-signal: 500 signal-cli: Failed to send message',
    );
  });

  it('a hung answer is a retryable timeout', async () => {
    server.failNext({ hang: true });
    const error = await failure(channel(300).send(request(demoReport())));
    expect(error.message).toBe('signal ops-signal: timed out after 0.3 s');
    expect(error.options.retryable).toBe(true);
  });

  it('sends a long report as several messages, in order', async () => {
    await channel().send(request(longReport(10_000)));
    expect(server.received.length).toBeGreaterThanOrEqual(5);
    for (const r of server.received)
      expect(r.body.message.length).toBeLessThanOrEqual(2000);
    const numbers = server.received.flatMap(r =>
      [...r.body.message.matchAll(/api-(\d{4})/g)].map(m => Number(m[1])),
    );
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });

  it('check() is GET /v1/about', async () => {
    await expect(channel().check!()).resolves.toBeUndefined();
    server.failNext({ status: 503 });
    await expect(channel().check!()).rejects.toThrow('signal ops-signal: 503');
  });
});
