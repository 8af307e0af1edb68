import { TaskReport } from '@hermes-backstage/plugin-hermes-common';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { rollbackAll } from '../database/migrations';
import {
  AttemptOutcome,
  KnexDeliveryStore,
  NewDelivery,
} from './DeliveryStore';

const databases = createTestDatabases();

const report: TaskReport = {
  title: 'Drift Audit — cluster neuroscale-prod',
  status: 'succeeded',
  groups: [],
  warnings: [],
};

const delivery = (id: string, runId: string, channel: string): NewDelivery => ({
  id,
  runId,
  taskId: 'task-1',
  owner: 'user:default/ada',
  entityRef: 'component:default/api',
  channel,
  type: channel === 'ops-slack' ? 'slack' : 'webhook',
  report,
});

const at = (seconds: number) =>
  new Date(Date.UTC(2026, 10, 30, 12, 0, seconds));

describe.each(databases.eachSupportedId())(
  'KnexDeliveryStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await KnexDeliveryStore.create({
        database: databaseService(knex),
      });
      return { knex, store };
    }

    it('queues one row per channel, once per (run, channel), each listed with its run', async () => {
      const { store } = await createStore();
      await store.enqueue(
        [delivery('d1', 'run-1', 'ops-slack'), delivery('d2', 'run-1', 'hook')],
        at(0),
      );
      // The same run queued again (a task retrying its hand-off) adds nothing.
      await store.enqueue([delivery('d3', 'run-1', 'hook')], at(1));
      await store.enqueue([delivery('d4', 'run-2', 'hook')], at(2));

      const listed = await store.listForRuns(['run-1', 'run-2', 'run-3']);
      expect(listed.map(d => [d.runId, d.channel, d.id])).toEqual([
        ['run-1', 'hook', 'd2'],
        ['run-1', 'ops-slack', 'd1'],
        ['run-2', 'hook', 'd4'],
      ]);
      expect(await store.get('d1')).toEqual({
        id: 'd1',
        runId: 'run-1',
        taskId: 'task-1',
        owner: 'user:default/ada',
        entityRef: 'component:default/api',
        channel: 'ops-slack',
        type: 'slack',
        status: 'queued',
        attempts: 0,
        nextAttemptAt: at(0).toISOString(),
      });
      expect(await store.get('d3')).toBeUndefined();
      expect(await store.nextDue(at(-1))).toEqual(at(0));
      expect(await store.nextDue(at(0))).toEqual(at(2));
      expect(await store.nextDue(at(2))).toBeUndefined();
    });

    it('hands out due rows with their report, by channel, and a claimed row to one claimant only', async () => {
      const { store } = await createStore();
      await store.enqueue(
        [delivery('d1', 'run-1', 'ops-slack'), delivery('d2', 'run-1', 'hook')],
        at(0),
      );
      expect((await store.dueChannels(at(1))).sort()).toEqual([
        'hook',
        'ops-slack',
      ]);
      const [due] = await store.due('hook', at(1), 10);
      expect(due).toMatchObject({ id: 'd2', attempts: 0, report });

      const claims = await Promise.all(
        [1, 2, 3].map(() => store.claim('d2', 0, at(1), at(60))),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      // A claimant that saw the row before it was taken cannot take it either.
      expect(await store.claim('d2', 0, at(2), at(60))).toBe(false);
      expect(await store.get('d2')).toMatchObject({
        status: 'sending',
        attempts: 1,
      });
      expect(await store.due('hook', at(2), 10)).toEqual([]);
      expect(await store.dueChannels(at(2))).toEqual(['ops-slack']);
    });

    it('moves a row through failed, sent and dead, recording each outcome only for its own attempt', async () => {
      const { store } = await createStore();
      await store.enqueue([delivery('d1', 'run-1', 'hook')], at(0));

      expect(await store.claim('d1', 0, at(0), at(60))).toBe(true);
      expect(
        await store.complete(
          'd1',
          1,
          { status: 'failed', error: 'HTTP 503', nextAttemptAt: at(30) },
          at(1),
        ),
      ).toBe(true);
      expect(await store.get('d1')).toMatchObject({
        status: 'failed',
        attempts: 1,
        lastError: 'HTTP 503',
        nextAttemptAt: at(30).toISOString(),
      });
      // Not due before its retry time.
      expect(await store.due('hook', at(29), 10)).toEqual([]);
      expect(await store.claim('d1', 1, at(29), at(90))).toBe(false);
      expect(await store.nextDue(at(29))).toEqual(at(30));

      expect(await store.claim('d1', 1, at(30), at(90))).toBe(true);
      // An outcome for an earlier attempt is stale and ignored.
      expect(await store.complete('d1', 1, { status: 'sent' }, at(31))).toBe(
        false,
      );
      expect(
        await store.complete(
          'd1',
          2,
          { status: 'sent', messageId: '1700000000.000100' },
          at(31),
        ),
      ).toBe(true);
      expect(await store.get('d1')).toEqual(
        expect.objectContaining({
          status: 'sent',
          attempts: 2,
          sentAt: at(31).toISOString(),
          messageId: '1700000000.000100',
          lastError: undefined,
          nextAttemptAt: undefined,
        }),
      );
      expect(await store.requeue('d1', at(40))).toBe(false);
      expect(await store.nextDue(at(0))).toBeUndefined();

      await store.enqueue([delivery('d2', 'run-2', 'hook')], at(0));
      await store.claim('d2', 0, at(0), at(60));
      await store.complete(
        'd2',
        1,
        { status: 'dead', error: 'HTTP 401: invalid token' },
        at(1),
      );
      expect(await store.get('d2')).toMatchObject({
        status: 'dead',
        lastError: 'HTTP 401: invalid token',
      });
      expect(await store.due('hook', at(1000), 10)).toEqual([]);
      expect(await store.requeue('d2', at(50))).toBe(true);
      expect(await store.get('d2')).toMatchObject({
        status: 'queued',
        attempts: 1,
        nextAttemptAt: at(50).toISOString(),
      });
    });

    it('gives a row whose sender vanished mid-send to another worker once its lease runs out', async () => {
      const { store } = await createStore();
      await store.enqueue([delivery('d1', 'run-1', 'hook')], at(0));
      expect(await store.claim('d1', 0, at(0), at(45))).toBe(true);

      expect(await store.due('hook', at(44), 10)).toEqual([]);
      expect(await store.nextDue(at(1))).toEqual(at(45));
      const [lapsed] = await store.due('hook', at(46), 10);
      expect(lapsed).toMatchObject({
        id: 'd1',
        status: 'sending',
        attempts: 1,
      });
      expect(await store.claim('d1', 1, at(46), at(90))).toBe(true);
      // The first sender comes back late: its outcome no longer counts.
      expect(await store.complete('d1', 1, { status: 'sent' }, at(47))).toBe(
        false,
      );
      expect(await store.complete('d1', 2, { status: 'sent' }, at(48))).toBe(
        true,
      );
      expect(await store.get('d1')).toMatchObject({
        status: 'sent',
        attempts: 2,
      });
    });

    it('deletes sent and dead rows older than the cutoff and never a row still on its way', async () => {
      const { store } = await createStore();
      const outcomes: Record<string, AttemptOutcome> = {
        sent: { status: 'sent' },
        dead: { status: 'dead', error: 'HTTP 401' },
        failed: {
          status: 'failed',
          error: 'HTTP 503',
          nextAttemptAt: at(1000),
        },
      };
      const finish = async (id: string, outcome: string, when: Date) => {
        await store.enqueue([delivery(id, `run-${id}`, 'hook')], at(0));
        await store.claim(id, 0, at(0), at(45));
        await store.complete(id, 1, outcomes[outcome], when);
      };
      const cutoff = at(100);
      await finish('sent-old', 'sent', at(1));
      await finish('dead-old', 'dead', at(2));
      await finish('sent-new', 'sent', at(200));
      // Exactly at the cutoff is not older than it.
      await finish('dead-at-cutoff', 'dead', cutoff);
      // Retrying, waiting, mid-send or sent back to the queue: the report is still on its way.
      await finish('failed-old', 'failed', at(3));
      await store.enqueue([delivery('queued-old', 'run-q', 'hook')], at(0));
      await store.enqueue([delivery('sending-old', 'run-s', 'hook')], at(0));
      await store.claim('sending-old', 0, at(0), at(45));
      await finish('requeued-old', 'dead', at(4));
      await store.requeue('requeued-old', at(5));

      expect(await store.deleteDeliveriesBefore(cutoff)).toBe(2);
      expect(await store.get('sent-old')).toBeUndefined();
      expect(await store.get('dead-old')).toBeUndefined();
      const kept = await store.listForRuns(
        [
          'sent-new',
          'dead-at-cutoff',
          'failed-old',
          'q',
          's',
          'requeued-old',
        ].map(id => `run-${id}`),
      );
      expect(kept.map(d => `${d.id}:${d.status}`).sort()).toEqual([
        'dead-at-cutoff:dead',
        'failed-old:failed',
        'queued-old:queued',
        'requeued-old:queued',
        'sending-old:sending',
        'sent-new:sent',
      ]);
      // The kept rows still go out.
      expect(
        (await store.due('hook', at(2000), 10)).map(d => d.id).sort(),
      ).toEqual(['failed-old', 'queued-old', 'requeued-old', 'sending-old']);
      expect(await store.deleteDeliveriesBefore(cutoff)).toBe(0);
    });

    it('drops the table going down', async () => {
      const { knex } = await createStore();
      expect(await knex.schema.hasTable('hermes_deliveries')).toBe(true);
      await rollbackAll(knex);
      expect(await knex.schema.hasTable('hermes_deliveries')).toBe(false);
    });
  },
);
