import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { captureLogs } from '../__testUtils__/demo';
import { KnexTraceStore } from '../agent/TraceStore';
import { KnexDeliveryStore } from '../delivery/DeliveryStore';
import { KnexTaskStore } from '../tasks/TaskStore';
import { hermesPlugin } from '../plugin';

const databases = createTestDatabases();
// A whole backend per test, on a machine that may be busy.
jest.setTimeout(60_000);
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

/** The plugin's scheduler, to run the cleaner as the scheduler would. */
function schedulerProbe(found: SchedulerService[]) {
  return createBackendModule({
    pluginId: 'hermes',
    moduleId: 'test-scheduler-probe',
    register(env) {
      env.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          found.push(scheduler);
        },
      });
    },
  });
}

async function startHermes(knex: Knex, retention: object) {
  const schedulers: SchedulerService[] = [];
  const backend = await startTestBackend({
    features: [
      hermesPlugin,
      // A scheduler of this backend's own: the default one is shared by every test backend.
      mockServices.scheduler.factory(),
      schedulerProbe(schedulers),
      mockServices.rootLogger.factory({ level: 'info' }),
      mockServices.rootConfig.factory({ data: { hermes: { retention } } }),
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory(),
    ],
  });
  return { backend, scheduler: schedulers[0] };
}

/** History of every kind, each row aged by hand as if written that many days ago. */
async function seedHistory(knex: Knex) {
  const database = databaseService(knex);
  const traces = await KnexTraceStore.create({ database });
  const tasks = await KnexTaskStore.create({ database });
  const outbox = await KnexDeliveryStore.create({ database });
  // Audit runs that found nothing: nothing of theirs is live history.
  for (const age of [400, 10])
    await knex('hermes_drift_audits').insert({
      id: `audit-${age}d`,
      cluster: 'prod',
      status: 'succeeded',
      trigger: 'schedule',
      desired_source: 'git',
      live_source: 'snapshot',
      started_at: daysAgo(age),
      finished_at: daysAgo(age),
    });

  const trace = async (id: string, age: number) => {
    await traces.record({
      id,
      userRef: 'user:default/ada',
      goal: 'Why is the scorer degraded?',
      outcome: 'answered',
      steps: 1,
      toolCalls: [],
      skillsUsed: [],
      startedAt: new Date(),
    });
    await knex('hermes_agent_traces')
      .where({ id })
      .update({ started_at: daysAgo(age), finished_at: daysAgo(age) });
  };
  await trace('trace-400d', 400);
  await trace('trace-40d', 40);
  await trace('trace-1d', 1);

  const task = await tasks.create({
    name: 'nightly-drift',
    owner: 'user:default/ada',
    source: 'api',
    kind: 'drift-audit',
    audit: 'demo',
    schedule: { text: 'daily at 02:00', cron: '0 2 * * *', timezone: 'UTC' },
    deliver: ['hook'],
    enabled: true,
    missedRuns: 'run-once',
    scope: { driftRead: true, checkedAt: new Date().toISOString() },
  });
  const run = async (age: number, finish = true) => {
    const { id } = (await tasks.addRun({
      taskId: task.id,
      trigger: 'manual',
      status: 'queued',
    }))!;
    await tasks.claimRun(id);
    if (finish) await tasks.finishRun(id, { status: 'succeeded' });
    await knex('hermes_task_runs')
      .where({ id })
      .update({
        queued_at: daysAgo(age),
        started_at: daysAgo(age),
        finished_at: finish ? daysAgo(age) : null,
      });
    return id;
  };
  const runs = {
    '400d': await run(400),
    '40d': await run(40),
    'running-400d': await run(400, false),
  };

  const report = {
    title: 'Drift',
    status: 'succeeded' as const,
    groups: [],
    warnings: [],
  };
  const queue = (id: string, age: number) =>
    outbox.enqueue(
      [
        {
          id,
          runId: `run-${id}`,
          taskId: task.id,
          owner: 'user:default/ada',
          channel: 'hook',
          type: 'webhook',
          report,
        },
      ],
      daysAgo(age),
    );
  const delivery = async (id: string, age: number, status: 'sent' | 'dead') => {
    await queue(id, age);
    await outbox.claim(id, 0, daysAgo(age), daysAgo(age - 1));
    await outbox.complete(
      id,
      1,
      status === 'sent' ? { status } : { status, error: 'HTTP 410' },
      daysAgo(age),
    );
  };
  await delivery('sent-400d', 400, 'sent');
  await delivery('dead-10d', 10, 'dead');
  await delivery('sent-3d', 3, 'sent');
  // Waiting since long ago (say the channel's platform has been down): still on its way.
  await queue('queued-400d', 400);

  return {
    audits: async () =>
      (await knex('hermes_drift_audits').select('id').orderBy('id')).map(
        r => r.id,
      ),
    traces: async () =>
      (await traces.list({ limit: 10 })).map(t => t.id).sort(),
    runs: async () => {
      const kept = (await tasks.listRuns(task.id, 10)).map(r => r.id);
      return Object.entries(runs)
        .filter(([, id]) => kept.includes(id))
        .map(([name]) => name)
        .sort();
    },
    task: async () => (await tasks.get(task.id))?.name,
    deliveries: async () =>
      (
        await outbox.listForRuns(
          ['sent-400d', 'dead-10d', 'sent-3d', 'queued-400d'].map(
            id => `run-${id}`,
          ),
        )
      )
        .map(d => d.id)
        .sort(),
  };
}

