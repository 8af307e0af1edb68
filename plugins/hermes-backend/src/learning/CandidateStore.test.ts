import {
  CandidateEvidence,
  TriageRuleInput,
} from '@hermes-backstage/plugin-hermes-common';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { rollbackAll } from '../database/migrations';
import { KnexCandidateStore, NewCandidate, ruleHash } from './CandidateStore';

const databases = createTestDatabases();

const knativeRule: TriageRuleInput = {
  match: {
    namespaces: ['serving-stack'],
    paths: ['/spec/template/metadata/annotations/autoscaling.knative.dev~1*'],
    managerClasses: ['controller'],
  },
  classify: 'harmless',
  reason: 'A Knative controller tunes autoscaling; 12 of 12 labelled harmless',
};

const evidence: CandidateEvidence = {
  support: 12,
  matched: 12,
  agreement: 1,
  counterExamples: [],
  criticalCalledHarmless: 0,
  newlyCovered: 12,
  audits: 12,
  summary: '12 of 12 labelled harmless',
};

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 30, 12, minutes));

const candidate = (
  id: string,
  rule: TriageRuleInput,
  overrides: Partial<NewCandidate> = {},
): NewCandidate => ({
  id,
  skill: 'learned-serving-stack-drift',
  rule,
  source: 'induction',
  status: 'proposed',
  evidence,
  createdAt: at(0),
  ...overrides,
});

describe('ruleHash', () => {
  it('is the same for the same match and classification, whatever the order or wording', () => {
    const reordered: TriageRuleInput = {
      classify: 'harmless',
      reason:
        'A Knative controller tunes autoscaling; 13 of 13 labelled harmless',
      match: {
        managerClasses: ['controller'],
        paths: knativeRule.match.paths,
        namespaces: ['serving-stack'],
      },
    };
    expect(ruleHash(reordered)).toBe(ruleHash(knativeRule));
  });

  it('differs when the rule matches something else or classifies otherwise', () => {
    expect(
      ruleHash({
        ...knativeRule,
        match: { ...knativeRule.match, namespaces: ['other'] },
      }),
    ).not.toBe(ruleHash(knativeRule));
    expect(ruleHash({ ...knativeRule, classify: 'critical' })).not.toBe(
      ruleHash(knativeRule),
    );
  });
});

describe.each(databases.eachSupportedId())(
  'KnexCandidateStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await KnexCandidateStore.create({
        database: databaseService(knex),
      });
      return { knex, store };
    }

    it('stores a candidate with its rule and evidence, and reads it back', async () => {
      const { store } = await createStore();
      expect(await store.insert(candidate('c1', knativeRule))).toBe(true);
      await store.setDraftVersion('c1', 3);
      expect(await store.get('c1')).toEqual({
        id: 'c1',
        skill: 'learned-serving-stack-drift',
        rule: knativeRule,
        source: 'induction',
        status: 'proposed',
        evidence,
        draftVersion: 3,
        createdAt: at(0).toISOString(),
      });
      expect(await store.get('nope')).toBeUndefined();
    });

    it('stores a rule once, even when it comes back worded differently', async () => {
      const { store } = await createStore();
      expect(await store.insert(candidate('c1', knativeRule))).toBe(true);
      const again = { ...knativeRule, reason: 'reworded' };
      expect(await store.insert(candidate('c2', again))).toBe(false);
      expect(await store.get('c2')).toBeUndefined();
      const other = { ...knativeRule, classify: 'critical' as const };
      expect([
        ...(await store.knownHashes([ruleHash(again), ruleHash(other)])),
      ]).toEqual([ruleHash(knativeRule)]);
    });

    it('lists newest first, by status when asked', async () => {
      const { store } = await createStore();
      const rule = (ns: string): TriageRuleInput => ({
        ...knativeRule,
        match: { ...knativeRule.match, namespaces: [ns] },
      });
      await store.insert(candidate('old', rule('a'), { createdAt: at(1) }));
      await store.insert(
        candidate('gated', rule('b'), {
          createdAt: at(2),
          status: 'rejected',
          rejection: 'would call 1 labelled-critical finding harmless',
        }),
      );
      await store.insert(candidate('new', rule('c'), { createdAt: at(3) }));

      expect((await store.list()).map(c => c.id)).toEqual([
        'new',
        'gated',
        'old',
      ]);
      expect((await store.list({ status: 'proposed' })).map(c => c.id)).toEqual(
        ['new', 'old'],
      );
      expect(await store.list({ status: 'rejected' })).toEqual([
        expect.objectContaining({
          id: 'gated',
          rejection: 'would call 1 labelled-critical finding harmless',
        }),
      ]);
      expect(await store.list({ status: 'approved' })).toEqual([]);
    });

    it('decides a proposed candidate once; a second decision changes nothing', async () => {
      const { store } = await createStore();
      await store.insert(candidate('c1', knativeRule));
      expect(
        await store.decide('c1', {
          status: 'approved',
          by: 'user:default/ada',
          at: at(5),
        }),
      ).toBe(true);
      expect(
        await store.decide('c1', {
          status: 'rejected',
          by: 'user:default/bob',
          at: at(6),
          rejection: 'too late',
        }),
      ).toBe(false);
      expect(await store.get('c1')).toMatchObject({
        status: 'approved',
        decidedBy: 'user:default/ada',
        decidedAt: at(5).toISOString(),
      });
      expect((await store.get('c1'))?.rejection).toBeUndefined();
    });

    it('deletes a candidate so that the same rule can be stored again', async () => {
      const { store } = await createStore();
      await store.insert(candidate('c1', knativeRule));
      await store.delete('c1');
      expect(await store.insert(candidate('c2', knativeRule))).toBe(true);
    });

    it('has a migration that goes down and up again', async () => {
      const { knex } = await createStore();
      await rollbackAll(knex);
      expect(await knex.schema.hasTable('hermes_learning_candidates')).toBe(
        false,
      );
      await KnexCandidateStore.create({ database: databaseService(knex) });
      expect(await knex.schema.hasTable('hermes_learning_candidates')).toBe(
        true,
      );
    });
  },
);
