import {
  AuditLearningMetrics,
  LearningCandidate,
  Reflection,
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

/** A scheduled reflection that drafted a skill and a patch and sent two rules to the gate. */
export const completedReflection: Reflection = {
  id: 'r2',
  trigger: 'scheduled',
  status: 'completed',
  startedAt: '2026-11-25T08:00:00Z',
  finishedAt: '2026-11-25T08:00:40Z',
  since: '2026-11-24T08:00:00Z',
  tasksCounted: 15,
  tracesRead: 12,
  findingsRead: 30,
  model: 'local/reflect-model',
  inputTokens: 5200,
  outputTokens: 640,
  proposals: [
    {
      kind: 'skill',
      skill: 'cert-manager-renewal',
      reason: 'three runs diagnosed expiring certificates the same way',
      outcome: 'drafted',
      draftVersion: 1,
    },
    {
      kind: 'patch',
      skill: 'knative-autoscaler-drift',
      reason: 'the runbook misses the min-scale annotation',
      outcome: 'drafted',
      draftVersion: 2,
    },
    {
      kind: 'triage-rule',
      skill: 'kyverno-drift-response',
      reason: 'background scans rewrite status',
      outcome: 'proposed',
      draftVersion: 3,
      candidateId: 'c7',
    },
    {
      kind: 'triage-rule',
      skill: 'kyverno-drift-response',
      reason: 'policy edits',
      outcome: 'rejected',
      candidateId: 'c8',
      detail: 'would call 1 labelled-critical finding harmless',
    },
    {
      kind: 'skill',
      skill: 'kyverno-drift-response',
      reason: 'a runbook for policy edits',
      outcome: 'skipped',
      detail:
        'a skill named "kyverno-drift-response" exists; reflection may only patch it',
    },
  ],
  warnings: [],
};

/** An on-demand reflection whose model timed out. */
export const failedReflection: Reflection = {
  id: 'r1',
  trigger: 'on-demand',
  status: 'failed',
  startedAt: '2026-11-24T08:00:00Z',
  finishedAt: '2026-11-24T08:01:00Z',
  tracesRead: 4,
  findingsRead: 0,
  model: 'local/reflect-model',
  proposals: [],
  warnings: [],
  error:
    'the reflection model local/reflect-model failed: no answer within 60000 ms',
};
