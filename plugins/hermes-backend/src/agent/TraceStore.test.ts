import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { KnexTraceStore } from './TraceStore';

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'KnexTraceStore on %s',
  databaseId => {
    it('records a run once with its tools, skills and tokens, then its feedback', async () => {
      const knex = await databases.init(databaseId);
      const store = await KnexTraceStore.create({
        database: databaseService(knex),
      });
      const startedAt = new Date(Date.now() - 1500);
      await store.record({
        id: 't1',
        userRef: 'user:default/ada',
        entityRef: 'component:default/scorer',
        goal: 'Why is the scorer degraded?',
        model: 'local/chat-model',
        outcome: 'answered',
        steps: 2,
        toolCalls: [
          { tool: 'drift_findings', ok: true, ms: 12 },
          { tool: 'kubernetes_list', ok: false, ms: 30, error: 'forbidden' },
        ],
        skillsUsed: ['knative-autoscaler-drift'],
        inputTokens: 900,
        outputTokens: 120,
        startedAt,
      });
      const trace = await store.get('t1');
      expect(trace).toMatchObject({
        id: 't1',
        outcome: 'answered',
        steps: 2,
        skillsUsed: ['knative-autoscaler-drift'],
        inputTokens: 900,
        outputTokens: 120,
        startedAt: startedAt.toISOString(),
      });
      expect(trace!.toolCalls[1]).toEqual({
        tool: 'kubernetes_list',
        ok: false,
        ms: 30,
        error: 'forbidden',
      });
      expect(trace!.durationMs).toBeGreaterThanOrEqual(1500);
      expect(trace!.feedback).toBeUndefined();

      await store.setFeedback('t1', {
        rating: 'down',
        comment: 'wrong namespace',
      });
      expect(await store.get('t1')).toMatchObject({
        feedback: 'down',
        feedbackComment: 'wrong namespace',
      });
      expect(await store.get('nope')).toBeUndefined();
    });

    it('deletes the traces of turns finished before the cutoff, with their feedback, in batches', async () => {
      const knex = await databases.init(databaseId);
      const store = await KnexTraceStore.create({
        database: databaseService(knex),
      });
      const turn = (id: string) =>
        store.record({
          id,
          userRef: 'user:default/ada',
          goal: `question ${id}`,
          outcome: 'answered',
          steps: 1,
          toolCalls: [],
          skillsUsed: [],
          startedAt: new Date(Date.now() - 1000),
        });
      // More old traces than one delete statement takes, so the cleaner has to go round again.
      const old = Array.from({ length: 1201 }, (_, i) => `old-${i}`);
      for (let i = 0; i < old.length; i += 100)
        await Promise.all(old.slice(i, i + 100).map(turn));
      await store.setFeedback('old-0', { rating: 'down', comment: 'wrong' });
      await turn('at-cutoff');
      await turn('recent');
      const cutoff = new Date('2026-06-01T00:00:00Z');
      await knex('hermes_agent_traces')
        .whereIn('id', old)
        .update({
          started_at: new Date('2026-01-01T00:00:00Z'),
          finished_at: new Date('2026-01-01T00:01:00Z'),
        });
      await knex('hermes_agent_traces')
        .where({ id: 'at-cutoff' })
        .update({ started_at: cutoff, finished_at: cutoff });

      expect(await store.deleteTracesBefore(cutoff)).toBe(old.length);
      expect(await store.get('old-0')).toBeUndefined();
      expect((await store.list({ limit: 10 })).map(t => t.id).sort()).toEqual([
        'at-cutoff',
        'recent',
      ]);
      expect(await store.deleteTracesBefore(cutoff)).toBe(0);
    }, 30_000);
  },
);
