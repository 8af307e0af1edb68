// Records shaped like the backend's answers, for this folder's tests.
import {
  DeliveryRecord,
  TaskRecord,
  TaskReport,
  TaskRunRecord,
} from '@hermes-backstage/plugin-hermes-common';

export function aTask(extra: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: 't1',
    name: 'prod drift every 6h',
    owner: 'user:default/guest',
    source: 'api',
    kind: 'drift-audit',
    audit: 'neuroscale-prod',
    schedule: {
      text: 'every 6h',
      cron: '0 */6 * * *',
      description: 'At 0 minutes past the hour, every 6 hours',
      timezone: 'UTC',
      next: [
        '2026-11-25T12:00:00.000Z',
        '2026-11-25T18:00:00.000Z',
        '2026-11-26T00:00:00.000Z',
      ],
    },
    deliver: ['portal'],
    enabled: true,
    missedRuns: 'run-once',
    createdAt: '2026-11-25T09:00:00.000Z',
    updatedAt: '2026-11-25T09:00:00.000Z',
    ...extra,
  };
}

export function aDelivery(extra: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    id: 'd1',
    runId: 'r1',
    channel: 'portal',
    type: 'notifications',
    status: 'sent',
    attempts: 1,
    sentAt: '2026-11-25T10:00:05.000Z',
    ...extra,
  };
}

export const REPORT: TaskReport = {
  title: 'Drift Audit — 2026-11-25 10:00 UTC · cluster neuroscale-prod',
  subtitle: '2 namespaces · 1 critical, 1 harmless',
  status: 'succeeded',
  summary: 'One **admission control bypass** needs attention.',
  groups: [
    {
      name: 'kyverno',
      summary: '1 diff',
      findings: [
        {
          classification: 'critical',
          headline:
            'ClusterPolicy require-resource-limits: modified in-cluster',
          changes: [
            '/spec/validationFailureAction: "Enforce" in Git → "Audit" live',
          ],
          moreChanges: 2,
          attribution:
            'kubectl-edit (human) · ops-admin · 2026-11-25 03:12 UTC',
          skill: 'kyverno-drift-response',
          reason: 'admission control bypass',
          recommend: 'revert in-cluster change or commit to Git.',
          history:
            'seen 3× in 14 days · last resolved: reverted by user:default/ana',
        },
      ],
    },
  ],
  warnings: ['Audit log not configured for 1 namespace'],
  link: 'http://localhost:3000/hermes?tab=tasks&task=t1',
};

export function aRun(extra: Partial<TaskRunRecord> = {}): TaskRunRecord {
  return {
    id: 'r1',
    taskId: 't1',
    trigger: 'manual',
    status: 'succeeded',
    queuedAt: '2026-11-25T10:00:00.000Z',
    startedAt: '2026-11-25T10:00:01.000Z',
    finishedAt: '2026-11-25T10:00:03.500Z',
    durationMs: 2500,
    model: 'scripted/audit-mini',
    tokens: { input: 1200, output: 300 },
    report: REPORT,
    deliveries: [aDelivery()],
    ...extra,
  };
}
