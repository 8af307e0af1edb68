import { triageFinding, TriageRule } from '../drift/triage';
import type { DriftType, ManagerClass, Resolution } from '../drift/types';
import { induceRules } from './induce';
import { labelClass } from './labels';
import type { LabelledFinding } from './types';

let counter = 0;

/** A labelled finding with one changed field. */
function labelled(f: {
  label: Resolution;
  path: string;
  manager: string;
  managerClass: ManagerClass;
  kind?: string;
  namespace?: string;
  name?: string;
  cluster?: string;
  type?: DriftType;
}): LabelledFinding {
  counter++;
  const attribution = {
    manager: f.manager,
    operation: 'Update',
    class: f.managerClass,
  };
  return {
    id: `f${counter}`,
    auditId: `a${counter % 4}`,
    foundAt: '2026-12-01T00:00:00Z',
    label: f.label,
    labels: [{ resolution: f.label, userRef: 'user:default/ana', at: '' }],
    finding: {
      fingerprint: `fp${counter}`,
      cluster: f.cluster ?? 'prod',
      resource: {
        apiVersion: 'v1',
        kind: f.kind ?? 'Service',
        namespace: f.namespace,
        name: f.name ?? `obj-${counter}`,
      },
      labels: {},
      type: f.type ?? 'modified',
      changes: [{ path: f.path, desired: 'a', live: 'b', attribution }],
      classification: 'unknown',
      attribution,
    },
  };
}

const ANNOTATIONS = '/spec/template/metadata/annotations';
const knative = (label: Resolution, i: number) =>
  labelled({
    label,
    namespace: 'serving-stack',
    path: `${ANNOTATIONS}/autoscaling.knative.dev~1${
      ['min-scale', 'max-scale', 'target'][i % 3]
    }`,
    manager: 'controller',
    managerClass: 'controller',
  });
const twelveKnative = () =>
  Array.from({ length: 12 }, (_, i) => knative('harmless', i));
const humanKnativeEdit = () =>
  labelled({
    label: 'reverted',
    namespace: 'serving-stack',
    path: `${ANNOTATIONS}/autoscaling.knative.dev~1min-scale`,
    manager: 'kubectl-edit',
    managerClass: 'human',
  });
const hpa = (namespace: string, label: Resolution = 'harmless') =>
  labelled({
    label,
    kind: 'Deployment',
    namespace,
    path: '/spec/replicas',
    manager: 'kube-controller-manager',
    managerClass: 'controller',
  });
const hotfix = (label: Resolution) =>
  labelled({
    label,
    kind: 'Deployment',
    namespace: 'team-a',
    path: '/spec/template/spec/containers/0/image',
    manager: 'kubectl-set',
    managerClass: 'human',
  });
const asActive = (rule: { rule: object; skill: string }) =>
  ({ ...rule.rule, skill: rule.skill } as TriageRule);

