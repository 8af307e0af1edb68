import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { KnexApprovalStore, NewHeldCall } from './ApprovalStore';

const databases = createTestDatabases();

const call = (id: string, sessionId = 's1'): NewHeldCall => ({
  id,
  sessionId,
  toolCallId: `call-${id}`,
  tool: 'drift_run_audit',
  input: { audit: 'demo' },
  callHash: `hash-${id}`,
  reason: 'rule 0 requires approval',
  approvers: ['group:default/sre'],
});

describe.each(databases.eachSupportedId())(
  'KnexApprovalStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await KnexApprovalStore.create({
        database: databaseService(knex),
      });
      // Held calls belong to a conversation.
      for (const id of ['s1', 's2'])
        await knex('hermes_sessions').insert({
          id,
          user_ref: 'user:default/ada',
          title: `conversation ${id}`,
          created_at: new Date(),
          updated_at: new Date(),
        });
      return store;
    }

    it('holds a call once, bound to its hash, with the conversation it belongs to', async () => {
      const store = await createStore();
      await store.hold(call('a1'));
      await store.hold({ ...call('a1'), callHash: 'another' });
      expect(await store.get('a1')).toMatchObject({
        id: 'a1',
        sessionTitle: 'conversation s1',
        askedBy: 'user:default/ada',
        tool: 'drift_run_audit',
        input: { audit: 'demo' },
        callHash: 'hash-a1',
        approvers: ['group:default/sre'],
        status: 'pending',
      });
      expect((await store.findByToolCall('s1', 'call-a1'))?.id).toBe('a1');
      expect(await store.findByToolCall('s2', 'call-a1')).toBeUndefined();
    });

    it('moves a call only from the state it is in: a second decision and a second run fail', async () => {
      const store = await createStore();
      await store.hold(call('a1'));
      expect(
        await store.transition('a1', 'pending', 'approved', 'user:default/bob'),
      ).toBe(true);
      expect(
        await store.transition('a1', 'pending', 'denied', 'user:default/carol'),
      ).toBe(false);
      expect(await store.get('a1')).toMatchObject({
        status: 'approved',
        decidedBy: 'user:default/bob',
        decidedAt: expect.any(String),
      });
      expect(await store.transition('a1', 'approved', 'executed')).toBe(true);
      expect(await store.transition('a1', 'approved', 'executed')).toBe(false);
      expect((await store.get('a1'))?.status).toBe('executed');
    });

    it('lets exactly one of two simultaneous decisions win', async () => {
      const store = await createStore();
      await store.hold(call('a1'));
      const [approved, denied] = await Promise.all([
        store.transition('a1', 'pending', 'approved', 'user:default/bob'),
        store.transition('a1', 'pending', 'denied', 'user:default/carol'),
      ]);
      expect(approved !== denied).toBe(true);
      expect((await store.get('a1'))?.status).toBe(
        approved ? 'approved' : 'denied',
      );
    });

    it('lists one conversation’s calls, or every pending one', async () => {
      const store = await createStore();
      await store.hold(call('a1'));
      await store.hold(call('a2', 's2'));
      await store.transition('a2', 'pending', 'denied', 'user:default/bob');
      expect((await store.list({})).map(c => c.id)).toEqual(['a1']);
      expect((await store.list({ sessionId: 's2' })).map(c => c.id)).toEqual([
        'a2',
      ]);
    });
  },
);
