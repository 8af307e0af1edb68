import { ConfigReader } from '@backstage/config';
import { readChannels } from './index';

function read(channels: object) {
  return readChannels(
    new ConfigReader({ hermes: { delivery: { channels } } }),
    { notifications: { send: async () => {} } },
  );
}

describe('readChannels', () => {
  it('reads every type by name', () => {
    const channels = read({
      'ops-slack': { type: 'slack', token: 'xoxb-1', channel: 'C1' },
      'ops-discord': {
        type: 'discord',
        webhookUrl: 'https://discord.com/api/webhooks/1/abc',
      },
      'ops-telegram': { type: 'telegram', botToken: '1:abc', chatId: '-100' },
      'ops-signal': {
        type: 'signal',
        baseUrl: 'http://signal:8080',
        number: '+1',
        recipients: ['+2'],
      },
      'ops-hook': {
        type: 'webhook',
        url: 'https://hooks.example/x',
        secret: 's3cret',
      },
      team: { type: 'notifications', owners: true },
    });
    expect([...channels].map(([name, c]) => [name, c.type])).toEqual([
      ['ops-slack', 'slack'],
      ['ops-discord', 'discord'],
      ['ops-telegram', 'telegram'],
      ['ops-signal', 'signal'],
      ['ops-hook', 'webhook'],
      ['team', 'notifications'],
    ]);
    // Notifications cannot be checked without sending; the others can.
    expect(channels.get('team')!.check).toBeUndefined();
    expect(channels.get('ops-hook')!.check).toBeUndefined();
    expect(channels.get('ops-slack')!.check).toBeDefined();
  });

  it('reads no channels when none are configured', () => {
    expect(
      readChannels(new ConfigReader({}), {
        notifications: { send: async () => {} },
      }).size,
    ).toBe(0);
  });

  it.each([
    [
      'a missing bot token',
      { type: 'telegram', chatId: '1' },
      'hermes.delivery.channels.x.botToken is required for type telegram',
    ],
    [
      'a missing chat id',
      { type: 'telegram', botToken: '1:a' },
      'hermes.delivery.channels.x.chatId is required for type telegram',
    ],
    [
      'a missing Slack token',
      { type: 'slack', channel: 'C1' },
      'hermes.delivery.channels.x.token is required for type slack',
    ],
    [
      'a missing Slack channel',
      { type: 'slack', token: 'xoxb-1' },
      'hermes.delivery.channels.x.channel is required for type slack',
    ],
    [
      'a missing webhook URL',
      { type: 'discord' },
      'hermes.delivery.channels.x.webhookUrl is required for type discord',
    ],
    [
      'a Signal channel without baseUrl',
      { type: 'signal', number: '+1', recipients: ['+2'] },
      'hermes.delivery.channels.x.baseUrl is required for type signal (the signal-cli REST API)',
    ],
    [
      'a Signal channel without recipients',
      { type: 'signal', baseUrl: 'http://s', number: '+1' },
      'hermes.delivery.channels.x.recipients is required for type signal',
    ],
    [
      'a webhook without secret',
      { type: 'webhook', url: 'https://h.example' },
      'hermes.delivery.channels.x.secret is required for type webhook',
    ],
    [
      'an unknown type',
      { type: 'email' },
      'hermes.delivery.channels.x.type "email" is not a delivery channel type; accepted types: slack, discord, telegram, signal, webhook, notifications',
    ],
    [
      'no type',
      { token: 'xoxb-1' },
      'hermes.delivery.channels.x.type is required; accepted types: slack, discord',
    ],
    [
      'a setting of another type',
      { type: 'slack', token: 'xoxb-1', channel: 'C1', chatId: '5' },
      'hermes.delivery.channels.x.chatId does not apply to type slack; its settings are token, channel, baseUrl',
    ],
    [
      'a baseUrl that is not a URL',
      {
        type: 'telegram',
        botToken: '1:a',
        chatId: '1',
        baseUrl: 'api.telegram.org',
      },
      'hermes.delivery.channels.x.baseUrl must be an http(s) URL',
    ],
    [
      'notifications to nobody',
      { type: 'notifications' },
      'hermes.delivery.channels.x needs recipients or owners: true for type notifications',
    ],
    [
      'a recipient that is not an entity ref',
      { type: 'notifications', recipients: ['user:'] },
      'hermes.delivery.channels.x.recipients[0] "user:" is not an entity ref',
    ],
  ])('names the key for %s', (_name, settings, message) => {
    expect(() => read({ x: settings })).toThrow(message);
  });

  it('does not repeat a webhook URL it rejects (it holds a token)', () => {
    expect(() =>
      read({
        x: {
          type: 'discord',
          webhookUrl: 'ftp://discord.com/api/webhooks/1/secret-token',
        },
      }),
    ).toThrow(
      /^hermes\.delivery\.channels\.x\.webhookUrl must be an http\(s\) URL$/,
    );
  });
});
