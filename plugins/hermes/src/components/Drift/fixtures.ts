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
