import {
  AuditLearningMetrics,
  DriftFinding,
  LabelledFinding,
  Resolution,
} from '@hermes-backstage/plugin-hermes-common';
import type { StoredAudit, StoredFinding } from '../../drift/DriftStore';
import type { LearningDrift } from '../LearningService';

const ANNOTATIONS = ['target', 'min-scale', 'max-scale'];

/** A Knative Service whose autoscaling annotation a controller rewrote. */
export function knativeFinding(
  i: number,
  overrides: { namespace?: string; skill?: string } = {},
): DriftFinding {
  const attribution = {
    manager: 'controller',
    operation: 'Update',
    class: 'controller' as const,
  };
  return {
    fingerprint: `neuroscale-prod/${
      overrides.namespace ?? 'serving-stack'
    }/Service/model-${i}/modified`,
    cluster: 'neuroscale-prod',
    resource: {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      namespace: overrides.namespace ?? 'serving-stack',
      name: `model-${i}`,
    },
    labels: {},
    type: 'modified',
    changes: [
      {
        path: `/spec/template/metadata/annotations/autoscaling.knative.dev~1${
          ANNOTATIONS[i % ANNOTATIONS.length]
        }`,
        desired: '10',
        live: '20',
        attribution,
      },
    ],
    classification: overrides.skill ? 'harmless' : 'unknown',
    ...(overrides.skill
      ? { skill: overrides.skill, reason: 'learned' }
      : { reason: 'no triage rule matches' }),
    attribution,
  };
}

export function labelled(
  finding: DriftFinding,
  label: Resolution,
  i: number,
): LabelledFinding {
  const at = new Date(Date.UTC(2026, 10, 1 + i, 9)).toISOString();
  return {
    id: String(100 + i),
    auditId: `audit-${i}`,
    foundAt: at,
    finding,
    label,
    labels: [{ resolution: label, userRef: 'user:default/ada', at }],
  };
}

/** Twelve audits' Knative annotation drift, each labelled harmless by a person. */
export const twelveHarmlessKnative = (): LabelledFinding[] =>
  Array.from({ length: 12 }, (_, i) =>
    labelled(knativeFinding(i), 'harmless', i),
  );

/**
 * Drift audits as the learning loop reads them, with the given labelled history and audits;
 * the findings of an audit are those given for it.
 */
export function driftStandIn(
  options: {
    labelled?: LabelledFinding[];
    audits?: AuditLearningMetrics[];
    findings?: Record<string, DriftFinding[]>;
    /** When each audit run started (ISO), newest first, as the drift capability lists them. */
    auditRuns?: string[];
  } = {},
): LearningDrift & { sinces: Array<Date | undefined> } {
  const sinces: Array<Date | undefined> = [];
  return {
    sinces,
    async listLabelledFindings(o?: { since?: Date }) {
      sinces.push(o?.since);
      return (options.labelled ?? []).filter(
        l => !o?.since || l.labels.some(x => new Date(x.at) >= o.since!),
      );
    },
    async listAudits() {
      return (options.auditRuns ?? []).map(
        (startedAt, i) =>
          ({
            id: `run-${i}`,
            cluster: 'neuroscale-prod',
            status: 'succeeded',
            trigger: 'schedule',
            desiredSource: 'git',
            liveSource: 'cluster',
            startedAt,
            warnings: [],
          } as StoredAudit),
      );
    },
    async triageMetrics() {
      return options.audits ?? [];
    },
    async listFindings({ auditId }: { auditId?: string }) {
      return (options.findings?.[auditId ?? ''] ?? []).map(
        (f, i) =>
          ({
            ...f,
            id: `${auditId}-${i}`,
            auditId,
            foundAt: '2026-11-01T00:00:00.000Z',
            history: { seen: 1, windowDays: 14, labels: [] },
          } as unknown as StoredFinding),
      );
    },
  };
}
