import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { TaskRunRecord } from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { demoAudit } from '../__testUtils__/demo';
import {
  ScriptedReply,
  startOpenAiServer,
} from '../__testUtils__/openAiServer';
import { hermesPlugin } from '../plugin';

const databases = createTestDatabases();
const ada = mockCredentials.user('user:default/ada');
const bob = mockCredentials.user('user:default/bob');

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'fraud-detector',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'fraud-detector',
      'backstage.io/kubernetes-namespace': 'serving-stack',
    },
  },
  spec: { owner: 'group:default/ml-platform' },
};

/** The plugin's scheduler, to fire the tasks' tick as the scheduler would. */
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

async function startHermes(
  knex: Knex,
  options: {
    script?: ScriptedReply[];
    deny?: boolean;
    hermes?: object;
  } = {},
) {
  const model = options.script
    ? await startOpenAiServer(options.script)
    : undefined;
  const sent: any[] = [];
  const schedulers: SchedulerService[] = [];
  const { server } = await startTestBackend({
    features: [
      hermesPlugin,
      schedulerProbe(schedulers),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'https://portal.example.com' },
          hermes: {
            audits: [demoAudit],
            delivery: {
              channels: { portal: { type: 'notifications', owners: true } },
            },
            approvals: { rules: [{ tool: 'memory', effect: 'allow' }] },
            ...(model
              ? {
                  model: { providers: { local: { baseUrl: model.baseUrl } } },
                  models: { chat: { provider: 'local', model: 'chat-model' } },
                }
              : {}),
            ...options.hermes,
          },
        },
      }),
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: [entity] }),
      ...(options.deny
        ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
        : []),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async (n: unknown) => void sent.push(n) }),
      }),
    ],
  });
  return { server, sent, model, scheduler: schedulers[0] };
}

