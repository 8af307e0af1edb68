import type { TriageRule } from '../drift/triage';
import type { FieldChange, ManagerClass, Resolution } from '../drift/types';
import { evaluateCandidate } from './gate';
import type { LabelledFinding, TriageRuleInput } from './types';

let counter = 0;

const by = (manager: string, managerClass: ManagerClass) => ({
  manager,
  operation: 'Update',
  class: managerClass,
});

/** A labelled Service finding in serving-stack with the given changed fields. */
function labelled(
  label: Resolution,
  changes: FieldChange[],
  auditId = 'a1',
): LabelledFinding {
  counter++;
  return {
    id: `f${counter}`,
    auditId,
    foundAt: '2026-12-01T00:00:00Z',
    label,
    labels: [{ resolution: label, userRef: 'user:default/ana', at: '' }],
    finding: {
      fingerprint: `fp${counter}`,
      cluster: 'prod',
      resource: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        namespace: 'serving-stack',
        name: `svc-${counter}`,
      },
      labels: {},
      type: 'modified',
      changes,
      classification: 'unknown',
    },
  };
}

const MIN_SCALE =
  '/spec/template/metadata/annotations/autoscaling.knative.dev~1min-scale';
const annotation = (managerClass: ManagerClass = 'controller') => ({
  path: MIN_SCALE,
  attribution: by(
    managerClass === 'human' ? 'kubectl-edit' : 'controller',
    managerClass,
  ),
});
const replicas = {
  path: '/spec/replicas',
  attribution: by('hpa', 'controller'),
};

const knativeRule = (
  match: Partial<TriageRuleInput['match']> = {},
): TriageRuleInput => ({
  match: {
    kinds: ['Service'],
    paths: ['/spec/template/metadata/annotations/autoscaling.knative.dev~1*'],
    managerClasses: ['controller'],
    ...match,
  },
  classify: 'harmless',
  reason: 'the Knative autoscaler tunes these',
});
const harmlessHistory = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    labelled('harmless', [annotation()], `a${i % 3}`),
  );