describe.each(databases.eachSupportedId())(
  'retention in the Hermes backend on %s',
  databaseId => {
    it('deletes history older than hermes.retention each time the cleaner runs, and logs how much', async () => {
      const knex = await databases.init(databaseId);
      const logs = captureLogs();
      const { backend, scheduler } = await startHermes(knex, {
        auditRuns: '365d',
        traces: '30d',
        taskRuns: 'P60D',
        deliveries: { days: 7 },
      });
      const cleaner = (await scheduler.getScheduledTasks()).find(
        t => t.id === 'hermes-retention',
      );
      // Once across replicas.
      expect(cleaner?.scope).toBe('global');

      const history = await seedHistory(knex);
      await scheduler.triggerTask('hermes-retention');

      expect(await history.audits()).toEqual(['audit-10d']);
      expect(await history.traces()).toEqual(['trace-1d']);
      expect(await history.runs()).toEqual(['40d', 'running-400d']);
      expect(await history.task()).toBe('nightly-drift');
      expect(await history.deliveries()).toEqual(['queued-400d', 'sent-3d']);
      const said = logs.filter(l => l.includes('Retention: deleted'));
      expect(said).toEqual([
        expect.stringMatching(/deleted 1 auditRuns older than /),
        expect.stringMatching(/deleted 2 traces older than /),
        expect.stringMatching(/deleted 1 taskRuns older than /),
        expect.stringMatching(/deleted 2 deliveries older than /),
      ]);
      // Each cutoff is its retention before now.
      const cutoffs = said.map(l =>
        Date.parse(l.split(' older than ')[1].split(' ')[0]),
      );
      [365, 30, 60, 7].forEach((days, i) =>
        expect(Math.abs(cutoffs[i] - daysAgo(days).getTime())).toBeLessThan(
          60_000,
        ),
      );
      await backend.stop();
    });

    it('keeps a kind of history forever when its retention is false, and uses the defaults for the rest', async () => {
      const knex = await databases.init(databaseId);
      const logs = captureLogs();
      const { backend, scheduler } = await startHermes(knex, {
        traces: false,
      });
      const history = await seedHistory(knex);
      await scheduler.triggerTask('hermes-retention');

      expect(await history.traces()).toEqual([
        'trace-1d',
        'trace-400d',
        'trace-40d',
      ]);
      // Default 90 days for runs and deliveries.
      expect(await history.runs()).toEqual(['40d', 'running-400d']);
      expect(await history.deliveries()).toEqual([
        'dead-10d',
        'queued-400d',
        'sent-3d',
      ]);
      expect(logs).toContainEqual(
        expect.stringContaining(
          'Retention: traces kept forever (hermes.retention.traces is false)',
        ),
      );
      await backend.stop();
    });

    it('schedules no cleaner when everything is kept forever', async () => {
      const knex = await databases.init(databaseId);
      const { backend, scheduler } = await startHermes(knex, {
        auditRuns: false,
        traces: false,
        taskRuns: false,
        deliveries: false,
      });
      const ids = (await scheduler.getScheduledTasks()).map(t => t.id);
      expect(ids).toContain('hermes-tasks');
      expect(ids).not.toContain('hermes-retention');
      await backend.stop();
    });

    it('refuses to start with a retention that is not a duration, naming the key', async () => {
      const knex = await databases.init(databaseId);
      await expect(
        startHermes(knex, { deliveries: 'a fortnight' }),
      ).rejects.toThrow(
        /Invalid duration 'a fortnight' in config at 'hermes\.retention\.deliveries'/,
      );
    });
  },
);
