import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory, { Knex } from 'knex';
import {
  createTestDatabases,
  TestDatabaseId,
} from '../__testUtils__/databases';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoAudit } from '../__testUtils__/demo';
import {
  PlatformServer,
  startWebhookServer,
} from '../__testUtils__/platformServers';
import { hermesPlugin } from '../plugin';

const databases = createTestDatabases();

/** A replica: the plugin with its own database connection pool and its own scheduler. */
async function startReplica(knex: Knex, webhook: PlatformServer) {
  const schedulers: SchedulerService[] = [];
  const probe = createBackendModule({
    pluginId: 'hermes',
    moduleId: 'test-scheduler-probe',
    register(env) {
      env.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          schedulers.push(scheduler);
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      hermesPlugin,
      probe,
      mockServices.rootConfig.factory({
        data: {
          hermes: {
            audits: [demoAudit],
            delivery: {
              channels: {
                hook: { type: 'webhook', url: webhook.url, secret: 's3cret' },
              },
            },
            tasks: [
              {
                name: 'prod-drift',
                kind: 'drift-audit',
                audit: 'demo',
                schedule: 'every 6h',
                deliver: ['hook'],
              },
            ],
          },
        },
      }),
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory(),
    ],
  });
  return { backend, scheduler: schedulers[0] };
}

/** Two connection pools to one database, as two replicas have. */
async function sharedDatabase(databaseId: TestDatabaseId) {
  if (databaseId.startsWith('POSTGRES')) {
    const first = await databases.init(databaseId);
    const second = knexFactory({
      client: 'pg',
      connection: first.client.config.connection,
    });
    return [first, second];
  }
  // SQLite shared between processes is a file.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-replicas-'));
  const open = () =>
    knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'hermes.sqlite') },
      useNullAsDefault: true,
    });
  return [open(), open()];
}

describe.each(databases.eachSupportedId())(
  'two backend replicas on one %s database',
  databaseId => {
    it('run a due task once and send each delivery once', async () => {
      const [first, second] = await sharedDatabase(databaseId);
      const webhook = await startWebhookServer({ secret: 's3cret' });
      try {
        // On PostgreSQL both start together: one migrates, both sync the config task, one
        // task results. Replicas do not share SQLite in production: there, one after the other.
        const [a, b] = databaseId.startsWith('POSTGRES')
          ? await Promise.all([
              startReplica(first, webhook),
              startReplica(second, webhook),
            ])
          : [
              await startReplica(first, webhook),
              await startReplica(second, webhook),
            ];
        const tasks = await first('hermes_tasks').select('id', 'name');
        expect(tasks.map(t => t.name)).toEqual(['prod-drift']);

        await first('hermes_tasks').update({
          next_run_at: new Date(Date.now() - 1000),
        });
        await Promise.all([
          a.scheduler.triggerTask('hermes-tasks').catch(() => {}),
          b.scheduler.triggerTask('hermes-tasks').catch(() => {}),
        ]);

        for (let i = 0; i < 300 && webhook.received.length < 1; i++)
          await new Promise(r => setTimeout(r, 100));
        // Let any second (wrong) run or send surface.
        await new Promise(r => setTimeout(r, 3000));

        const runs = await first('hermes_task_runs').select(
          'status',
          'trigger',
        );
        expect(runs).toEqual([{ status: 'succeeded', trigger: 'schedule' }]);
        const deliveries = await first('hermes_deliveries').select('status');
        expect(deliveries).toEqual([{ status: 'sent' }]);
        expect(webhook.received).toHaveLength(1);
        await Promise.all([a.backend.stop(), b.backend.stop()]);
      } finally {
        await webhook.close();
        await second.destroy();
        if (!databaseId.startsWith('POSTGRES')) await first.destroy();
      }
    }, 60_000);
  },
);
