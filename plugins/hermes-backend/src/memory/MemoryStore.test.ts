import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { connect, rollbackAll } from '../database/migrations';
import { KnexMemoryStore, MemoryDocument } from './MemoryStore';

const databases = createTestDatabases();

const alice = 'user:default/alice';
const bob = 'user:default/bob';

function doc(
  sourceId: string,
  body: string,
  extra: Partial<MemoryDocument> = {},
): MemoryDocument {
  return {
    kind: 'session',
    sourceId,
    title: `Conversation ${sourceId}`,
    body,
    link: `/hermes?session=${sourceId}`,
    ...extra,
  };
}

describe.each(databases.eachSupportedId())(
  'KnexMemoryStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await KnexMemoryStore.create({
        database: databaseService(knex),
      });
      return { knex, store };
    }

    it('finds a session by a word in the middle of its body, with the match marked in the snippet', async () => {
      const { store } = await createStore();
      await store.remember(
        doc(
          's1',
          'We looked at the serving stack first. The scorer deployment was crashlooping because ' +
            'its memory limit was too low after the model upgrade. Raising the limit fixed it.',
        ),
      );
      await store.remember(doc('s2', 'Talked about the weather in Lisbon.'));

      const hits = await store.search('crashlooping', { userRef: alice });
      expect(hits).toEqual([
        {
          kind: 'session',
          sourceId: 's1',
          title: 'Conversation s1',
          snippet: expect.stringContaining('**crashlooping**'),
          link: '/hermes?session=s1',
          updatedAt: expect.any(String),
          score: expect.any(Number),
        },
      ]);
      expect(Number.isNaN(Date.parse(hits[0].updatedAt))).toBe(false);
      // Stemming: another form of the word finds it too.
      expect(
        (await store.search('limits', { userRef: alice })).map(h => h.sourceId),
      ).toEqual(['s1']);
    });

    it('finds words inside paths, host names and versions', async () => {
      const { store } = await createStore();
      await store.remember(
        doc(
          's1',
          'Fields: /spec/replicas changed; scorer.serving-stack.svc.cluster.local ' +
            'answers on :8080 with image scorer:v1.12.3 (owner=ranking_team)',
        ),
      );
      for (const query of [
        'replicas',
        'svc',
        'scorer',
        'v1',
        'ranking',
        'team',
      ]) {
        expect(
          (await store.search(query, { userRef: alice })).map(h => h.sourceId),
        ).toEqual(['s1']);
      }
    });

    it('ranks the more relevant document first and finds documents with any of the words', async () => {
      const { store } = await createStore();
      await store.remember(
        doc('passing', 'The kyverno webhook was mentioned once in passing.'),
      );
      await store.remember(
        doc(
          'focused',
          'Kyverno admission webhook timeouts: the kyverno webhook failed closed, ' +
            'so kyverno blocked every deployment until the webhook recovered.',
        ),
      );
      await store.remember(doc('other', 'Argo CD sync windows and timeouts.'));

      const hits = await store.search('kyverno webhook', { userRef: alice });
      expect(hits.map(h => h.sourceId)).toEqual(['focused', 'passing']);
      expect(hits[0].score).toBeGreaterThan(hits[1].score);

      const either = await store.search('kyverno argo', { userRef: alice });
      expect(either.map(h => h.sourceId).sort()).toEqual([
        'focused',
        'other',
        'passing',
      ]);
    });

    it('returns private documents only to their owner, and filters by kind and entity', async () => {
      const { store } = await createStore();
      await store.remember(
        doc('alice-1', 'Rollback of the ingress controller', {
          ownerRef: alice,
        }),
      );
      await store.remember(
        doc('bob-1', 'Rollback of the ingress gateway', { ownerRef: bob }),
      );
      await store.remember(
        doc('audit-1', 'Ingress drift found by the nightly audit', {
          kind: 'audit',
          entityRef: 'component:default/ingress',
        }),
      );

      const ids = async (options: Parameters<typeof store.search>[1]) =>
        (await store.search('ingress', options)).map(h => h.sourceId).sort();
      expect(await ids({ userRef: alice })).toEqual(['alice-1', 'audit-1']);
      expect(await ids({ userRef: bob })).toEqual(['audit-1', 'bob-1']);
      expect(await ids({ userRef: alice, kinds: ['audit'] })).toEqual([
        'audit-1',
      ]);
      expect(await ids({ userRef: alice, kinds: [] })).toEqual([]);
      expect(
        await ids({ userRef: alice, entityRef: 'component:default/ingress' }),
      ).toEqual(['audit-1']);
      const [hit] = await store.search('nightly', { userRef: bob });
      expect(hit.entityRef).toBe('component:default/ingress');
    });

    it('answers hostile or empty queries without an error', async () => {
      const { store } = await createStore();
      await store.remember(
        doc('s1', 'The NEAR policy uses a "quoted" value: a*b & c | d!'),
      );
      const hostile = [
        '"',
        '*',
        'NEAR(',
        'NEAR(policy quoted, 2)',
        'title:policy',
        ':',
        '&|!',
        "'; DROP TABLE hermes_memory_documents; --",
        "policy' OR '1'='1",
        '(policy',
        'policy)',
        '!!policy',
        '<-> policy',
        'AND OR NOT',
        '^policy',
        'policy'.repeat(3000),
        'x '.repeat(5120),
        Array.from({ length: 1500 }, (_, i) => `word${i}`).join(' '),
        '',
        '   ',
      ];
      for (const query of hostile) {
        // Array.isArray: rows from the native SQLite driver come from another realm.
        expect(
          Array.isArray(await store.search(query, { userRef: alice })),
        ).toBe(true);
      }
      expect(await store.search('', { userRef: alice })).toEqual([]);
      expect(
        (await store.search('NEAR(policy', { userRef: alice })).map(
          h => h.sourceId,
        ),
      ).toEqual(['s1']);
      expect(
        (await store.search("'; DROP TABLE x; -- policy", { userRef: alice }))
          .length,
      ).toBe(1);
    });

    it('replaces a document remembered again and forgets it', async () => {
      const { store } = await createStore();
      await store.remember(doc('s1', 'first version mentions kafka'));
      await store.remember(
        doc('s1', 'second version mentions redis', { title: 'Renamed' }),
      );

      expect(await store.search('kafka', { userRef: alice })).toEqual([]);
      const [hit] = await store.search('redis', { userRef: alice });
      expect(hit).toMatchObject({ sourceId: 's1', title: 'Renamed' });

      // The same id of another kind is another document.
      await store.remember(doc('s1', 'a task about redis', { kind: 'task' }));
      expect(await store.search('redis', { userRef: alice })).toHaveLength(2);

      await store.forget('session', 's1');
      expect(
        (await store.search('redis', { userRef: alice })).map(h => h.kind),
      ).toEqual(['task']);
    });

    it('finds an old document with all the words among thousands of newer ones with one', async () => {
      const { knex, store } = await createStore();
      await store.remember(doc('old', 'etcd defrag freed the quota alarm'));
      const now = new Date();
      await knex.batchInsert(
        'hermes_memory_documents',
        Array.from({ length: 2100 }, (_, i) => ({
          kind: 'session',
          source_id: `new-${i}`,
          title: `Conversation ${i}`,
          body: `etcd member ${i} is healthy`,
          link: '/hermes',
          created_at: now,
          updated_at: now,
        })),
        250,
      );
      const hits = await store.search('etcd quota', { userRef: alice });
      expect(hits[0].sourceId).toBe('old');
      expect(hits).toHaveLength(10);
    });

    it('breaks ties by the last remembered and honours the limit', async () => {
      const { store } = await createStore();
      for (const id of ['old', 'mid', 'new']) {
        await store.remember(doc(id, 'identical text about etcd'));
      }
      const ids = async () =>
        (await store.search('etcd', { userRef: alice, limit: 2 })).map(
          h => h.sourceId,
        );
      expect(await ids()).toEqual(['new', 'mid']);
      await store.remember(doc('old', 'identical text about etcd'));
      expect(await ids()).toEqual(['old', 'new']);
    });

    it('migrates down and up again', async () => {
      const { knex, store } = await createStore();
      await store.remember(doc('s1', 'kept across nothing'));
      await rollbackAll(knex);
      expect(await knex.schema.hasTable('hermes_memory_documents')).toBe(false);
      expect(await knex.schema.hasTable('hermes_memory_notes')).toBe(false);
      expect(await knex.schema.hasTable('hermes_memory_fts')).toBe(false);
      await connect(databaseService(knex));
      await store.remember(doc('s2', 'searchable after the round trip'));
      expect(
        (await store.search('round trip', { userRef: alice })).map(
          h => h.sourceId,
        ),
      ).toEqual(['s2']);
    });
  },
);
