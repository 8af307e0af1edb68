import {
  AuditLearningMetrics,
  LearningCandidate,
} from '@hermes-backstage/plugin-hermes-common';

/** A rule induced from people's labels: Knative autoscaler annotations in serving-stack. */
export const knativeCandidate: LearningCandidate = {
  id: 'c1',
  skill: 'knative-autoscaler-drift',
  rule: {
    match: {
      namespaces: ['serving-stack'],
      kinds: ['Service'],
      paths: ['/spec/template/metadata/annotations/autoscaling.knative.dev~1*'],
      managerClasses: ['controller'],
      managers: ['autoscaler'],
    },
    classify: 'harmless',
    reason: 'Knative autoscaler reconciliation',
  },
  source: 'induction',
  status: 'proposed',
  evidence: {
    support: 12,
    matched: 12,
    agreement: 1,
    counterExamples: [],
    criticalCalledHarmless: 0,
    newlyCovered: 9,
    audits: 7,
    summary: '12 of 12 labelled harmless',
  },
  draftVersion: 2,
  createdAt: '2026-11-24T10:00:00Z',
};

/** A rule the evaluation gate rejected: it would call a labelled-critical edit harmless. */
export const gateRejected: LearningCandidate = {
  id: 'c2',
  skill: 'kyverno-drift-response',
  rule: {
    match: { clusters: ['neuroscale-prod'], kinds: ['ClusterPolicy'] },
    classify: 'harmless',
    reason: 'policy edits',
  },
  source: 'induction',
  status: 'rejected',
  rejection: 'would call 1 labelled-critical finding harmless',
  evidence: {
    support: 4,
    matched: 5,
    agreement: 0.8,
    counterExamples: [
      {
        id: 'f9',
        fingerprint: 'neuroscale-prod/ClusterPolicy/require-limits',
        label: 'critical',
      },
    ],
    criticalCalledHarmless: 1,
    newlyCovered: 5,
    audits: 4,
    summary: '4 of 5 labelled harmless',
  },
  createdAt: '2026-11-24T11:00:00Z',
};

export function audit(
  day: number,
  modelCalls: number,
  unknown: number,
): AuditLearningMetrics {
  return {
    auditId: `a${day}`,
    cluster: 'neuroscale-prod',
    startedAt: `2026-11-${String(day).padStart(2, '0')}T12:00:00Z`,
    findings: 20,
    byRule: 20 - unknown,
    bySuggestion: unknown,
    unknown,
    modelCalls,
    modelTokens: modelCalls * 1000,
  };
}
