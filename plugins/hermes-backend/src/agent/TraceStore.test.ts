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
  },
);
