import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { DefaultTraceReader } from './TraceReader';
import { KnexTraceStore } from './TraceStore';

const databases = createTestDatabases();
const pause = () => new Promise(resolve => setTimeout(resolve, 5));

describe.each(databases.eachSupportedId())(
  'DefaultTraceReader on %s',
  databaseId => {
    it('reads the runs recorded since a time, newest first, and counts them', async () => {
      const knex = await databases.init(databaseId);
      const database = databaseService(knex);
      const store = await KnexTraceStore.create({ database });
      const reader = await DefaultTraceReader.create({ database });
      const record = async (id: string, goal: string) => {
        await store.record({
          id,
          userRef: 'user:default/ada',
          goal,
          outcome: 'answered',
          steps: 1,
          toolCalls: [{ tool: 'drift_findings', ok: true, ms: 3 }],
          skillsUsed: [],
          startedAt: new Date(),
        });
        await pause();
      };
      expect(await reader.countTraces()).toBe(0);
      expect(await reader.recentTraces({ limit: 5 })).toEqual([]);

      await record('t1', 'first');
      const since = new Date();
      await pause();
      await record('t2', 'second');
      await record('t3', 'third');
      await store.setFeedback('t3', { rating: 'down', comment: 'too slow' });

      expect(await reader.countTraces()).toBe(3);
      expect(await reader.countTraces({ since })).toBe(2);
      const recent = await reader.recentTraces({ since, limit: 10 });
      expect(recent.map(t => t.goal)).toEqual(['third', 'second']);
      expect(recent[0]).toMatchObject({
        feedback: 'down',
        feedbackComment: 'too slow',
        toolCalls: [{ tool: 'drift_findings', ok: true, ms: 3 }],
      });
      expect((await reader.recentTraces({ limit: 2 })).map(t => t.id)).toEqual([
        't3',
        't2',
      ]);
      expect(() => reader.recentTraces({ limit: 0 })).toThrow(
        /limit must be a whole number of at least 1, got 0/,
      );
    });
  },
);
