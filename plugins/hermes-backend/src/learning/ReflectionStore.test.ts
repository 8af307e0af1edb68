import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { rollbackAll } from '../database/migrations';
import { KnexReflectionStore } from './ReflectionStore';

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'KnexReflectionStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await KnexReflectionStore.create({
        database: databaseService(knex),
      });
      return { knex, store };
    }

    it('lets one of two claims on the same next reflection through, and records what it did', async () => {
      const { store } = await createStore();
      expect(await store.latest()).toBeUndefined();
      const startedAt = new Date('2026-12-01T10:00:00.000Z');
      const claim = (id: string) =>
        store.claim({
          id,
          sequence: 1,
          trigger: 'scheduled',
          startedAt,
          tasksCounted: 15,
        });
      const claims = await Promise.all([claim('r1'), claim('r2')]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = claims[0] ? 'r1' : 'r2';
      expect(await store.latest()).toMatchObject({
        id: winner,
        sequence: 1,
        status: 'running',
        tasksCounted: 15,
        startedAt: startedAt.toISOString(),
      });

      await store.finish(
        winner,
        {
          status: 'completed',
          tracesRead: 12,
          findingsRead: 3,
          model: 'local/reflect-model',
          inputTokens: 900,
          outputTokens: 80,
          proposals: [
            {
              kind: 'skill',
              skill: 'oom',
              reason: 'r',
              outcome: 'drafted',
              draftVersion: 1,
            },
          ],
          warnings: [],
        },
        new Date('2026-12-01T10:01:00.000Z'),
      );
      const [done] = await store.list();
      expect(done).toEqual({
        id: winner,
        trigger: 'scheduled',
        status: 'completed',
        startedAt: '2026-12-01T10:00:00.000Z',
        finishedAt: '2026-12-01T10:01:00.000Z',
        tasksCounted: 15,
        tracesRead: 12,
        findingsRead: 3,
        model: 'local/reflect-model',
        inputTokens: 900,
        outputTokens: 80,
        proposals: [
          {
            kind: 'skill',
            skill: 'oom',
            reason: 'r',
            outcome: 'drafted',
            draftVersion: 1,
          },
        ],
        warnings: [],
      });
      expect(await store.get(winner)).toEqual(done);
    });

    it('has a migration that goes down and up again', async () => {
      const { knex } = await createStore();
      await rollbackAll(knex);
      expect(await knex.schema.hasTable('hermes_learning_reflections')).toBe(
        false,
      );
      await KnexReflectionStore.create({ database: databaseService(knex) });
      expect(await knex.schema.hasTable('hermes_learning_reflections')).toBe(
        true,
      );
    });
  },
);
