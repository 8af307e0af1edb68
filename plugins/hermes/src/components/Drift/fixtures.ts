import {
  DriftAuditRecord,
  DriftFindingRecord,
} from '@hermes-backstage/plugin-hermes-common';

/** "Now" in these tests: an hour after the audit below. */
export const NOW = Date.parse('2026-11-24T11:00:00Z');

export const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'fraud-detector',
    annotations: { 'backstage.io/kubernetes-id': 'fraud-detector' },
  },
  spec: {
    type: 'model-endpoint',
    owner: 'group:ranking',
    lifecycle: 'production',
  },
};

export const finding: DriftFindingRecord = {
  id: '7',
  auditId: 'a1',
  foundAt: '2026-11-24T10:00:00Z',
  fingerprint: 'fp',
  cluster: 'neuroscale-prod',
  resource: {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    namespace: 'serving-stack',
    name: 'fraud-detector',
  },
  labels: { 'backstage.io/kubernetes-id': 'fraud-detector' },
  type: 'modified',
  changes: [
    {
      path: '/metadata/labels/cost-center',
      desired: 'cc-4410',
      live: 'cc-9999',
    },
  ],
  classification: 'unknown',
  reason: 'no triage rule matches',
  attribution: {
    manager: 'kubectl-patch',
    operation: 'Update',
    time: '2026-11-23T22:10:00Z',
    class: 'human',
  },
  history: { seen: 3, windowDays: 14, labels: [] },
};

export const audit: DriftAuditRecord = {
  id: 'a1',
  cluster: 'neuroscale-prod',
  status: 'succeeded',
  trigger: 'schedule',
  desiredSource: 'directory',
  liveSource: 'snapshot',
  startedAt: '2026-11-24T09:59:00Z',
  finishedAt: '2026-11-24T10:00:00Z',
  warnings: [],
};

/** An audit as its report page shows it: counts, a warning, the model's narrative, the text. */
export const reportAudit: DriftAuditRecord = {
  ...audit,
  summary: { critical: 1, unknown: 2, harmless: 1 },
  warnings: ['Namespace ml-batch: list of CronJobs was forbidden'],
  narrative: 'One admission-control bypass on the Kyverno policies.',
  report:
    'Drift Audit — 2026-11-24 10:00 UTC · cluster neuroscale-prod · 3 namespaces',
};

/** A cluster-scoped policy edited by hand, declared in a GitHub tree, per-field attribution. */
export const policyFinding: DriftFindingRecord = {
  ...finding,
  id: '11',
  fingerprint: 'fp-policy',
  resource: {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    name: 'require-resource-limits',
  },
  labels: {},
  changes: [
    {
      path: '/spec/validationFailureAction',
      desired: 'Enforce',
      live: 'Audit',
      attribution: {
        manager: 'kubectl-edit',
        operation: 'Update',
        time: '2026-11-24T03:12:00Z',
        class: 'human',
        user: 'ops-admin',
      },
    },
    {
      path: '/spec/background',
      desired: true,
      live: false,
      attribution: {
        manager: 'kyverno',
        operation: 'Update',
        time: '2026-11-20T08:00:00Z',
        class: 'controller',
      },
    },
  ],
  classification: 'critical',
  reason: 'manual edit of an admission policy',
  skill: 'kyverno-drift-response',
  recommend: 'revert in-cluster change or commit to Git.',
  attribution: {
    manager: 'kubectl-edit',
    operation: 'Update',
    time: '2026-11-24T03:12:00Z',
    class: 'human',
    user: 'ops-admin',
  },
  state: 'open',
  links: {
    git: 'https://github.com/acme/gitops/blob/0123456789abcdef0123456789abcdef01234567/clusters/prod/kyverno/require-limits.yaml#L3',
    report: '/hermes?tab=drift&audit=a1',
    skill: '/hermes?tab=skills&skill=kyverno-drift-response',
  },
};

/** A Deployment that Argo CD declares, scaled by hand. */
export const argoFinding: DriftFindingRecord = {
  ...finding,
  id: '12',
  fingerprint: 'fp-argo',
  resource: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'serving-stack',
    name: 'feature-store-online-serving-with-a-very-long-name-for-layout',
  },
  changes: [{ path: '/spec/replicas', desired: 3, live: 5 }],
  classification: 'unknown',
  state: 'open',
  links: {
    argocd:
      'https://argocd.example.com/applications/serving?view=tree&resource=&node=apps%2FDeployment%2Fserving-stack%2Ffeature-store-online-serving-with-a-very-long-name-for-layout%2F0',
    report: '/hermes?tab=drift&audit=a1',
  },
};

/** A ConfigMap in the cluster that Git does not declare. */
export const extraFinding: DriftFindingRecord = {
  ...finding,
  id: '13',
  fingerprint: 'fp-extra',
  resource: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: 'serving-stack',
    name: 'debug-overrides',
  },
  type: 'extra',
  changes: [],
  classification: 'unknown',
  reason: undefined,
  state: 'open',
  links: { report: '/hermes?tab=drift&audit=a1' },
};

/** A Secret whose value differs: the backend withholds both values. */
export const secretFinding: DriftFindingRecord = {
  ...finding,
  id: '14',
  fingerprint: 'fp-secret',
  resource: {
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: 'payments',
    name: 'stripe-keys',
  },
  changes: [{ path: '/data/api-key', redacted: true }],
  classification: 'harmless',
  skill: 'rotated-secrets',
  state: 'resolved',
  links: {
    report: '/hermes?tab=drift&audit=a1',
    skill: '/hermes?tab=skills&skill=rotated-secrets',
  },
};
