import { DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { TaskReport } from '@hermes-backstage/plugin-hermes-common';
import knexFactory, { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createTestDatabases,
  databaseService,
  TestDatabaseId,
} from '../__testUtils__/databases';
import {
  PlatformServer,
  startDiscordServer,
  startSlackServer,
  startTelegramServer,
  startWebhookServer,
} from '../__testUtils__/platformServers';
import { Channel, readChannels } from './channels';
import { DefaultDeliveryService } from './DefaultDeliveryService';
import { KnexDeliveryStore } from './DeliveryStore';

// The outbox through the real channels to loopback servers shaped like each platform's API,
// with the faults platforms produce: outages, rate limits, revoked credentials, restarts.

// Creating a PostgreSQL database per test takes a while on a busy machine.
jest.setTimeout(60_000);

const databases = createTestDatabases();
const SLACK_TOKEN = 'xoxb-fault-test-token';
const BOT_TOKEN = '123456:telegram-fault-token';
const SECRET = 'webhook-fault-secret';
const OWNER = 'user:default/ada';

const report = (n: number): TaskReport => ({
  title: `Nightly drift ${n}`,
  status: 'succeeded',
  groups: [],
  warnings: [],
  link: `http://localhost:3000/hermes/tasks/task-1/runs/${n}`,
});

describe.each(databases.eachSupportedId())('the outbox on %s', databaseId => {
  let servers: Record<
    'slack' | 'discord' | 'telegram' | 'webhook',
    PlatformServer
  >;
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeEach(async () => {
    servers = {
      slack: await startSlackServer({ token: SLACK_TOKEN }),
      discord: await startDiscordServer(),
      telegram: await startTelegramServer({ botToken: BOT_TOKEN }),
      webhook: await startWebhookServer({ secret: SECRET }),
    };
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    await Promise.all(Object.values(servers).map(s => s.close()));
  });

  function config(options: { maxAttempts?: number; slackToken?: string } = {}) {
    return new ConfigReader({
      hermes: {
        delivery: {
          retry: {
            maxAttempts: options.maxAttempts ?? 8,
            initialDelay: { milliseconds: 10 },
            maxDelay: { milliseconds: 50 },
          },
          timeout: { seconds: 2 },
          channels: {
            'ops-slack': {
              type: 'slack',
              token: options.slackToken ?? SLACK_TOKEN,
              channel: 'C0OPS',
              baseUrl: servers.slack.url,
            },
            'ops-discord': { type: 'discord', webhookUrl: servers.discord.url },
            'ops-telegram': {
              type: 'telegram',
              botToken: BOT_TOKEN,
              chatId: '-100200',
              baseUrl: servers.telegram.url,
            },
            'ops-webhook': {
              type: 'webhook',
              url: servers.webhook.url,
              secret: SECRET,
            },
          },
        },
      },
    });
  }

  /** A database two services can open separately, as two backend processes would. */
  async function sharedDatabase(): Promise<() => DatabaseService> {
    let open: () => Knex;
    if (databaseId.startsWith('SQLITE')) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-outbox-'));
      cleanup.push(async () =>
        fs.rmSync(dir, { recursive: true, force: true }),
      );
      open = () =>
        knexFactory({
          client: 'better-sqlite3',
          connection: { filename: path.join(dir, 'hermes.sqlite') },
          useNullAsDefault: true,
        });
    } else {
      const first = await databases.init(databaseId as TestDatabaseId);
      open = () => knexFactory(first.client.config);
    }
    return () => {
      const knex = open();
      cleanup.push(() => knex.destroy());
      return databaseService(knex);
    };
  }

  async function start(
    options: {
      config?: ConfigReader;
      database?: DatabaseService;
      channels?: Map<string, Channel>;
    } = {},
  ) {
    const told: NotificationSendOptions[] = [];
    const service = await DefaultDeliveryService.create({
      config: options.config ?? config(),
      database:
        options.database ?? databaseService(await databases.init(databaseId)),
      logger: mockServices.logger.mock(),
      notifications: { send: async n => void told.push(n) },
      channels: options.channels,
    });
    cleanup.push(() => service.close());
    return { service, told };
  }

  const run = (
    n: number,
    service: DefaultDeliveryService,
    channels: string[],
  ) =>
    service.enqueue(
      { runId: `run-${n}`, taskId: 'task-1', owner: OWNER, report: report(n) },
      channels,
    );

  /** The run's deliveries by channel once each is sent or dead. */
  async function settled(service: DefaultDeliveryService, runId = 'run-1') {
    for (let i = 0; i < 600; i++) {
      const list = (await service.listForRuns([runId])).get(runId)!;
      if (
        list.length &&
        list.every(d => d.status === 'sent' || d.status === 'dead')
      )
        return Object.fromEntries(list.map(d => [d.channel, d]));
      await new Promise(r => setTimeout(r, 25));
    }
    throw new Error(`the deliveries of ${runId} did not settle`);
  }

  it('delivers once to a channel that was down for several attempts', async () => {
    servers.telegram.failNext(
      { status: 503 },
      { status: 502 },
      { status: 500 },
    );
    const { service, told } = await start();
    await run(1, service, ['ops-telegram']);

    const { 'ops-telegram': done } = await settled(service);
    expect(done).toMatchObject({ status: 'sent', attempts: 4, messageId: '1' });
    await service.drain();
    expect(servers.telegram.requests).toBe(4);
    expect(servers.telegram.received).toHaveLength(1);
    expect(servers.telegram.received[0].body.text).toContain('Nightly drift 1');
    expect(told).toEqual([]);
  });

  it('marks a channel with revoked credentials dead after one attempt, tells the owner, and sends the run to its other channels', async () => {
    const { service, told } = await start({
      config: config({ slackToken: 'xoxb-revoked-token' }),
    });
    await run(1, service, ['ops-slack', 'ops-discord', 'ops-webhook']);

    const done = await settled(service);
    expect(done['ops-slack']).toMatchObject({ status: 'dead', attempts: 1 });
    expect(done['ops-slack'].lastError).toMatch(/invalid_auth/);
    expect(done['ops-slack'].lastError).not.toContain('xoxb-revoked-token');
    expect(done['ops-discord']).toMatchObject({ status: 'sent', attempts: 1 });
    expect(done['ops-webhook']).toMatchObject({ status: 'sent', attempts: 1 });
    expect(servers.slack.received).toHaveLength(0);
    expect(servers.discord.received).toHaveLength(1);
    expect(servers.webhook.received).toHaveLength(1);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      recipients: { type: 'entity', entityRef: OWNER },
      payload: {
        title: 'Hermes could not deliver "Nightly drift 1" to ops-slack',
        link: report(1).link,
      },
    });
    expect(told[0].payload.description).toMatch(/invalid_auth/);
  });

  it("waits for Discord's retry_after before trying again", async () => {
    servers.discord.failNext({ status: 429, retryAfter: 0.4 });
    const { service } = await start();
    const queuedAt = Date.now();
    await run(1, service, ['ops-discord']);

    const { 'ops-discord': done } = await settled(service);
    expect(done).toMatchObject({ status: 'sent', attempts: 2 });
    expect(Date.parse(done.sentAt!) - queuedAt).toBeGreaterThanOrEqual(400);
    expect(servers.discord.requests).toBe(2);
    expect(servers.discord.received).toHaveLength(1);
  });

  it('gives up after maxAttempts with the last error and tells the owner', async () => {
    servers.webhook.failRandomly(1, [{ status: 503 }]);
    const { service, told } = await start({
      config: config({ maxAttempts: 3 }),
    });
    await run(1, service, ['ops-webhook']);

    const { 'ops-webhook': done } = await settled(service);
    expect(done).toMatchObject({ status: 'dead', attempts: 3 });
    expect(done.lastError).toMatch(/503/);
    expect(servers.webhook.requests).toBe(3);
    expect(told.map(n => n.payload.description)).toEqual([
      expect.stringContaining('after 3 attempts'),
    ]);
  });

  it('resumes after the backend stopped mid-retry: a new process on the same database delivers', async () => {
    const open = await sharedDatabase();
    servers.telegram.failRandomly(1, [{ status: 502 }]);
    const first = await start({
      database: open(),
      config: config({ maxAttempts: 50 }),
    });
    const [queued] = await run(1, first.service, ['ops-telegram']);
    while ((await first.service.get(queued.id))!.attempts < 2)
      await new Promise(r => setTimeout(r, 10));
    await first.service.close();
    const stopped = await first.service.get(queued.id);
    expect(stopped?.status).toBe('failed');

    // The platform recovers while no backend runs: nothing is sent until one starts.
    servers.telegram.failRandomly(0, []);
    await new Promise(r => setTimeout(r, 200));
    expect(servers.telegram.received).toHaveLength(0);

    const second = await start({
      database: open(),
      config: config({ maxAttempts: 50 }),
    });
    await second.service.start(mockServices.scheduler.mock());
    const { 'ops-telegram': done } = await settled(second.service);
    expect(done).toMatchObject({
      status: 'sent',
      attempts: stopped!.attempts + 1,
    });
    expect(servers.telegram.received).toHaveLength(1);
  });

  it('sends each delivery exactly once while two processes drain one database', async () => {
    const open = await sharedDatabase();
    for (const server of Object.values(servers))
      server.failRandomly(
        0.3,
        [{ status: 503 }, { status: 429, retryAfter: 0.05 }],
        7,
      );
    const channels = [
      'ops-slack',
      'ops-discord',
      'ops-telegram',
      'ops-webhook',
    ];
    const types = {
      'ops-slack': 'slack',
      'ops-discord': 'discord',
      'ops-telegram': 'telegram',
      'ops-webhook': 'webhook',
    } as const;
    const RUNS = 15;
    // Each process counts what it sent, to show that both took part.
    const sentBy = [0, 0];
    const counted = (i: number) =>
      new Map(
        [
          ...readChannels(config(), {
            notifications: { send: async () => {} },
          }),
        ].map(([name, c]): [string, Channel] => [
          name,
          {
            name,
            type: c.type,
            send: async r => {
              const sent = await c.send(r);
              sentBy[i]++;
              return sent;
            },
          },
        ]),
      );
    const a = await start({ database: open(), channels: counted(0) });
    const b = await start({ database: open(), channels: counted(1) });
    // The backlog is in place before either drains, so both race for the same rows.
    const store = await KnexDeliveryStore.create({ database: open() });
    for (let n = 1; n <= RUNS; n++)
      await store.enqueue(
        channels.map(channel => ({
          id: randomUUID(),
          runId: `run-${n}`,
          taskId: 'task-1',
          owner: OWNER,
          channel,
          type: types[channel as keyof typeof types],
          report: report(n),
        })),
        new Date(),
      );

    await Promise.all([a.service.drain(), b.service.drain()]);
    for (let n = 1; n <= RUNS; n++) {
      const done = await settled(a.service, `run-${n}`);
      expect(Object.values(done).map(d => d.status)).toEqual(
        Array(4).fill('sent'),
      );
    }
    for (const server of Object.values(servers)) {
      const titles = server.received.map(
        m => /Nightly drift (\d+)/.exec(JSON.stringify(m.body))?.[1],
      );
      expect(titles.sort((x, y) => Number(x) - Number(y))).toEqual(
        Array.from({ length: RUNS }, (_, i) => String(i + 1)),
      );
    }
    expect(sentBy[0] + sentBy[1]).toBe(RUNS * 4);
    expect(sentBy[0]).toBeGreaterThan(0);
    expect(sentBy[1]).toBeGreaterThan(0);
  });
});
