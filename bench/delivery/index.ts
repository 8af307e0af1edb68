// Delivery outbox benchmark: 1,000 queued deliveries — 250 task runs × 4 channels (Slack,
// Discord, Telegram, a signed webhook), each channel a loopback server shaped like the
// platform's API — drained through the real channels while 30% of requests fail (5xx pages,
// and 429s with a retry time of 0.1–1 s). Retries use a short backoff (50 ms doubling to 2 s,
// up to 12 attempts, 5 s timeout) instead of the defaults (30 s to 1 h, 8 attempts), so the
// run takes seconds; the rate limits are honoured as in production.
//
// Prints the time to drain, attempts per delivery (mean, max), lost deliveries (rows not sent,
// and messages the servers never received; must be 0) and duplicates (messages a server
// received twice; for the webhook also after the receiver's dedupe by X-Hermes-Delivery).
// On SQLite (a file in a temporary directory) and, when a server is given, on PostgreSQL.
//
// Run: yarn bench:delivery [--runs N] [--failure-rate 0.3] [--pg postgresql://user@host:port]
// PostgreSQL is also used when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set.
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { TaskReport } from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  Fault,
  PlatformServer,
  startDiscordServer,
  startSlackServer,
  startTelegramServer,
  startWebhookServer,
} from '../../plugins/hermes-backend/src/__testUtils__/platformServers';
import { DefaultDeliveryService } from '../../plugins/hermes-backend/src/delivery/DefaultDeliveryService';
import { KnexDeliveryStore } from '../../plugins/hermes-backend/src/delivery/DeliveryStore';
import { onEachDatabase } from '../databases';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const runs = Number(arg('runs')) || 250;
const failureRate = Number(arg('failure-rate') ?? 0.3);
const pgUrl =
  arg('pg') ?? process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

const FAULTS: Fault[] = [
  { status: 500 },
  { status: 502 },
  { status: 503 },
  { status: 429, retryAfter: 0.1 },
  { status: 429, retryAfter: 0.5 },
  { status: 429, retryAfter: 1 },
];
const CHANNELS = ['ops-slack', 'ops-discord', 'ops-telegram', 'ops-webhook'];
const SLACK_TOKEN = 'xoxb-bench-token';
const TELEGRAM_TOKEN = '123456:bench-bot-token';
const WEBHOOK_SECRET = 'bench-signing-secret';

/** The outbox logs every failed attempt; the bench only counts them. */
function countingLogger() {
  const counts = { warn: 0, error: 0 };
  const logger: LoggerService = {
    info: () => {},
    debug: () => {},
    warn: () => void counts.warn++,
    error: (message: string) => {
      counts.error++;
      process.stderr.write(`  error: ${message}\n`);
    },
    child: () => logger,
  };
  return { logger, counts };
}

const report = (run: number): TaskReport => ({
  title: `Bench report ${String(run).padStart(5, '0')}`,
  subtitle: 'cluster bench · 1 namespace · 1 finding (1 unknown)',
  status: 'succeeded',
  groups: [
    {
      name: 'serving-stack',
      summary: '1 diff',
      findings: [
        {
          classification: 'unknown',
          headline: 'Deployment api: 1 field differs from Git',
          changes: ['spec.replicas: 2 → 5'],
          moreChanges: 0,
          attribution: 'kubectl-edit (human) at 03:12 UTC',
        },
      ],
    },
  ],
  warnings: [],
  link: `http://localhost:3000/hermes/tasks/bench/runs/${run}`,
});

/** Which bench run a received message belongs to, from the title it carries. */
const runOf = (body: unknown) =>
  /Bench report (\d{5})/.exec(JSON.stringify(body))?.[1];

