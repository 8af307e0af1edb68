import {
  DriftFindingRecord,
  driftReportModel,
  TaskReport,
} from '@hermes-backstage/plugin-hermes-common';

/*
 * Reports for tests of formats, channels and the outbox, built the way a drift-audit task
 * builds them (`driftReportModel`), from findings shaped like the demo cluster's.
 */

function finding(
  overrides: Partial<DriftFindingRecord> &
    Pick<DriftFindingRecord, 'resource' | 'classification'>,
): DriftFindingRecord {
  return {
    id: `f-${overrides.resource.name}`,
    auditId: 'a-1',
    foundAt: '2026-05-23T12:00:00Z',
    fingerprint: `fp-${overrides.resource.name}`,
    cluster: 'neuroscale-prod',
    labels: {},
    type: 'modified',
    changes: [],
    history: { seen: 1, windowDays: 14, labels: [] },
    ...overrides,
  };
}

/** The demo audit: a harmless Knative reconciliation and a manual policy edit. */
export function demoReport(): TaskReport {
  return driftReportModel({
    cluster: 'neuroscale-prod',
    time: new Date('2026-05-23T12:00:00Z'),
    namespaces: ['serving-stack', 'kyverno', 'payments', 'default'],
    narrative:
      'One **critical** change: a Kyverno policy was edited by hand.\n\n- Knative reconciliations are harmless\n- Revert `require-resource-limits`',
    link: 'https://portal.example.com/hermes/tasks/t-1/runs/r-1',
    warnings: ['Audit events unavailable for 1 object'],
    findings: [
      finding({
        resource: {
          apiVersion: 'kyverno.io/v1',
          kind: 'ClusterPolicy',
          namespace: 'kyverno',
          name: 'require-resource-limits',
        },
        classification: 'critical',
        changes: [
          {
            path: '/spec/validationFailureAction',
            desired: 'Enforce',
            live: 'Audit',
          },
        ],
        attribution: {
          manager: 'kubectl-edit',
          operation: 'Update',
          class: 'human',
          user: 'ops-admin',
          time: '2026-05-23T03:12:00Z',
        },
        skill: 'kyverno-drift-response',
        reason: 'admission control bypass',
        recommend: 'revert in-cluster change or commit to Git.',
        history: {
          seen: 3,
          windowDays: 14,
          lastResolution: {
            resolution: 'reverted',
            userRef: 'user:default/ana',
            at: '2026-05-20T10:00:00Z',
          },
          labels: [
            {
              resolution: 'reverted',
              userRef: 'user:default/ana',
              at: '2026-05-20T10:00:00Z',
            },
          ],
        },
      }),
      finding({
        resource: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          namespace: 'serving-stack',
          name: 'inference',
        },
        classification: 'harmless',
        changes: [
          {
            path: '/spec/template/metadata/annotations/autoscaling.knative.dev~1minScale',
            desired: '1',
            live: '3',
          },
        ],
        attribution: {
          manager: 'controller',
          operation: 'Update',
          class: 'controller',
        },
        skill: 'knative-autoscaler-drift',
        reason: 'Knative autoscaler reconciliation',
        recommend: 'No action required.',
      }),
    ],
  });
}

/** Text a hostile or careless object name could carry into a report. */
export const HOSTILE =
  '<script>alert(1)</script> *bold* _it_ ~strike~ `code` <!channel> @everyone <@123> [x](https://evil.example) & > quote';

/** A report whose every user-provided field carries {@link HOSTILE}. */
export function hostileReport(): TaskReport {
  return {
    title: `Task ${HOSTILE}`,
    subtitle: HOSTILE,
    status: 'failed',
    error: HOSTILE,
    summary: HOSTILE,
    groups: [
      {
        name: HOSTILE,
        summary: '1 finding (1 unknown)',
        findings: [
          {
            classification: 'unknown',
            headline: HOSTILE,
            changes: [HOSTILE],
            moreChanges: 0,
            attribution: HOSTILE,
            skill: HOSTILE,
            reason: HOSTILE,
            recommend: HOSTILE,
            history: HOSTILE,
          },
        ],
      },
    ],
    warnings: [HOSTILE],
    link: 'https://portal.example.com/hermes/tasks/t-1/runs/r-1?a=1&b=<2>',
  };
}

/**
 * A report of about `chars` characters of findings (`finding-0001` … numbered so tests can
 * check each arrived once and in order), with characters every platform must escape.
 */
export function longReport(chars = 10_000): TaskReport {
  const findings = [];
  for (let i = 1, total = 0; total < chars; i++) {
    const headline = `Deployment api-${String(i).padStart(
      4,
      '0',
    )}: 1 field differs & <needs> *escaping*`;
    findings.push({
      classification: 'unknown' as const,
      headline,
      changes: [`/spec/replicas: 3 in Git, ${i} live`],
      moreChanges: 0,
      attribution: 'kubectl-edit (human, Update) as "ops-admin"',
    });
    total += headline.length + 80;
  }
  return {
    title: 'Long report',
    subtitle: `${findings.length} findings`,
    status: 'succeeded',
    groups: [{ name: 'payments', summary: 'many findings', findings }],
    warnings: [],
    link: 'https://portal.example.com/hermes/tasks/t-2/runs/r-9',
  };
}
