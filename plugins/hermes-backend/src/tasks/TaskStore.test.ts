import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { KnexTaskStore, NewTask } from './TaskStore';

const databases = createTestDatabases();

const task = (name: string, overrides: Partial<NewTask> = {}): NewTask => ({
  name,
  owner: 'user:default/ada',
  source: 'api',
  kind: 'drift-audit',
  audit: 'neuroscale-prod',
  schedule: { text: 'every 6h', cron: '0 */6 * * *', timezone: 'UTC' },
  deliver: ['portal'],
  enabled: true,
  missedRuns: 'run-once',
  nextRunAt: new Date('2026-11-30T12:00:00Z'),
  scope: { driftRead: true, checkedAt: '2026-11-30T10:00:00.000Z' },
  ...overrides,
});

describe.each(databases.eachSupportedId())(
  'KnexTaskStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      return KnexTaskStore.create({ database: databaseService(knex) });
    }

    it('keeps a task as written and refuses a second task of the same name', async () => {
      const store = await createStore();
      const created = await store.create(task('prod-drift'));
      expect(await store.get(created.id)).toEqual({
        ...task('prod-drift'),
        prompt: undefined,
        entityRef: undefined,
        model: undefined,
        id: created.id,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      await expect(store.create(task('prod-drift'))).rejects.toThrow(
        'A task named "prod-drift" exists already',
      );
      const other = await store.create(task('other'));
      await expect(store.update(other.id, task('prod-drift'))).rejects.toThrow(
        /exists already/,
      );
    });

    it('lists due tasks and lets one replica take each due time', async () => {
      const store = await createStore();
      const due = await store.create(task('due'));
      await store.create(
        task('later', { nextRunAt: new Date('2026-11-30T18:00:00Z') }),
      );
      await store.create(task('off', { enabled: false }));
      const now = new Date('2026-11-30T12:00:30Z');
      expect((await store.due(now)).map(t => t.name)).toEqual(['due']);

      const from = due.nextRunAt!;
      const to = new Date('2026-11-30T18:00:00Z');
      const taken = await Promise.all([
        store.advance(due.id, from, to),
        store.advance(due.id, from, to),
      ]);
      expect(taken.filter(Boolean)).toHaveLength(1);
      expect(await store.due(now)).toEqual([]);
    });

    it('records one run per due time and never two active runs of one task', async () => {
      const store = await createStore();
      const { id: taskId } = await store.create(task('prod-drift'));
      const dueAt = new Date('2026-11-30T12:00:00Z');
      const [a, b] = await Promise.all([
        store.addRun({ taskId, trigger: 'schedule', status: 'queued', dueAt }),
        store.addRun({ taskId, trigger: 'schedule', status: 'queued', dueAt }),
      ]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      const run = (a ?? b)!;
      expect(run).toMatchObject({ status: 'queued', trigger: 'schedule' });
      expect(run.dueAt).toBe('2026-11-30T12:00:00.000Z');

      // While it is queued or running, a manual run is refused; a skipped record is not.
      expect(
        await store.addRun({ taskId, trigger: 'manual', status: 'queued' }),
      ).toBeUndefined();
      expect(
        await store.addRun({
          taskId,
          trigger: 'manual',
          status: 'skipped',
          reason: 'busy',
        }),
      ).toMatchObject({ status: 'skipped', reason: 'busy' });

      expect(
        await Promise.all([store.claimRun(run.id), store.claimRun(run.id)]),
      ).toContain(false);
      await store.finishRun(run.id, {
        status: 'succeeded',
        model: 'scripted/m',
        tokens: { input: 10, output: 5 },
        report: {
          title: 'Drift Audit',
          status: 'succeeded',
          groups: [],
          warnings: [],
        },
        auditId: 'a1',
      });
      expect(await store.getRun(run.id)).toMatchObject({
        status: 'succeeded',
        tokens: { input: 10, output: 5 },
        report: { title: 'Drift Audit' },
        auditId: 'a1',
        finishedAt: expect.any(String),
      });
      // Finished, the task may run again.
      expect(
        await store.addRun({ taskId, trigger: 'manual', status: 'queued' }),
      ).toBeDefined();
      expect((await store.listRuns(taskId, 10)).map(r => r.trigger)).toEqual([
        'manual',
        'manual',
        'schedule',
      ]);
      expect((await store.lastRuns([taskId])).get(taskId)?.trigger).toBe(
        'manual',
      );
    });

    it('deletes finished runs older than the cutoff, never the task, a queued run or a running one', async () => {
      const knex = await databases.init(databaseId);
      const store = await KnexTaskStore.create({
        database: databaseService(knex),
      });
      const longAgo = new Date('2026-01-01T00:00:00Z');
      const cutoff = new Date('2026-06-01T00:00:00Z');
      const age = (id: string, at: Date | null) =>
        knex('hermes_task_runs')
          .where({ id })
          .update({ queued_at: longAgo, started_at: longAgo, finished_at: at });
      const finished = async (
        taskId: string,
        status: 'succeeded' | 'failed',
        at: Date,
      ) => {
        const run = await store.addRun({
          taskId,
          trigger: 'manual',
          status: 'queued',
        });
        await store.claimRun(run!.id);
        await store.finishRun(run!.id, { status });
        await age(run!.id, at);
        return run!.id;
      };

      const { id: busy } = await store.create(task('busy'));
      const succeededOld = await finished(busy, 'succeeded', longAgo);
      const failedOld = await finished(busy, 'failed', longAgo);
      const atCutoff = await finished(busy, 'succeeded', cutoff);
      const recent = await finished(busy, 'succeeded', new Date());
      const skippedOld = (await store.addRun({
        taskId: busy,
        trigger: 'schedule',
        status: 'skipped',
        reason: 'missed',
      }))!.id;
      await age(skippedOld, longAgo);
      // Started long ago and still running (a long audit), or queued long ago and not yet taken.
      const running = (await store.addRun({
        taskId: busy,
        trigger: 'manual',
        status: 'queued',
      }))!.id;
      await store.claimRun(running);
      await age(running, null);
      const { id: waiting } = await store.create(task('waiting'));
      const queued = (await store.addRun({
        taskId: waiting,
        trigger: 'manual',
        status: 'queued',
      }))!.id;
      await age(queued, null);

      expect(await store.deleteRunsBefore(cutoff)).toBe(3);
      for (const id of [succeededOld, failedOld, skippedOld])
        expect(await store.getRun(id)).toBeUndefined();
      expect(
        (await store.listRuns(busy, 10)).map(r => `${r.id}:${r.status}`).sort(),
      ).toEqual(
        [
          `${atCutoff}:succeeded`,
          `${recent}:succeeded`,
          `${running}:running`,
        ].sort(),
      );
      expect(await store.getRun(queued)).toMatchObject({ status: 'queued' });
      expect((await store.list()).map(t => t.name)).toEqual([
        'busy',
        'waiting',
      ]);
      expect(await store.deleteRunsBefore(cutoff)).toBe(0);
    });

    it('deletes a task with its runs', async () => {
      const store = await createStore();
      const { id: taskId } = await store.create(task('gone'));
      const run = await store.addRun({
        taskId,
        trigger: 'manual',
        status: 'queued',
      });
      expect(await store.delete(taskId)).toBe(true);
      expect(await store.getRun(run!.id)).toBeUndefined();
      expect(await store.delete(taskId)).toBe(false);
    });
  },
);
