// The simulated mode: the pure functions of plugin-hermes-common (triage, induction, the
// evaluation gate) and a *simulated* model, with no backend, database or model server. Each
// planted drift is its own finding; a model call is a batch of up to 20 unknown findings and
// its tokens are estimateTokens of the JSON that would be sent.
import {
  Attribution,
  DriftFinding,
  estimateTokens,
  evaluateCandidate,
  induceRules,
  labelClass,
  LabelledFinding,
  triageFinding,
  TriageRule,
} from '@hermes-backstage/plugin-hermes-common';
import { AuditRow, Outcome, Rejections, report } from './report';
import {
  CLUSTER,
  DAYS,
  dayStamp,
  Drift,
  MIN_SUPPORT,
  scenario,
} from './scenario';

const BATCH = 20;

/** FNV-1a, as audits fingerprint drift: cluster, object, type and paths. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++)
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function toFinding(drift: Drift, day: number): DriftFinding {
  const time = `${dayStamp(day)}T0${drift.hour}:00:00Z`;
  const attribution: Attribution | undefined = drift.manager
    ? {
        manager: drift.manager,
        operation: 'Update',
        time,
        class: drift.managerClass!,
        ...(drift.subresource ? { subresource: drift.subresource } : {}),
      }
    : undefined;
  const type = drift.type ?? 'modified';
  const changes = drift.path
    ? [
        {
          path: drift.path,
          ...(drift.redacted
            ? { redacted: true }
            : { desired: 'in-git', live: `in-cluster-${drift.liveValue}` }),
          ...(attribution ? { attribution } : {}),
        },
      ]
    : [];
  const resource = {
    apiVersion: drift.apiVersion,
    kind: drift.kind,
    ...(drift.namespace ? { namespace: drift.namespace } : {}),
    name: drift.name,
  };
  return {
    fingerprint: fingerprint(
      `${CLUSTER}|${drift.kind}/${drift.namespace ?? ''}/${
        drift.name
      }|${type}|${drift.path ?? ''}`,
    ),
    cluster: CLUSTER,
    resource,
    labels: { 'app.kubernetes.io/name': drift.name },
    type,
    changes,
    classification: 'unknown',
    ...(attribution ? { attribution } : {}),
  };
}

/** What the audit would send the model for a batch: the findings with their history. */
function modelPayload(batch: DriftFinding[], history: LabelledFinding[]) {
  return {
    task: 'Suggest harmless or critical for each drift finding, with a reason and a confidence.',
    findings: batch.map(f => {
      const past = history.filter(h => h.finding.fingerprint === f.fingerprint);
      return {
        fingerprint: f.fingerprint,
        cluster: f.cluster,
        resource: f.resource,
        type: f.type,
        changes: f.changes,
        history: {
          seen: past.length,
          resolutions: past.slice(-3).map(p => p.label),
        },
      };
    }),
  };
}

export function runSimulated(seed: number, scale: number) {
  const days = scenario(seed, scale);
  const active: TriageRule[] = [];
  const history: LabelledFinding[] = [];
  const rows: AuditRow[] = [];
  const rejected: Rejections = new Map();
  const outcome: Outcome = {
    ruled: 0,
    ruledAgreeing: 0,
    criticalCalledHarmless: 0,
    disagreements: new Map(),
  };

  for (let day = 1; day <= DAYS; day++) {
    const auditId = `audit-${day}`;
    const findings = days.day(day).map(d => {
      const finding = toFinding(d, day);
      return {
        drift: d,
        finding: {
          ...finding,
          ...triageFinding(finding, active, finding.labels),
        },
      };
    });

    const unknown = findings.filter(
      f => f.finding.classification === 'unknown',
    );
    for (const { drift, finding } of findings) {
      if (finding.classification === 'unknown') continue;
      outcome.ruled++;
      const truth = labelClass(drift.truth);
      if (truth === finding.classification) outcome.ruledAgreeing++;
      else {
        const key = `${finding.skill} called ${drift.pattern} (${drift.truth}) ${finding.classification}`;
        outcome.disagreements.set(
          key,
          (outcome.disagreements.get(key) ?? 0) + 1,
        );
      }
      if (truth === 'critical' && finding.classification === 'harmless')
        outcome.criticalCalledHarmless++;
    }
    // As the product does: drift an approved rule leaves to people is not sent to the model.
    const asked = unknown.filter(f => !f.finding.skill);
    let calls = 0;
    let tokens = 0;
    for (let i = 0; i < asked.length; i += BATCH) {
      calls++;
      tokens += estimateTokens(
        modelPayload(
          asked.slice(i, i + BATCH).map(u => u.finding),
          history,
        ),
      );
    }

    // The person labels every finding the day it appears.
    const at = `${dayStamp(day)}T12:00:00Z`;
    findings.forEach(({ drift, finding }, i) =>
      history.push({
        id: `${auditId}-${i}`,
        auditId,
        foundAt: at,
        finding,
        label: drift.truth,
        labels: [
          {
            resolution: drift.truth,
            userRef: 'user:default/simulated-person',
            at,
          },
        ],
      }),
    );

    // Induction and the gate over all labels so far; the person approves what passes.
    const candidates = induceRules(history, {
      minSupport: MIN_SUPPORT,
      activeRules: active,
    });
    let accepted = 0;
    for (const candidate of candidates) {
      const result = evaluateCandidate(
        candidate.rule,
        history,
        active,
        MIN_SUPPORT,
      );
      if (result.verdict === 'accept') {
        active.push({ ...candidate.rule, skill: candidate.skill });
        accepted++;
      } else {
        const key = `${candidate.skill} (${candidate.rule.classify})`;
        rejected.set(key, {
          audits: (rejected.get(key)?.audits ?? 0) + 1,
          reason: candidate.rule.reason,
          why: result.rejection!,
        });
      }
    }
    rows.push({
      day,
      findings: findings.length,
      byRule: findings.length - unknown.length,
      unknown: unknown.length,
      calls,
      tokens,
      proposed: candidates.length,
      accepted,
      rejected: candidates.length - accepted,
      active: active.length,
    });
  }
  report(
    [
      `Learning loop (simulated): ${DAYS} daily audits of cluster ${CLUSTER}, seed ${seed}, scale ${scale}, minSupport ${MIN_SUPPORT}.`,
      `The model is SIMULATED: nothing is called; a call is a batch of up to ${BATCH} unknown findings, tokens are estimateTokens of the JSON that would be sent.`,
    ],
    rows,
    active,
    rejected,
    outcome,
  );
}
