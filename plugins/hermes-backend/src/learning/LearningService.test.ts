import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  induceRules,
  LabelledFinding,
  parseSkillDocument,
  triageFinding,
  triageRulesFromSkills,
  TriageRuleInput,
} from '@hermes-backstage/plugin-hermes-common';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { DefaultSkillsService } from '../skills/DefaultSkillsService';
import {
  driftStandIn,
  knativeFinding,
  labelled,
  twelveHarmlessKnative,
} from './__testUtils__/fixtures';
import { DefaultLearningService, LearningDrift } from './LearningService';

const databases = createTestDatabases();
const ada = mockCredentials.user('user:default/ada');
const bob = mockCredentials.user('user:default/bob');

/** Broader than the evidence: every controller write of a Knative autoscaling annotation. */
const everyNamespace: TriageRuleInput = {
  match: {
    kinds: ['Service'],
    types: ['modified'],
    paths: ['/spec/template/metadata/annotations/autoscaling.knative.dev~1*'],
    managerClasses: ['controller'],
  },
  classify: 'harmless',
  reason: 'Knative controllers tune autoscaling everywhere',
};

describe.each(databases.eachSupportedId())(
  'DefaultLearningService on %s',
  databaseId => {
    async function setup(
      options: {
        drift?: LearningDrift;
        labelled?: LabelledFinding[];
        deny?: boolean;
        induce?: typeof induceRules;
        config?: object;
      } = {},
    ) {
      const knex = await databases.init(databaseId);
      const database = databaseService(knex);
      const config = mockServices.rootConfig({ data: options.config ?? {} });
      const logger = mockServices.logger.mock();
      const skills = await DefaultSkillsService.create({
        config,
        database,
        logger,
      });
      const learning = await DefaultLearningService.create({
        config,
        database,
        logger,
        skills,
        drift:
          options.drift ??
          driftStandIn({
            labelled: options.labelled ?? twelveHarmlessKnative(),
          }),
        permissions: mockServices.permissions({
          result: options.deny ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
        }),
        // Another source of candidates, as reflection will be; the gate still decides.
        induce: options.induce,
      });
      const activeRules = async () =>
        triageRulesFromSkills(await skills.listDocuments()).rules;
      return { learning, skills, logger, activeRules };
    }

    it('proposes a rule from 12 harmless labels as a skill draft; approved, it classifies that drift', async () => {
      const { learning, skills, activeRules } = await setup();

      const [candidate, ...others] = await learning.run();
      expect(others).toEqual([]);
      expect(candidate).toMatchObject({
        status: 'proposed',
        source: 'induction',
        draftVersion: 1,
        rule: {
          classify: 'harmless',
          match: expect.objectContaining({
            namespaces: ['serving-stack'],
            paths: [
              '/spec/template/metadata/annotations/autoscaling.knative.dev~1*',
            ],
            managerClasses: ['controller'],
          }),
        },
        evidence: expect.objectContaining({
          support: 12,
          matched: 12,
          agreement: 1,
          counterExamples: [],
          criticalCalledHarmless: 0,
          audits: 12,
        }),
      });

      // The draft is in the Skills drafts view, with the rule and its evidence, not yet in use.
      const draft = await skills.getVersion(candidate.skill, 1);
      expect(draft).toMatchObject({ status: 'draft', author: 'agent' });
      expect(draft.message).toContain('12 of 12 labelled harmless');
      const parsed = parseSkillDocument(draft.document, 'draft');
      expect(triageRulesFromSkills([parsed]).rules).toEqual([
        { ...candidate.rule, skill: candidate.skill },
      ]);
      expect(parsed.body).toContain('Support: 12 of 12');
      expect(parsed.body).toContain('Counter-examples: none');
      expect(await activeRules()).toEqual([]);

      const approved = await learning.approve(candidate.id, ada);
      expect(approved).toMatchObject({
        status: 'approved',
        decidedBy: 'user:default/ada',
        draftVersion: 1,
      });
      expect(approved.decidedAt).toBeDefined();
      const rules = await activeRules();
      expect(rules).toEqual([{ ...candidate.rule, skill: candidate.skill }]);
      // The next audit's Knative drift is classified by the rule, without a model.
      expect(triageFinding(knativeFinding(40), rules)).toMatchObject({
        classification: 'harmless',
        skill: candidate.skill,
      });

      expect(await learning.run()).toEqual([]);
      expect(await learning.listCandidates()).toEqual([approved]);
    });

    it('proposes nothing, without error, when nobody labelled a finding', async () => {
      const { learning, skills } = await setup({ labelled: [] });
      expect(await learning.run()).toEqual([]);
      expect(await learning.listCandidates()).toEqual([]);
      expect(await skills.listSkills({ includeDrafts: true })).toEqual([]);
    });

    it('keeps a rule that would call a labelled-critical finding harmless as rejected, without a draft', async () => {
      const history = [
        ...twelveHarmlessKnative(),
        labelled(knativeFinding(50, { namespace: 'payments' }), 'critical', 50),
      ];
      const { learning, skills, logger } = await setup({
        labelled: history,
        induce: (l, o) => [
          ...induceRules(l, o),
          { rule: everyNamespace, skill: 'learned-knative-everywhere' },
          // Malformed: skipped with a warning, the others still stored.
          {
            rule: { ...everyNamespace, classify: 'maybe' as 'harmless' },
            skill: 'learned-broken',
          },
        ],
      });

      const candidates = await learning.run();
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /Skipped a proposed rule for skill "learned-broken": invalid candidate rule: classify/,
        ),
      );
      expect(candidates.map(c => c.status).sort()).toEqual([
        'proposed',
        'rejected',
      ]);
      const rejected = candidates.find(c => c.status === 'rejected')!;
      expect(rejected.rejection).toMatch(
        /would call 1 finding labelled critical harmless: neuroscale-prod\/payments\/Service\/model-50/,
      );
      expect(rejected.evidence.criticalCalledHarmless).toBe(1);
      expect(rejected.draftVersion).toBeUndefined();
      expect(
        (await skills.listSkills({ includeDrafts: true })).map(s => s.name),
      ).not.toContain('learned-knative-everywhere');
      await expect(learning.approve(rejected.id, ada)).rejects.toMatchObject({
        name: 'ConflictError',
      });
      // Stored once: the next run does not propose it again.
      expect(await learning.run()).toEqual([]);
      expect(await learning.listCandidates({ status: 'rejected' })).toEqual([
        rejected,
      ]);
    });

    it('refuses approving or rejecting without hermes.skills.approve, changing nothing', async () => {
      const { learning, skills } = await setup({ deny: true });
      const [candidate] = await learning.run();
      for (const attempt of [
        learning.approve(candidate.id, ada),
        learning.reject(candidate.id, ada, 'no'),
      ]) {
        await expect(attempt).rejects.toMatchObject({
          name: 'NotAllowedError',
          message: expect.stringContaining('hermes.skills.approve'),
        });
      }
      expect(await learning.listCandidates()).toEqual([candidate]);
      expect(await skills.getVersion(candidate.skill, 1)).toMatchObject({
        status: 'draft',
      });
    });

    it('rejects a candidate with its draft; the rule is not proposed again', async () => {
      const { learning, skills, activeRules } = await setup();
      const [candidate] = await learning.run();
      expect(
        await learning.reject(candidate.id, bob, 'we pin these by hand'),
      ).toMatchObject({
        status: 'rejected',
        rejection: 'we pin these by hand',
        decidedBy: 'user:default/bob',
      });
      expect(await skills.getVersion(candidate.skill, 1)).toMatchObject({
        status: 'rejected',
        reviewNote: 'we pin these by hand',
      });
      await expect(learning.approve(candidate.id, ada)).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining('is rejected by user:default/bob'),
      });
      expect(await learning.run()).toEqual([]);
      expect(await activeRules()).toEqual([]);
      await expect(learning.approve('nope', ada)).rejects.toMatchObject({
        name: 'NotFoundError',
      });
    });

    it('shows a draft approved or rejected in the Skills view as decided', async () => {
      const { learning, skills } = await setup();
      const [candidate] = await learning.run();
      await skills.reject(candidate.skill, 1, 'user:default/bob', 'not now');
      expect(await learning.listCandidates()).toEqual([
        expect.objectContaining({
          status: 'rejected',
          decidedBy: 'user:default/bob',
          rejection: 'not now',
        }),
      ]);
    });

    it('appends to an existing skill, and approving two drafts of it keeps both rules', async () => {
      const { learning, skills, activeRules } = await setup({
        induce: () => [
          {
            rule: {
              ...everyNamespace,
              match: { ...everyNamespace.match, namespaces: ['serving-stack'] },
            },
            skill: 'knative-tuning',
          },
          {
            rule: {
              ...everyNamespace,
              match: { ...everyNamespace.match, clusters: ['neuroscale-prod'] },
            },
            skill: 'knative-tuning',
          },
        ],
      });
      const existing = [
        '---',
        'name: knative-tuning',
        'description: How we tune Knative autoscaling',
        'metadata:',
        '  hermes:',
        '    # kept as written',
        '    tags: [knative]',
        '    triage:',
        '      - match: { kinds: [Deployment], paths: [/spec/replicas], managerClasses: [controller] }',
        '        classify: harmless',
        '        reason: the autoscaler owns replicas',
        '---',
        '# Knative tuning',
        '',
        'Ask the platform team first.',
        '',
      ].join('\n');
      await skills.save(existing, 'user:default/ada');

      const [first, second] = await learning.run();
      expect([first.draftVersion, second.draftVersion]).toEqual([2, 3]);
      const draft = await skills.getVersion('knative-tuning', 2);
      expect(draft.document).toContain('# kept as written');
      expect(draft.document).toContain('Ask the platform team first.');
      expect(
        triageRulesFromSkills([parseSkillDocument(draft.document, 'draft')])
          .rules,
      ).toHaveLength(2);

      await learning.approve(first.id, ada);
      // Version 3 was written on top of version 1; approving it as it is would drop the
      // first rule, so the rule is drafted again on top of version 2 and that is approved.
      const approved = await learning.approve(second.id, ada);
      expect(approved).toMatchObject({ status: 'approved', draftVersion: 4 });
      expect(await skills.getVersion('knative-tuning', 3)).toMatchObject({
        status: 'rejected',
      });
      expect((await activeRules()).map(r => r.match)).toEqual([
        {
          kinds: ['Deployment'],
          paths: ['/spec/replicas'],
          managerClasses: ['controller'],
        },
        first.rule.match,
        second.rule.match,
      ]);
    });

    it('measures per skill what its rules classified and how that agreed with labels', async () => {
      const skill = 'learned-knative';
      const drift = driftStandIn({
        audits: [
          {
            auditId: 'a1',
            cluster: 'neuroscale-prod',
            startedAt: '2026-11-01T00:00:00.000Z',
            findings: 3,
            byRule: 2,
            bySuggestion: 0,
            unknown: 1,
            modelCalls: 1,
            modelTokens: 300,
          },
          {
            auditId: 'a2',
            cluster: 'neuroscale-prod',
            startedAt: '2026-11-02T00:00:00.000Z',
            findings: 1,
            byRule: 1,
            bySuggestion: 0,
            unknown: 0,
            modelCalls: 0,
            modelTokens: 0,
          },
        ],
        findings: {
          a1: [
            knativeFinding(1, { skill }),
            knativeFinding(2, { skill }),
            knativeFinding(3),
          ],
          a2: [knativeFinding(4, { skill })],
        },
        labelled: [
          labelled(knativeFinding(1, { skill }), 'harmless', 5),
          labelled(knativeFinding(2, { skill }), 'reverted', 6),
        ],
      });
      const { learning } = await setup({ drift });
      const metrics = await learning.metrics(ada);
      expect(metrics.audits.map(a => a.auditId)).toEqual(['a1', 'a2']);
      expect(metrics.skills).toEqual([
        {
          name: skill,
          classified: 3,
          audits: 2,
          agreement: 0.5,
          modelCallsSaved: 3,
          lastClassifiedAt: '2026-11-02T00:00:00.000Z',
        },
      ]);
      // Agreement counts labels given since the oldest audit shown.
      expect(drift.sinces).toEqual([new Date('2026-11-01T00:00:00.000Z')]);
    });

    it('runs on the scheduler every 6 hours by default, once across replicas', async () => {
      const scheduler = mockServices.scheduler.mock();
      const { learning, logger } = await setup();
      await learning.start(scheduler);
      expect(scheduler.scheduleTask).toHaveBeenCalledWith(
        expect.objectContaining({
          id: 'hermes-learning',
          scope: 'global',
          frequency: { hours: 6 },
          initialDelay: { minutes: 1 },
        }),
      );
      await scheduler.scheduleTask.mock.calls[0][0].fn(
        new AbortController().signal,
      );
      expect(
        await learning.listCandidates({ status: 'proposed' }),
      ).toHaveLength(1);
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringMatching(
          /Learning run: 1 proposed as skill drafts: learned-.*12 of 12 labelled harmless.*; 0 rejected/,
        ),
      );
    });

    it('reads its schedule and minimum support from hermes.learning', async () => {
      const scheduler = mockServices.scheduler.mock();
      const { learning } = await setup({
        config: {
          hermes: {
            learning: {
              minSupport: 13,
              schedule: { frequency: { minutes: 30 }, timeout: { minutes: 5 } },
            },
          },
        },
      });
      await learning.start(scheduler);
      expect(scheduler.scheduleTask).toHaveBeenCalledWith(
        expect.objectContaining({ frequency: { minutes: 30 } }),
      );
      // 12 labels are not enough for a minimum of 13.
      expect(await learning.run()).toEqual([]);
      await expect(
        setup({ config: { hermes: { learning: { minSupport: 0 } } } }),
      ).rejects.toThrow(
        /hermes\.learning\.minSupport must be a whole number of at least 1, got 0/,
      );
      await expect(
        setup({ config: { hermes: { learning: { reflectEvery: 51 } } } }),
      ).rejects.toThrow(
        /hermes\.learning\.reflectEvery must be a whole number from 1 to 50, got 51/,
      );
      // Three services set up on a fresh database each: slow on a busy PostgreSQL.
    }, 30_000);
  },
);
