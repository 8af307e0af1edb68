import type { UIMessage } from 'ai';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { KnexSessionStore } from './SessionStore';

const databases = createTestDatabases();
const ada = 'user:default/ada';

const message = (id: string, role: 'user' | 'assistant', text: string) =>
  ({ id, role, parts: [{ type: 'text', text }] } as UIMessage);

describe.each(databases.eachSupportedId())(
  'KnexSessionStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      return KnexSessionStore.create({ database: databaseService(knex) });
    }

    it('keeps a conversation in order, rewriting only what a turn changed', async () => {
      const store = await createStore();
      await store.createSession({
        id: 's1',
        userRef: ada,
        title: 'Why is the scorer degraded?',
        notesSnapshot: '## Your notes\n- prefer kubectl diff',
      });
      const first = [
        message('m1', 'user', 'Why?'),
        message('m2', 'assistant', 'Because'),
      ];
      await store.saveMessages('s1', first);
      // The answer continues after an approval: only the last message is rewritten.
      const continued = [
        first[0],
        message('m2', 'assistant', 'Because, and done'),
      ];
      await store.saveMessages('s1', continued, 1);
      await store.saveMessages(
        's1',
        [...continued, message('m3', 'user', 'Thanks')],
        2,
      );

      const session = await store.getSession('s1');
      expect(session).toMatchObject({
        id: 's1',
        userRef: ada,
        title: 'Why is the scorer degraded?',
        notesSnapshot: '## Your notes\n- prefer kubectl diff',
      });
      expect(
        session!.messages.map(m => [m.id, (m.parts[0] as any).text]),
      ).toEqual([
        ['m1', 'Why?'],
        ['m2', 'Because, and done'],
        ['m3', 'Thanks'],
      ]);
      expect(session!.summary).toBeUndefined();

      await store.saveSummary('s1', '- asked why', 2);
      expect(await store.getSession('s1')).toMatchObject({
        summary: '- asked why',
        summaryUpto: 2,
      });
    });

    it('lists a user’s sessions newest first, optionally about one entity, and deletes with messages', async () => {
      const store = await createStore();
      await store.createSession({ id: 'a', userRef: ada, title: 'global' });
      await store.createSession({
        id: 'b',
        userRef: ada,
        entityRef: 'component:default/scorer',
        title: 'about the scorer',
      });
      await store.createSession({
        id: 'c',
        userRef: 'user:default/bob',
        title: 'bob',
      });
      await new Promise(r => setTimeout(r, 5));
      await store.saveMessages('a', [message('m1', 'user', 'latest')]);

      expect((await store.listSessions(ada)).map(s => s.id)).toEqual([
        'a',
        'b',
      ]);
      expect(
        (
          await store.listSessions(ada, {
            entityRef: 'component:default/scorer',
          })
        ).map(s => s.id),
      ).toEqual(['b']);

      await store.deleteSession('a');
      expect(await store.getSession('a')).toBeUndefined();
      expect((await store.listSessions(ada)).map(s => s.id)).toEqual(['b']);
    });
  },
);
