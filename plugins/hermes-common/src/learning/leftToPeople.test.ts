// Rules that leave drift to a person (`classify: unknown`): how triage applies them, how the
// gate weighs them and when induction proposes them.
import { triageFinding, TriageRule } from '../drift/triage';
import type { DriftFinding, FieldChange, Resolution } from '../drift/types';
import { evaluateCandidate } from './gate';
import { induceRules } from './induce';
import type { LabelledFinding, TriageRuleInput } from './types';

const IMAGE = '/spec/template/spec/containers/0/image';
const person = {
  manager: 'kubectl-set',
  operation: 'Update',
  class: 'human',
} as const;
const hpa = {
  manager: 'kube-controller-manager',
  operation: 'Update',
  class: 'controller',
} as const;

let counter = 0;

/** A Deployment finding with the given changed fields (default: an image set by a person). */
function finding(
  changes: FieldChange[] = [
    {
      path: IMAGE,
      desired: 'api:1',
      live: 'api:1-hotfix',
      attribution: person,
    },
  ],
  namespace = `team-${counter % 3}`,
): DriftFinding {
  counter++;
  return {
    fingerprint: `fp${counter}`,
    cluster: 'prod',
    resource: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace,
      name: `api-${counter}`,
    },
    labels: {},
    type: 'modified',
    changes,
    classification: 'unknown',
    attribution: changes[0]?.attribution,
  } as DriftFinding;
}

function labelled(label: Resolution, f = finding()): LabelledFinding {
  return {
    id: `l${counter}`,
    auditId: `a${counter % 4}`,
    foundAt: '2026-12-01T00:00:00Z',
    label,
    labels: [{ resolution: label, userRef: 'user:default/ana', at: '' }],
    finding: f,
  };
}

const history = (counts: Partial<Record<Resolution, number>>) =>
  Object.entries(counts).flatMap(([label, n]) =>
    Array.from({ length: n! }, () => labelled(label as Resolution)),
  );

const leaveImages: TriageRuleInput = {
  match: {
    kinds: ['Deployment'],
    types: ['modified'],
    paths: [IMAGE],
    managerClasses: ['human'],
  },
  classify: 'unknown',
  reason: 'people decide image hotfixes both ways',
};
const asRule = (
  rule: TriageRuleInput,
  skill = 'learned-images-people-decide',
): TriageRule => ({ ...rule, skill });

describe('triage with a rule that leaves drift to a person', () => {
  it('keeps the finding unknown and names the rule, so the model is not asked', () => {
    expect(triageFinding(finding(), [asRule(leaveImages)])).toEqual({
      classification: 'unknown',
      reason: 'people decide image hotfixes both ways',
      skill: 'learned-images-people-decide',
    });
  });

  it('leaves a finding with another field no rule matches to the model', () => {
    const both = finding([
      { path: IMAGE, desired: 'a', live: 'b', attribution: person },
      {
        path: '/spec/template/spec/containers/0/securityContext/privileged',
        desired: false,
        live: true,
        attribution: person,
      },
    ]);
    expect(triageFinding(both, [asRule(leaveImages)])).toEqual({
      classification: 'unknown',
      reason: 'no triage rule matches',
    });
  });

  it('is beaten by a critical rule and beats a harmless one on the same field', () => {
    const critical = asRule({ ...leaveImages, classify: 'critical' }, 'crit');
    const harmless = asRule({ ...leaveImages, classify: 'harmless' }, 'ok');
    expect(
      triageFinding(finding(), [asRule(leaveImages), critical]),
    ).toMatchObject({ classification: 'critical', skill: 'crit' });
    expect(
      triageFinding(finding(), [harmless, asRule(leaveImages)]),
    ).toMatchObject({
      classification: 'unknown',
      skill: 'learned-images-people-decide',
    });
  });

  it('lets a harmless rule classify the other fields of a finding', () => {
    const scaled = finding([
      { path: IMAGE, desired: 'a', live: 'b', attribution: person },
      { path: '/spec/replicas', desired: 2, live: 5, attribution: hpa },
    ]);
    const replicas = asRule(
      {
        match: { kinds: ['Deployment'], paths: ['/spec/replicas'] },
        classify: 'harmless',
        reason: 'HPA',
      },
      'hpa',
    );
    expect(
      triageFinding(scaled, [replicas, asRule(leaveImages)]),
    ).toMatchObject({
      classification: 'unknown',
      skill: 'learned-images-people-decide',
    });
  });
});