describe('evaluateCandidate', () => {
  it('accepts a rule that agrees with every label and adds coverage, with its evidence', () => {
    const result = evaluateCandidate(knativeRule(), harmlessHistory(12), []);
    expect(result).toEqual({
      verdict: 'accept',
      evidence: {
        support: 12,
        matched: 12,
        agreement: 1,
        counterExamples: [],
        criticalCalledHarmless: 0,
        newlyCovered: 12,
        audits: 3,
        summary: '12 of 12 labelled harmless',
      },
    });
  });

  it('rejects a candidate that would mark one labelled-critical finding harmless', () => {
    const human = labelled('reverted', [annotation('human')]);
    const result = evaluateCandidate(
      knativeRule({ managerClasses: undefined }),
      [...harmlessHistory(12), human],
      [],
    );
    expect(result.verdict).toBe('reject');
    expect(result.rejection).toBe(
      `would call 1 finding labelled critical harmless: ${human.finding.fingerprint}`,
    );
    expect(result.evidence).toMatchObject({
      support: 12,
      matched: 13,
      criticalCalledHarmless: 1,
      counterExamples: [
        {
          id: human.id,
          fingerprint: human.finding.fingerprint,
          label: 'reverted',
        },
      ],
    });
  });

  it('rejects a candidate that calls a critical finding harmless only together with the active rules', () => {
    const active: TriageRule[] = [
      {
        match: { paths: ['/spec/replicas'], managerClasses: ['controller'] },
        classify: 'harmless',
        reason: 'HPA',
        skill: 'hpa',
      },
    ];
    const mixed = labelled('critical', [annotation(), replicas]);
    const result = evaluateCandidate(
      knativeRule(),
      [...harmlessHistory(6), mixed],
      active,
    );
    expect(result.evidence.criticalCalledHarmless).toBe(1);
    expect(result.rejection).toMatch(/^would call 1 finding labelled critical/);
  });

  it.each([
    {
      history: 3,
      minSupport: undefined,
      rejection: 'support 3 is below the minimum of 5',
    },
    {
      history: 4,
      minSupport: 5,
      rejection: 'support 4 is below the minimum of 5',
    },
    { history: 5, minSupport: undefined, rejection: undefined },
    { history: 3, minSupport: 3, rejection: undefined },
  ])(
    'with support $history and minSupport $minSupport (default 5) the rejection is $rejection',
    ({ history, minSupport, rejection }) => {
      const result = evaluateCandidate(
        knativeRule(),
        harmlessHistory(history),
        [],
        minSupport,
      );
      expect(result.verdict).toBe(rejection ? 'reject' : 'accept');
      expect(result.rejection).toBe(rejection);
    },
  );

  it('does not count against a harmless rule a finding labelled for another change the rule leaves unknown', () => {
    // One object, two writers: the autoscaler's annotation and a person's image hotfix,
    // reverted. The rule covers only the annotation, so the finding would stay unknown.
    const image = {
      path: '/spec/template/spec/containers/0/image',
      attribution: by('kubectl-set', 'human'),
    };
    const mixed = labelled('reverted', [annotation(), image]);
    const alone = evaluateCandidate(
      knativeRule(),
      [...harmlessHistory(6), mixed],
      [],
    );
    expect(alone.verdict).toBe('accept');
    expect(alone.evidence).toMatchObject({
      support: 6,
      matched: 6,
      counterExamples: [],
    });

    // Once an active rule would call the hotfix harmless too, the rule decides the finding.
    const hotfixes: TriageRule = {
      match: { paths: [image.path], managerClasses: ['human'] },
      classify: 'harmless',
      reason: 'hotfixes',
      skill: 'hotfixes',
    };
    const together = evaluateCandidate(
      knativeRule(),
      [...harmlessHistory(6), mixed],
      [hotfixes],
    );
    expect(together.verdict).toBe('reject');
    expect(together.evidence.counterExamples).toEqual([
      {
        id: mixed.id,
        fingerprint: mixed.finding.fingerprint,
        label: 'reverted',
      },
    ]);
  });

  it('rejects a critical rule whose matched findings were sometimes committed instead', () => {
    const hotfix = () => annotation('human');
    const history = [
      ...Array.from({ length: 6 }, () => labelled('reverted', [hotfix()])),
      labelled('committed', [hotfix()]),
      labelled('committed', [hotfix()]),
    ];
    const result = evaluateCandidate(
      { ...knativeRule({ managerClasses: ['human'] }), classify: 'critical' },
      history,
      [],
    );
    expect(result.evidence).toMatchObject({
      support: 6,
      matched: 8,
      agreement: 0.75,
      criticalCalledHarmless: 0,
      summary: '6 of 8 labelled critical (2 committed)',
    });
    expect(result.rejection).toBe(
      'agreement 75%: 2 of 8 matched findings were labelled otherwise (2 committed)',
    );
  });

  it('rejects a rule that adds nothing to the active rules', () => {
    const active = [{ ...knativeRule(), skill: 'knative' }];
    const result = evaluateCandidate(
      knativeRule({ namespaces: ['serving-stack'] }),
      harmlessHistory(8),
      active,
    );
    expect(result.evidence.newlyCovered).toBe(0);
    expect(result.rejection).toBe(
      'adds no coverage: active rules already classify all 8 findings it matches',
    );
  });

  it.each([
    {
      name: 'a bare path glob',
      rule: knativeRule({ paths: ['/*'] }),
      rejection: 'path glob "/*" would match every field',
    },
    {
      name: 'a harmless rule naming neither kinds nor paths',
      rule: knativeRule({ kinds: undefined, paths: undefined }),
      rejection: 'a harmless rule must name the kinds or the paths it covers',
    },
  ])('rejects $name however well it agrees', ({ rule, rejection }) => {
    const result = evaluateCandidate(rule, harmlessHistory(12), []);
    expect(result.evidence.agreement).toBe(1);
    expect(result.rejection).toBe(rejection);
  });

  it('says which field of a malformed candidate is wrong', () => {
    expect(() =>
      evaluateCandidate(
        { ...knativeRule(), classify: 'maybe' } as unknown as TriageRuleInput,
        [],
        [],
      ),
    ).toThrow(/^invalid candidate rule: classify: /);
    expect(() => evaluateCandidate(knativeRule(), [], [], 0)).toThrow(
      'minSupport must be a whole number of at least 1, got 0',
    );
  });
});