async function bench(label: string, knex: Knex) {
  const servers: Record<string, PlatformServer> = {
    'ops-slack': await startSlackServer({ token: SLACK_TOKEN }),
    'ops-discord': await startDiscordServer(),
    'ops-telegram': await startTelegramServer({ botToken: TELEGRAM_TOKEN }),
    'ops-webhook': await startWebhookServer({ secret: WEBHOOK_SECRET }),
  };
  Object.values(servers).forEach((s, i) =>
    s.failRandomly(failureRate, FAULTS, 1000 + i),
  );
  const config = new ConfigReader({
    hermes: {
      delivery: {
        retry: {
          maxAttempts: 12,
          initialDelay: { milliseconds: 50 },
          maxDelay: { seconds: 2 },
        },
        timeout: { seconds: 5 },
        channels: {
          'ops-slack': {
            type: 'slack',
            token: SLACK_TOKEN,
            channel: 'C0BENCH',
            baseUrl: servers['ops-slack'].url,
          },
          'ops-discord': {
            type: 'discord',
            webhookUrl: servers['ops-discord'].url,
          },
          'ops-telegram': {
            type: 'telegram',
            botToken: TELEGRAM_TOKEN,
            chatId: '-100123',
            baseUrl: servers['ops-telegram'].url,
          },
          'ops-webhook': {
            type: 'webhook',
            url: servers['ops-webhook'].url,
            secret: WEBHOOK_SECRET,
          },
        },
      },
    },
  });
  const database = { getClient: async () => knex, migrations: { skip: false } };
  const { logger, counts } = countingLogger();
  let notified = 0;
  try {
    // The backlog, as 250 task runs would have queued it (one statement per run).
    const store = await KnexDeliveryStore.create({ database });
    const queuedAt = new Date();
    const types = {
      'ops-slack': 'slack',
      'ops-discord': 'discord',
      'ops-telegram': 'telegram',
      'ops-webhook': 'webhook',
    } as const;
    for (let run = 0; run < runs; run++) {
      const runId = randomUUID();
      await store.enqueue(
        CHANNELS.map(channel => ({
          id: randomUUID(),
          runId,
          taskId: 'bench-task',
          owner: 'user:default/bench',
          channel,
          type: types[channel as keyof typeof types],
          report: report(run),
        })),
        queuedAt,
      );
    }

    const service = await DefaultDeliveryService.create({
      config,
      database,
      logger,
      notifications: { send: async () => void notified++ },
    });
    // Drain as the scheduler would: again whenever rows wait (retry times, rate limits).
    const started = performance.now();
    const pending = async () =>
      Number(
        (
          await knex('hermes_deliveries')
            .whereIn('status', ['queued', 'sending', 'failed'])
            .count({ n: '*' })
        )[0].n,
      );
    let drains = 0;
    while (true) {
      await service.drain();
      drains++;
      if ((await pending()) === 0) break;
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    const drainMs = performance.now() - started;
    await service.close();

    const rows: Array<{
      id: string;
      channel: string;
      status: string;
      attempts: number;
    }> = await knex('hermes_deliveries').select(
      'id',
      'channel',
      'status',
      'attempts',
    );
    const attempts = rows.map(r => Number(r.attempts));
    const byStatus = new Map<string, number>();
    for (const r of rows)
      byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    const notSent = rows.filter(r => r.status !== 'sent').length;

    let notReceived = 0;
    const duplicates: Record<string, number> = {};
    for (const channel of CHANNELS) {
      const seen = new Map<string, number>();
      for (const message of servers[channel].received) {
        const key = runOf(message.body) ?? '?';
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      for (let run = 0; run < runs; run++)
        if (!seen.has(String(run).padStart(5, '0'))) notReceived++;
      duplicates[channel] = [...seen.values()].reduce((n, c) => n + c - 1, 0);
    }
    // What a receiver keeps after dropping repeats of one X-Hermes-Delivery id.
    const webhookIds = servers['ops-webhook'].received.map(
      m => m.headers['x-hermes-delivery'],
    );
    const webhookAfterDedupe = webhookIds.length - new Set(webhookIds).size;
    const requests = CHANNELS.map(c => servers[c].requests).reduce(
      (a, b) => a + b,
    );

    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`\n${label}`);
    out(
      `  deliveries            ${rows.length} (${runs} runs × ${CHANNELS.length} channels)`,
    );
    out(
      `  statuses              ${[...byStatus]
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
    );
    out(
      `  time to drain         ${(drainMs / 1000).toFixed(
        2,
      )} s (${drains} drain calls)`,
    );
    out(
      `  attempts / delivery   mean ${(
        attempts.reduce((a, b) => a + b, 0) / rows.length
      ).toFixed(2)}, max ${Math.max(...attempts)}`,
    );
    out(
      `  requests              ${requests} (${(
        (1 - rows.length / requests) *
        100
      ).toFixed(1)}% failed), ${counts.warn} failed attempts logged`,
    );
    out(
      `  lost                  ${
        notSent + notReceived
      } (rows not sent ${notSent}, messages not received ${notReceived})`,
    );
    out(
      `  duplicates            ${CHANNELS.map(
        c => `${c} ${duplicates[c]}`,
      ).join(
        ', ',
      )}; webhook after X-Hermes-Delivery dedupe ${webhookAfterDedupe}`,
    );
    out(`  owners told (dead)    ${notified}; errors logged ${counts.error}`);
  } finally {
    await Promise.all(Object.values(servers).map(s => s.close()));
  }
}

async function main() {
  await onEachDatabase('delivery', pgUrl, bench);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