async function waitForRun(
  server: any,
  taskId: string,
  done: (run: TaskRunRecord) => boolean,
): Promise<TaskRunRecord> {
  for (let i = 0; i < 200; i++) {
    const res = await request(server)
      .get(`/api/hermes/tasks/${taskId}/runs`)
      .set('Authorization', mockCredentials.user.header('user:default/ada'));
    const run = res.body.items?.[0];
    if (run && done(run)) return run;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('The run did not finish');
}

const auth = (user = 'user:default/ada') => ({
  Authorization: mockCredentials.user.header(user),
});

describe.each(databases.eachSupportedId())(
  'scheduled tasks on %s',
  databaseId => {
    it('creates a drift-audit task, shows its schedule in words, runs it and delivers the report', async () => {
      const knex = await databases.init(databaseId);
      const { server, sent } = await startHermes(knex);

      const created = await request(server)
        .post('/api/hermes/tasks')
        .set(auth())
        .send({
          name: 'prod-drift',
          kind: 'drift-audit',
          audit: 'demo',
          schedule: 'every 6h',
          deliver: ['portal'],
          entityRef: 'component:default/fraud-detector',
        });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'prod-drift',
        owner: 'user:default/ada',
        source: 'api',
        schedule: {
          text: 'every 6h',
          cron: '0 */6 * * *',
          timezone: 'UTC',
          description: expect.stringMatching(/6 hours/),
        },
        enabled: true,
      });
      expect(created.body.schedule.next).toHaveLength(3);
      const id = created.body.id;

      const run = await request(server)
        .post(`/api/hermes/tasks/${id}/run`)
        .set(auth());
      expect(run.status).toBe(202);
      const finished = await waitForRun(
        server,
        id,
        r =>
          r.status !== 'queued' &&
          r.status !== 'running' &&
          // The run is recorded as finished before its deliveries are: every() of none is true.
          r.deliveries.length > 0 &&
          r.deliveries.every(d => d.status === 'sent'),
      );
      expect(finished).toMatchObject({
        trigger: 'manual',
        status: 'succeeded',
        auditId: expect.any(String),
        report: {
          title: expect.stringMatching(
            /^Drift Audit — .* · cluster neuroscale-prod$/,
          ),
          status: 'succeeded',
          link: `https://portal.example.com/hermes?tab=tasks&task=${id}&run=${finished.id}`,
        },
        deliveries: [
          expect.objectContaining({
            channel: 'portal',
            status: 'sent',
            attempts: 1,
          }),
        ],
      });
      expect(finished.durationMs).toBeGreaterThanOrEqual(0);
      expect(finished.report!.groups.length).toBeGreaterThan(0);
      // Owners of the task's entity are told through Backstage notifications.
      expect(sent).toContainEqual(
        expect.objectContaining({
          recipients: {
            type: 'entity',
            entityRef: ['component:default/fraud-detector'],
          },
        }),
      );

      const listed = await request(server).get('/api/hermes/tasks').set(auth());
      expect(listed.body.items).toEqual([
        expect.objectContaining({
          id,
          lastRun: expect.objectContaining({ status: 'succeeded' }),
        }),
      ]);
    });

    it('refuses what it cannot run with a message naming it, and changes nothing', async () => {
      const knex = await databases.init(databaseId);
      const { server } = await startHermes(knex);
      const base = {
        name: 'bad',
        kind: 'drift-audit',
        audit: 'demo',
        schedule: 'every 6h',
        deliver: ['portal'],
      };
      const post = (body: object) =>
        request(server)
          .post('/api/hermes/tasks')
          .set(auth())
          .send({ ...base, ...body });

      const phrase = await post({ schedule: 'every blue moon' });
      expect(phrase.status).toBe(400);
      expect(phrase.body.error.message).toMatch(
        /Cannot read the schedule "every blue moon".*daily at 09:00/,
      );
      expect(
        (await post({ deliver: ['ops-telegram'] })).body.error.message,
      ).toMatch(/ops-telegram/);
      expect((await post({ audit: 'nope' })).body.error.message).toMatch(
        /no audit "nope"; configured audits: demo/,
      );
      expect(
        (await post({ kind: 'agent', audit: undefined })).body.error.message,
      ).toMatch(/prompt: an agent task needs a prompt/);
      expect((await post({ model: 'nobody/gpt' })).body.error.message).toMatch(
        /unknown provider "nobody"/,
      );
      expect(
        (await request(server).get('/api/hermes/tasks').set(auth())).body.items,
      ).toEqual([]);

      const preview = await request(server)
        .get('/api/hermes/tasks/schedule-preview')
        .query({ text: 'weekdays at 8am', timezone: 'Europe/Berlin' })
        .set(auth());
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({
        cron: '0 8 * * 1-5',
        timezone: 'Europe/Berlin',
        description: expect.stringMatching(/Europe\/Berlin/),
      });
      expect(preview.body.next).toHaveLength(3);
    });

    it('lets only the owner change a task and keeps other users from reading runs they may not see', async () => {
      const knex = await databases.init(databaseId);
      const { server } = await startHermes(knex);
      const created = await request(server)
        .post('/api/hermes/tasks')
        .set(auth())
        .send({
          name: 'cluster-drift',
          kind: 'drift-audit',
          audit: 'demo',
          schedule: 'daily at 09:00',
        });
      expect(created.status).toBe(201);
      const id = created.body.id;

      // The mock permissions allow everything, so bob may read (hermes.drift.read) and change
      // (hermes.tasks.admin); the denying backend below shows the other side.
      const patched = await request(server)
        .patch(`/api/hermes/tasks/${id}`)
        .set(auth('user:default/bob'))
        .send({ enabled: false });
      expect(patched.status).toBe(200);
      expect(patched.body.schedule.next).toEqual([]);

      const denied = await startHermes(knex, { deny: true });
      const asBob = await request(denied.server)
        .patch(`/api/hermes/tasks/${id}`)
        .set(auth('user:default/bob'))
        .send({ enabled: true });
      expect(asBob.status).toBe(404);
      const cluster = await request(denied.server)
        .post('/api/hermes/tasks')
        .set(auth('user:default/bob'))
        .send({
          name: 'bobs',
          kind: 'drift-audit',
          audit: 'demo',
          schedule: 'hourly',
        });
      expect(cluster.status).toBe(403);
      expect(cluster.body.error.message).toMatch(/needs hermes.drift.read/);
      // The owner keeps their task whatever they hold.
      const own = await request(denied.server)
        .delete(`/api/hermes/tasks/${id}`)
        .set(auth());
      expect(own.status).toBe(204);
      void ada;
      void bob;
    });

    it('runs an agent task with read-only tools in its scope and holds a changing call for its owner', async () => {
      const knex = await databases.init(databaseId);
      const { server, model } = await startHermes(knex, {
        script: [
          { toolCalls: [{ name: 'drift_findings', arguments: {} }] },
          {
            chunks: [
              'One unknown change: ',
              'the InferenceService was edited.',
            ],
          },
          {
            toolCalls: [
              {
                name: 'memory',
                arguments: {
                  action: 'add',
                  scope: 'global',
                  text: 'remember x',
                },
              },
            ],
          },
        ],
      });
      const created = await request(server)
        .post('/api/hermes/tasks')
        .set(auth())
        .send({
          name: 'digest',
          kind: 'agent',
          prompt:
            'Check the diff between Git and the cluster and summarize it.',
          schedule: '0 */6 * * *',
          entityRef: 'component:default/fraud-detector',
          deliver: ['portal'],
        });
      expect(created.status).toBe(201);
      const id = created.body.id;
      expect(
        (
          await request(server)
            .post('/api/hermes/drift/audits/demo/run')
            .set(auth())
        ).status,
      ).toBe(201);
      const runOnce = async () => {
        expect(
          (
            await request(server)
              .post(`/api/hermes/tasks/${id}/run`)
              .set(auth())
          ).status,
        ).toBe(202);
        return waitForRun(
          server,
          id,
          r => r.status !== 'queued' && r.status !== 'running',
        );
      };

      const answered = await runOnce();
      expect(answered).toMatchObject({
        status: 'succeeded',
        model: 'local/chat-model',
        sessionId: expect.any(String),
        report: {
          title: 'Hermes task digest',
          summary: 'One unknown change: the InferenceService was edited.',
          warnings: [],
        },
      });
      expect(answered.tokens).toEqual({
        input: expect.any(Number),
        output: expect.any(Number),
      });
      // drift_findings read only the task's entity, whatever the model asked for.
      const toolResult = JSON.stringify(
        model!.requests[1].body.messages.filter((m: any) => m.role === 'tool'),
      );
      expect(toolResult).toContain('fraud-detector');
      expect(toolResult).not.toContain('kyverno');
      // Only read-only tools in scope, and changing ones (to be held), reach the model.
      const offered = model!.requests[0].body.tools.map(
        (t: any) => t.function.name,
      );
      expect(offered).toContain('drift_findings');
      expect(offered).not.toContain('catalog_search');
      expect(offered).not.toContain('memory_search');
      expect(offered).not.toContain('actions_list');

      // A rule allows `memory` in a chat; a schedule alone never changes anything.
      const held = await runOnce();
      expect(held.report!.warnings).toEqual([
        expect.stringMatching(
          /1 changing call wait.*user:default\/ada's approval/,
        ),
      ]);
      const inbox = await request(server)
        .get('/api/hermes/approvals')
        .set(auth());
      expect(inbox.body.approvals).toEqual([
        expect.objectContaining({
          tool: 'memory',
          status: 'pending',
          sessionId: held.sessionId,
        }),
      ]);
      const notes = await request(server)
        .get('/api/hermes/memory/notes')
        .query({ scope: 'global' })
        .set(auth());
      expect(JSON.stringify(notes.body)).not.toContain('remember x');
    });

    it('runs a drift-audit task with its own model for suggestions and the narrative', async () => {
      const knex = await databases.init(databaseId);
      const { server, model } = await startHermes(knex, {
        script: [
          { content: '{"suggestions":[]}' },
          { content: 'Two policy edits by hand; revert them.' },
        ],
        hermes: {
          models: { audit: { provider: 'local', model: 'audit-model' } },
        },
      });
      const created = await request(server)
        .post('/api/hermes/tasks')
        .set(auth())
        .send({
          name: 'narrated',
          kind: 'drift-audit',
          audit: 'demo',
          schedule: 'daily at 06:00',
          model: 'local/task-model',
        });
      expect(created.status).toBe(201);
      await request(server)
        .post(`/api/hermes/tasks/${created.body.id}/run`)
        .set(auth());
      const run = await waitForRun(
        server,
        created.body.id,
        r => r.status !== 'queued' && r.status !== 'running',
      );
      expect(run).toMatchObject({
        status: 'succeeded',
        model: 'local/task-model',
        report: { summary: 'Two policy edits by hand; revert them.' },
      });
      expect(model!.requests.map(r => r.body.model)).toEqual([
        'task-model',
        'task-model',
      ]);
    });

    it('records a due time missed while the backend was down: run once, or skipped by setting', async () => {
      const knex = await databases.init(databaseId);
      const { server, scheduler } = await startHermes(knex);
      const make = async (name: string, missedRuns: string) =>
        (
          await request(server).post('/api/hermes/tasks').set(auth()).send({
            name,
            kind: 'drift-audit',
            audit: 'demo',
            schedule: 'every 6h',
            missedRuns,
          })
        ).body.id;
      const once = await make('once', 'run-once');
      const skip = await make('skip', 'skip');
      // As if the backend had been down since the due time two slots of "every 6h" (cron
      // 0 */6 * * * in UTC) before the latest: three due times missed, whatever the hour.
      const slot = 6 * 3600_000;
      const latest = Math.floor(Date.now() / slot) * slot;
      await knex('hermes_tasks')
        .whereIn('id', [once, skip])
        .update({ next_run_at: new Date(latest - 2 * slot) });
      await scheduler.triggerTask('hermes-tasks');

      const caughtUp = await waitForRun(
        server,
        once,
        r => r.status === 'succeeded',
      );
      expect(caughtUp.trigger).toBe('catch-up');
      const skipped = await waitForRun(
        server,
        skip,
        r => r.status === 'skipped',
      );
      expect(skipped.reason).toMatch(
        /missed 3 due times from .* while no Hermes backend was running/,
      );
      const next = await request(server)
        .get(`/api/hermes/tasks/${skip}`)
        .set(auth());
      expect(Date.parse(next.body.schedule.next[0])).toBeGreaterThan(
        Date.now(),
      );
    });
  },
);