describe('induceRules', () => {
  it('learns one harmless rule for Knative annotations a controller writes, and not for a person', () => {
    const harmless = twelveKnative();
    const human = humanKnativeEdit();
    const proposed = induceRules([...harmless, human], { minSupport: 5 });

    expect(proposed).toHaveLength(1);
    const [{ rule, skill }] = proposed;
    expect(rule.classify).toBe('harmless');
    expect(rule.match).toMatchObject({
      kinds: ['Service'],
      types: ['modified'],
      namespaces: ['serving-stack'],
      paths: [`${ANNOTATIONS}/autoscaling.knative.dev~1*`],
      managerClasses: ['controller'],
    });
    expect(rule.reason).toBe(
      `In serving-stack on cluster prod, Service ${ANNOTATIONS}/autoscaling.knative.dev~1* written by a controller (controller): 12 of 12 labelled harmless`,
    );
    expect(skill).toBe('learned-serving-stack-service-autoscaling-knative-dev');
    const active = [asActive(proposed[0])];
    for (const item of harmless) {
      expect(triageFinding(item.finding, active).classification).toBe(
        'harmless',
      );
    }
    expect(triageFinding(human.finding, active).classification).toBe('unknown');
  });

  it('learns a critical rule from manual ClusterPolicy edits people reverted, over any field', () => {
    const paths = [
      '/spec/validationFailureAction',
      '/spec/background',
      '/spec/rules/0/validate/message',
    ];
    const edits = Array.from({ length: 6 }, (_, i) =>
      labelled({
        label: i === 5 ? 'critical' : 'reverted',
        kind: 'ClusterPolicy',
        path: paths[i % 3],
        manager: i % 2 ? 'k9s' : 'kubectl-edit',
        managerClass: 'human',
      }),
    );
    const proposed = induceRules(edits, { minSupport: 5 });

    expect(proposed).toHaveLength(1);
    const [{ rule, skill }] = proposed;
    expect(rule.classify).toBe('critical');
    expect(rule.match).toEqual({
      kinds: ['ClusterPolicy'],
      types: ['modified'],
      managerClasses: ['human'],
      clusters: ['prod'],
    });
    expect(rule.reason).toContain(
      '6 of 6 labelled critical (critical 1, reverted 5)',
    );
    expect(rule.recommend).toBe(
      'Revert the in-cluster change or commit it to Git, as people did 5 times.',
    );
    expect(skill).toBe('learned-prod-clusterpolicy-human-critical');
    const another = labelled({
      label: 'reverted',
      kind: 'ClusterPolicy',
      path: '/spec/rules/3/exclude',
      manager: 'kubectl-patch',
      managerClass: 'human',
    });
    expect(
      triageFinding(another.finding, [asActive(proposed[0])]).classification,
    ).toBe('critical');
  });

  it.each([
    { labels: 3, minSupport: 5, proposed: 0 },
    { labels: 4, minSupport: 5, proposed: 0 },
    { labels: 5, minSupport: 5, proposed: 1 },
    { labels: 3, minSupport: 3, proposed: 1 },
  ])(
    'with $labels agreeing labels and minSupport $minSupport proposes $proposed rule(s)',
    ({ labels, minSupport, proposed }) => {
      const history = Array.from({ length: labels }, () => hpa('team-a'));
      expect(induceRules(history, { minSupport })).toHaveLength(proposed);
    },
  );

  it.each<{ name: string; labels: Resolution[] }>([
    { name: 'committed alone', labels: Array(8).fill('committed') },
    {
      name: 'committed with too few reverts',
      labels: [...Array(6).fill('committed'), ...Array(4).fill('reverted')],
    },
    {
      name: 'committed against a harmless majority',
      labels: [...Array(9).fill('harmless'), 'committed'],
    },
  ])('committed labels never support a rule: $name', ({ labels }) => {
    expect(induceRules(labels.map(hotfix), { minSupport: 5 })).toEqual([]);
  });

  it("learns the controller's rule even where a person's reverted change shares the finding", () => {
    // Drift on one object is one finding; its label is about the person's hotfix.
    const mixed = [0, 1].map(i => {
      const finding = knative('reverted', i);
      const hotfixChange = hotfix('reverted').finding.changes[0];
      finding.finding.changes.push(hotfixChange);
      return finding;
    });
    const proposed = induceRules([...twelveKnative(), ...mixed], {
      minSupport: 5,
    });
    expect(proposed.map(p => [p.rule.classify, p.rule.match.paths])).toEqual([
      ['harmless', [`${ANNOTATIONS}/autoscaling.knative.dev~1*`]],
    ]);
  });

  it('a single finding labelled otherwise blocks the rule', () => {
    const history = [
      ...Array.from({ length: 10 }, () => hpa('team-a')),
      hpa('team-a', 'reverted'),
    ];
    expect(induceRules(history, { minSupport: 5 })).toEqual([]);
  });

  it('does not propose a pattern the active rules already classify the same way', () => {
    const history = [...twelveKnative(), humanKnativeEdit()];
    const first = induceRules(history, { minSupport: 5 });
    expect(first).toHaveLength(1);
    expect(
      induceRules(history, { minSupport: 5, activeRules: first.map(asActive) }),
    ).toEqual([]);
  });

  it.each([
    { namespaces: ['team-a', 'team-b', 'team-c'], expected: undefined },
    { namespaces: ['team-a', 'team-b'], expected: ['team-a', 'team-b'] },
  ])(
    'a harmless rule drops the namespace only when the evidence spans three: $namespaces',
    ({ namespaces, expected }) => {
      const history = namespaces.flatMap(ns => [hpa(ns), hpa(ns), hpa(ns)]);
      const [proposed] = induceRules(history, { minSupport: 5 });
      expect(proposed.rule.match.namespaces).toEqual(expected);
    },
  );

  it.each([
    { perNamespace: [5, 5, 5], expected: ['team-a', 'team-b', 'team-c'] },
    { perNamespace: [6, 2, 2], expected: ['team-a'] },
    { perNamespace: [2, 2, 2], expected: undefined },
  ])(
    'when dropping the namespaces would take in a finding labelled otherwise, each listed one needs its own support: $perNamespace',
    ({ perNamespace, expected }) => {
      const history = [
        ...['team-a', 'team-b', 'team-c'].flatMap((ns, i) =>
          Array.from({ length: perNamespace[i] }, () => hpa(ns)),
        ),
        hpa('payments', 'reverted'),
      ];
      const proposed = induceRules(history, { minSupport: 5 });
      expect(proposed.map(p => p.rule.match.namespaces)).toEqual(
        expected ? [expected] : [],
      );
    },
  );

  it('generalises Secret data keys to /data/* only from three distinct keys', () => {
    const secret = (key: string) =>
      labelled({
        label: 'harmless',
        kind: 'Secret',
        namespace: 'payments',
        path: `/data/${key}`,
        manager: 'external-secrets',
        managerClass: 'controller',
      });
    const three = induceRules(
      ['password', 'token', 'tls.crt', 'password', 'token'].map(secret),
      { minSupport: 5 },
    );
    expect(three.map(p => p.rule.match.paths)).toEqual([['/data/*']]);
    const two = induceRules(
      ['password', 'token', 'password', 'token', 'password'].map(secret),
      { minSupport: 3 },
    );
    expect(two.map(p => p.rule.match.paths)).toEqual([['/data/password']]);
  });

  it('falls back to exact paths when the glob would reach a finding labelled otherwise', () => {
    const history = [
      ...Array.from({ length: 12 }, (_, i) => knative('harmless', i % 2)),
      knative('reverted', 2),
    ];
    const proposed = induceRules(history, { minSupport: 5 });
    expect(proposed.map(p => p.rule.match.paths)).toEqual([
      [`${ANNOTATIONS}/autoscaling.knative.dev~1max-scale`],
      [`${ANNOTATIONS}/autoscaling.knative.dev~1min-scale`],
    ]);
  });

  it('keeps a clean critical path apart from a contradicted one instead of merging them', () => {
    const manualScale = (label: Resolution) =>
      labelled({
        label,
        kind: 'Deployment',
        namespace: 'team-a',
        path: '/spec/replicas',
        manager: 'kubectl-scale',
        managerClass: 'human',
      });
    const history = [
      ...Array.from({ length: 5 }, () => hotfix('reverted')),
      manualScale('reverted'),
      manualScale('harmless'),
    ];
    const proposed = induceRules(history, { minSupport: 5 });
    expect(proposed.map(p => [p.rule.classify, p.rule.match.paths])).toEqual([
      ['critical', ['/spec/template/spec/containers/0/image']],
    ]);
  });

  it('rejects a minSupport that is not a positive whole number', () => {
    expect(() => induceRules([], { minSupport: 0 })).toThrow(
      'minSupport must be a whole number of at least 1, got 0',
    );
  });
});

describe('labelClass', () => {
  it.each([
    ['harmless', 'harmless'],
    ['reverted', 'critical'],
    ['critical', 'critical'],
    ['committed', 'action-needed'],
  ] as const)('reads %s as %s', (resolution, expected) => {
    expect(labelClass(resolution)).toBe(expected);
  });

  it('names an unknown resolution', () => {
    expect(() => labelClass('ignored' as Resolution)).toThrow(
      'unknown resolution "ignored": expected harmless, reverted, committed or critical',
    );
  });
});
