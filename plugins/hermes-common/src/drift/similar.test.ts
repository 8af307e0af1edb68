import { formatDriftReport } from './report';
import { driftReportModel } from './reportModel';
import { ordinal, SeenDrift, similarDriftOf } from './similar';
import { DriftFinding } from './types';

const policy = (
  fingerprint: string,
  overrides: Partial<DriftFinding> = {},
): DriftFinding => ({
  fingerprint,
  cluster: 'neuroscale-prod',
  resource: {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    name: `policy-${fingerprint}`,
  },
  labels: {},
  type: 'modified',
  changes: [{ path: '/spec/rules', desired: ['Enforce'], live: ['Audit'] }],
  classification: 'critical',
  attribution: { manager: 'kubectl-edit', operation: 'Update', class: 'human' },
  ...overrides,
});

const seen = (
  fingerprint: string,
  overrides: Partial<SeenDrift> = {},
): SeenDrift => ({
  fingerprint,
  cluster: 'neuroscale-prod',
  kind: 'ClusterPolicy',
  type: 'modified',
  managerClass: 'human',
  ...overrides,
});

describe('ordinal', () => {
  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [22, '22nd'],
    [111, '111th'],
    [123, '123rd'],
  ])('%i is %s', (n, text) => expect(ordinal(n)).toBe(text));
});

describe('similarDriftOf', () => {
  it.each<{
    name: string;
    finding: DriftFinding;
    seen: SeenDrift[];
    description: string | undefined;
  }>([
    {
      name: 'the sample report: previous manual policy edits were reverted',
      finding: policy('c'),
      seen: [
        seen('a', { resolution: 'reverted' }),
        seen('b', { resolution: 'reverted' }),
      ],
      description:
        '3rd manual ClusterPolicy edit in 14 days; previous 2 resolved by reverting',
    },
    {
      name: 'one earlier, committed to Git',
      finding: policy('c'),
      seen: [seen('a', { resolution: 'committed' })],
      description:
        '2nd manual ClusterPolicy edit in 14 days; the previous one resolved by committing to Git',
    },
    {
      name: 'mixed resolutions and unresolved drift',
      finding: policy('d'),
      seen: [
        seen('a', { resolution: 'reverted' }),
        seen('b', { resolution: 'reverted' }),
        seen('c', { resolution: 'harmless' }),
        seen('e'),
      ],
      description:
        '5th manual ClusterPolicy edit in 14 days; previous 4: 1 marked harmless, 2 reverted, 1 unresolved',
    },
    {
      name: 'none of the earlier ones resolved',
      finding: policy('c'),
      seen: [seen('a'), seen('b')],
      description:
        '3rd manual ClusterPolicy edit in 14 days; none of the previous 2 resolved',
    },
    {
      name: 'the same drift seen again counts once (and its own label is not "previous")',
      finding: policy('a'),
      seen: [seen('a', { resolution: 'reverted' }), seen('b')],
      description:
        '2nd manual ClusterPolicy edit in 14 days; the previous one not resolved',
    },
    {
      name: 'other manager classes, kinds, types and clusters are not similar',
      finding: policy('a'),
      seen: [
        seen('b', { managerClass: 'controller' }),
        seen('c', { kind: 'Policy' }),
        seen('d', { type: 'extra' }),
        seen('e', { cluster: 'neuroscale-staging' }),
        seen('f', { managerClass: undefined }),
      ],
      description: undefined,
    },
    {
      name: 'objects created outside Git by GitOps',
      finding: policy('b', {
        type: 'extra',
        changes: [],
        attribution: { manager: 'argocd', operation: 'Apply', class: 'gitops' },
      }),
      seen: [seen('a', { type: 'extra', managerClass: 'gitops' })],
      description:
        '2nd GitOps ClusterPolicy creation outside Git in 14 days; the previous one not resolved',
    },
    {
      name: 'deletions, which no writer is attributed to',
      finding: policy('b', {
        type: 'missing',
        changes: [],
        attribution: undefined,
      }),
      seen: [
        seen('a', {
          type: 'missing',
          managerClass: undefined,
          resolution: 'critical',
        }),
      ],
      description:
        '2nd ClusterPolicy deletion in 14 days; the previous one marked critical',
    },
    {
      name: 'controller edits',
      finding: policy('b', {
        attribution: {
          manager: 'kyverno',
          operation: 'Update',
          class: 'controller',
        },
      }),
      seen: [seen('a', { managerClass: 'controller', resolution: 'harmless' })],
      description:
        '2nd controller ClusterPolicy edit in 14 days; the previous one marked harmless',
    },
  ])('$name', ({ finding, seen: earlier, description }) => {
    const similar = similarDriftOf([finding], earlier, 14).get(
      finding.fingerprint,
    );
    expect(similar?.description).toBe(description);
  });

  it('counts findings of the audit at hand as similar to each other, and tallies resolutions', () => {
    const findings = [policy('x'), policy('y')];
    const similar = similarDriftOf(
      findings,
      [seen('a', { resolution: 'reverted' })],
      14,
    );
    expect(similar.get('x')).toEqual({
      count: 3,
      resolutions: { harmless: 0, reverted: 1, committed: 0, critical: 0 },
      unresolved: 1,
      description:
        '3rd manual ClusterPolicy edit in 14 days; previous 2: 1 reverted, 1 unresolved',
    });
  });
});

describe('reports say what history says about similar drift', () => {
  const finding = {
    ...policy('c'),
    skill: 'kyverno-drift-response',
    reason: 'admission control bypass',
    history: {
      seen: 1,
      windowDays: 14,
      labels: [],
      similar: similarDriftOf(
        [policy('c')],
        [
          seen('a', { resolution: 'reverted' }),
          seen('b', { resolution: 'reverted' }),
        ],
        14,
      ).get('c'),
    },
  };

  it('in the text report', () => {
    expect(
      formatDriftReport({ cluster: 'neuroscale-prod', findings: [finding] }),
    ).toContain(
      '           history: 3rd manual ClusterPolicy edit in 14 days; previous 2 resolved by reverting',
    );
  });

  it('in the report model every delivery channel formats', () => {
    const model = driftReportModel({
      cluster: 'neuroscale-prod',
      findings: [
        {
          ...finding,
          id: '1',
          auditId: 'a',
          foundAt: '2026-11-30T00:00:00Z',
          history: { ...finding.history, seen: 2 },
        },
      ],
    });
    expect(model.groups[0].findings[0].history).toBe(
      'seen 2× in 14 days · 3rd manual ClusterPolicy edit in 14 days; previous 2 resolved by reverting',
    );
  });

  it('says nothing of similar drift when there is none', () => {
    expect(
      formatDriftReport({
        cluster: 'neuroscale-prod',
        findings: [
          { ...finding, history: { seen: 1, windowDays: 14, labels: [] } },
        ],
      }),
    ).not.toContain('history:');
  });
});