describe('the gate for a rule that leaves drift to a person', () => {
  it('accepts drift people decided both ways, with the counts as evidence', () => {
    const result = evaluateCandidate(
      leaveImages,
      history({ committed: 6, reverted: 7 }),
      [],
      5,
    );
    expect(result.verdict).toBe('accept');
    expect(result.evidence).toMatchObject({
      matched: 13,
      criticalCalledHarmless: 0,
      newlyCovered: 13,
      summary: '13 labelled (committed 6, reverted 7): people decide both ways',
    });
  });

  it('rejects lopsided history: a critical rule fits it', () => {
    const result = evaluateCandidate(
      leaveImages,
      history({ committed: 3, reverted: 20 }),
      [],
      5,
    );
    expect(result.verdict).toBe('reject');
    expect(result.rejection).toBe(
      'people did not decide it both ways: 23 labelled (committed 3, reverted 20); each of two outcomes needs 5 findings and a quarter of them',
    );
  });

  it('rejects a split below the minimum support (3 and 3 with support 5)', () => {
    expect(
      evaluateCandidate(
        leaveImages,
        history({ committed: 3, reverted: 3 }),
        [],
        5,
      ).verdict,
    ).toBe('reject');
  });

  it('rejects a rule that names no kinds or paths: it would silence the model for everything', () => {
    const result = evaluateCandidate(
      { ...leaveImages, match: { managerClasses: ['human'] } },
      history({ committed: 6, reverted: 6 }),
      [],
      5,
    );
    expect(result.rejection).toBe(
      'an unknown rule must name the kinds or the paths it covers',
    );
  });

  it('rejects a rule the active rules already make redundant', () => {
    const result = evaluateCandidate(
      leaveImages,
      history({ committed: 6, reverted: 6 }),
      [asRule(leaveImages, 'already')],
      5,
    );
    expect(result.rejection).toMatch(/^adds no coverage/);
  });
});

describe('induction of rules that leave drift to a person', () => {
  it('proposes one for image hotfixes people commit or revert half and half', () => {
    const labels = history({ committed: 6, reverted: 6 });
    const proposed = induceRules(labels, { minSupport: 5 });
    // The critical rule induction also tries (committed is neutral to it) fails the gate.
    const critical = proposed.filter(p => p.rule.classify === 'critical');
    for (const { rule } of critical)
      expect(evaluateCandidate(rule, labels, [], 5).rejection).toMatch(
        /^agreement 50%/,
      );
    expect(proposed.filter(p => p.rule.classify !== 'critical')).toEqual([
      {
        skill: 'learned-prod-deployment-image-people-decide',
        rule: {
          match: {
            clusters: ['prod'],
            kinds: ['Deployment'],
            types: ['modified'],
            paths: [IMAGE],
            managerClasses: ['human'],
          },
          classify: 'unknown',
          reason:
            'On cluster prod, Deployment /spec/template/spec/containers/0/image written by a person: people decide both ways (12 labelled: committed 6, reverted 6); the audit model is not asked',
          recommend:
            'Decide from the change itself: committed 6, reverted 6 so far.',
        },
      },
    ]);
    const [leave] = proposed.filter(p => p.rule.classify === 'unknown');
    expect(evaluateCandidate(leave.rule, labels, [], 5).verdict).toBe('accept');
  });

  it('proposes a critical rule, not this, when people nearly always revert', () => {
    const proposed = induceRules(history({ committed: 1, reverted: 12 }), {
      minSupport: 5,
    });
    expect(proposed.map(p => p.rule.classify)).not.toContain('unknown');
  });

  it('proposes nothing from 3 and 3 labels with support 5', () => {
    expect(
      induceRules(history({ committed: 3, reverted: 3 }), { minSupport: 5 }),
    ).toEqual([]);
  });
});
