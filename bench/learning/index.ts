// Learning-loop benchmark: 30 daily audits of a synthetic cluster with recurring drift.
// Each audit is triaged with the active rules; every finding no rule classifies goes to a
// *simulated* model (no model is called: we count one call per batch of up to 20 unknown
// findings and estimate the tokens of the JSON that would be sent). A simulated person labels
// every finding from the scenario's ground truth the day it appears; after each audit,
// induction and the evaluation gate run over all labels so far (minSupport 5), and the person
// approves every candidate the gate accepts. Active rules start empty: nothing is shipped.
//
// --scale N multiplies the cluster: N times the objects and the drift of every pattern.
//
// Run: yarn bench:learning [--seed N] [--scale N]
import {
  Attribution,
  DriftFinding,
  estimateTokens,
  evaluateCandidate,
  induceRules,
  labelClass,
  LabelledFinding,
  ManagerClass,
  Resolution,
  triageFinding,
  TriageRule,
} from '@hermes-backstage/plugin-hermes-common';

const seedArg = process.argv.indexOf('--seed');
const SEED = seedArg > 0 ? Number(process.argv[seedArg + 1]) : 13;
const scaleArg = process.argv.indexOf('--scale');
const SCALE = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 3;
if (!Number.isInteger(SEED) || !Number.isInteger(SCALE) || SCALE < 1) {
  throw new Error('--seed and --scale take whole numbers (--scale at least 1)');
}
const DAYS = 30;
const BATCH = 20;
const MIN_SUPPORT = 5;
const CLUSTER = 'prod-eu';

/** mulberry32: a small seeded generator, so every run of a seed is the same. */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(SEED);
const between = (lo: number, hi: number) =>
  lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
const chance = (p: number) => random() < p;

interface Drift {
  pattern: string;
  kind: string;
  apiVersion: string;
  namespace?: string;
  name: string;
  type?: DriftFinding['type'];
  path?: string;
  manager?: string;
  managerClass?: ManagerClass;
  subresource?: string;
  redacted?: boolean;
  truth: Resolution;
}

interface Pattern {
  name: string;
  /** How many times the drift appears on a day. */
  count(day: number): number;
  make(): Omit<Drift, 'pattern'>;
}

const TEAMS = ['team-a', 'team-b', 'team-c', 'team-d', 'team-e', 'team-f'];
const deployment = (namespace: string) => ({
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  namespace,
  name: `${pick(['api', 'worker', 'web', 'cron', 'gateway'])}-${between(
    1,
    4 * SCALE,
  )}`,
});
const knativeService = (namespace: string) => ({
  kind: 'Service',
  apiVersion: 'serving.knative.dev/v1',
  namespace,
  name: `model-${between(1, 12 * SCALE)}`,
});
const autoscalingPath = () =>
  `/spec/template/metadata/annotations/autoscaling.knative.dev~1${pick([
    'min-scale',
    'max-scale',
    'target',
    'window',
    'initial-scale',
  ])}`;

// Recurring patterns: what a platform team sees every day, with its ground truth.
const PATTERNS: Pattern[] = [
  {
    name: 'Knative autoscaler annotations (controller)',
    count: () => between(14, 22),
    make: () => ({
      ...knativeService('serving-stack'),
      path: autoscalingPath(),
      manager: 'controller',
      managerClass: 'controller',
      truth: 'harmless',
    }),
  },
  {
    // A second namespace onboarded mid-month: the same drift, new place.
    name: 'Knative autoscaler annotations in ml-serving (from day 12)',
    count: day => (day >= 12 ? between(3, 6) : 0),
    make: () => ({
      ...knativeService('ml-serving'),
      path: autoscalingPath(),
      manager: 'controller',
      managerClass: 'controller',
      truth: 'harmless',
    }),
  },
  {
    name: 'HPA replicas via the scale subresource',
    count: () => between(12, 20),
    make: () => ({
      ...deployment(pick(TEAMS)),
      path: '/spec/replicas',
      manager: 'kube-controller-manager',
      managerClass: 'controller',
      subresource: 'scale',
      truth: 'harmless',
    }),
  },
  {
    name: 'Secrets rotated by external-secrets',
    count: () => between(3, 8),
    make: () => ({
      kind: 'Secret',
      apiVersion: 'v1',
      namespace: pick(['payments', 'auth', 'billing']),
      name: `${pick(['db', 'api', 'tls'])}-credentials`,
      path: `/data/${pick(['password', 'token', 'tls.crt', 'tls.key'])}`,
      manager: 'external-secrets',
      managerClass: 'controller',
      redacted: true,
      truth: 'harmless',
    }),
  },
  {
    name: 'manual ClusterPolicy edits by people',
    count: () => (chance(0.45) ? between(1, 2) : 0),
    make: () => ({
      kind: 'ClusterPolicy',
      apiVersion: 'kyverno.io/v1',
      name: pick([
        'require-labels',
        'disallow-privileged',
        'restrict-registries',
      ]),
      path: pick([
        '/spec/validationFailureAction',
        '/spec/background',
        '/spec/rules/0/validate/pattern/spec/containers/0/image',
        '/spec/rules/0/exclude/any/0/resources/namespaces',
      ]),
      ...pick([
        { manager: 'kubectl-edit', managerClass: 'human' as const },
        { manager: 'kubectl-patch', managerClass: 'human' as const },
        { manager: 'k9s', managerClass: 'human' as const },
      ]),
      truth: chance(0.8) ? 'reverted' : 'critical',
    }),
  },
  {
    // Noisy: people commit some hotfixes to Git and revert others.
    name: 'image hotfixes by people (committed or reverted)',
    count: () => between(1, 3),
    make: () => ({
      ...deployment(pick(TEAMS)),
      path: '/spec/template/spec/containers/0/image',
      manager: pick(['kubectl-set', 'kubectl-edit']),
      managerClass: 'human',
      truth: chance(0.5) ? 'committed' : 'reverted',
    }),
  },
  {
    // Noisy: a manual scale-up is sometimes fine, sometimes undone.
    name: 'manual scaling by people (harmless or reverted)',
    count: () => (chance(0.5) ? between(1, 2) : 0),
    make: () => ({
      ...deployment(pick(TEAMS)),
      path: '/spec/replicas',
      manager: 'kubectl-scale',
      managerClass: 'human',
      truth: chance(0.5) ? 'harmless' : 'reverted',
    }),
  },
  {
    // Traps: the same fields as harmless patterns, written by a person: critical.
    name: 'a person edits a Knative autoscaling annotation',
    count: () => (chance(0.2) ? 1 : 0),
    make: () => ({
      ...knativeService('serving-stack'),
      path: autoscalingPath(),
      manager: 'kubectl-edit',
      managerClass: 'human',
      truth: 'reverted',
    }),
  },
  {
    name: 'a person edits a Secret',
    count: () => (chance(0.15) ? 1 : 0),
    make: () => ({
      kind: 'Secret',
      apiVersion: 'v1',
      namespace: pick(['payments', 'auth']),
      name: 'db-credentials',
      path: '/data/password',
      manager: 'kubectl-edit',
      managerClass: 'human',
      redacted: true,
      truth: 'critical',
    }),
  },
  {
    name: 'a ConfigMap deleted from the cluster (no writer known)',
    count: () => (chance(0.3) ? 1 : 0),
    make: () => ({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      namespace: pick(TEAMS),
      name: `${pick(['app', 'feature'])}-config`,
      type: 'missing',
      truth: 'reverted',
    }),
  },
];

/** FNV-1a, as audits fingerprint drift: cluster, object, type and paths. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++)
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function toFinding(drift: Drift, day: number): DriftFinding {
  const time = `2026-11-${String(day).padStart(2, '0')}T0${between(
    1,
    9,
  )}:00:00Z`;
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
            : { desired: 'in-git', live: `in-cluster-${between(1, 99)}` }),
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

interface AuditRow {
  day: number;
  findings: number;
  byRule: number;
  unknown: number;
  calls: number;
  tokens: number;
  proposed: number;
  accepted: number;
  rejected: number;
  active: number;
}

function main() {
  const active: TriageRule[] = [];
  const history: LabelledFinding[] = [];
  const rows: AuditRow[] = [];
  /** Per rejected candidate (skill and verdict): audits it was rejected after, and why last. */
  const rejected = new Map<
    string,
    { audits: number; reason: string; why: string }
  >();
  let ruled = 0;
  let ruledAgreeing = 0;
  let criticalCalledHarmless = 0;
  const disagreements = new Map<string, number>();

  for (let day = 1; day <= DAYS; day++) {
    const auditId = `audit-${day}`;
    const drifts: Drift[] = PATTERNS.flatMap(p =>
      // Every pattern recurs once per copy of the cluster.
      Array.from({ length: SCALE }, () => p.count(day)).flatMap(n =>
        Array.from({ length: n }, () => ({
          pattern: p.name,
          ...p.make(),
        })),
      ),
    );
    const findings = drifts.map(d => {
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
      ruled++;
      const truth = labelClass(drift.truth);
      if (truth === finding.classification) ruledAgreeing++;
      else {
        const key = `${finding.skill} called ${drift.pattern} (${drift.truth}) ${finding.classification}`;
        disagreements.set(key, (disagreements.get(key) ?? 0) + 1);
      }
      if (truth === 'critical' && finding.classification === 'harmless')
        criticalCalledHarmless++;
    }
    let calls = 0;
    let tokens = 0;
    for (let i = 0; i < unknown.length; i += BATCH) {
      calls++;
      tokens += estimateTokens(
        modelPayload(
          unknown.slice(i, i + BATCH).map(u => u.finding),
          history,
        ),
      );
    }

    // The person labels every finding the day it appears.
    findings.forEach(({ drift, finding }, i) =>
      history.push({
        id: `${auditId}-${i}`,
        auditId,
        foundAt: `2026-11-${String(day).padStart(2, '0')}T12:00:00Z`,
        finding,
        label: drift.truth,
        labels: [
          {
            resolution: drift.truth,
            userRef: 'user:default/simulated-person',
            at: `2026-11-${String(day).padStart(2, '0')}T12:00:00Z`,
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
  report(rows, active, rejected, {
    ruled,
    ruledAgreeing,
    criticalCalledHarmless,
    disagreements,
  });
}

function report(
  rows: AuditRow[],
  active: TriageRule[],
  rejected: Map<string, { audits: number; reason: string; why: string }>,
  outcome: {
    ruled: number;
    ruledAgreeing: number;
    criticalCalledHarmless: number;
    disagreements: Map<string, number>;
  },
) {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const cols = [
    'audit',
    'findings',
    'by rule',
    'unknown',
    'model calls',
    'model tokens',
    'candidates',
    'accepted',
    'rejected',
    'rules active',
  ];
  out(
    `Learning loop: ${DAYS} daily audits of cluster ${CLUSTER}, seed ${SEED}, minSupport ${MIN_SUPPORT}.`,
  );
  out(
    `The model is SIMULATED: nothing is called; a call is a batch of up to ${BATCH} unknown findings, tokens are estimateTokens of the JSON that would be sent.`,
  );
  out();
  out(cols.map(c => c.padStart(13)).join(''));
  for (const r of rows) {
    out(
      [
        r.day,
        r.findings,
        r.byRule,
        r.unknown,
        r.calls,
        r.tokens,
        r.proposed,
        r.accepted,
        r.rejected,
        r.active,
      ]
        .map(v => String(v).padStart(13))
        .join(''),
    );
  }
  const sum = (list: AuditRow[], key: keyof AuditRow) =>
    list.reduce((total, r) => total + r[key], 0);
  const first = rows.slice(0, 3);
  const last = rows.slice(-3);
  const reduction = (key: keyof AuditRow) => {
    const before = sum(first, key);
    const after = sum(last, key);
    return {
      text: `${before} in audits 1-3 -> ${after} in audits ${DAYS - 2}-${DAYS}`,
      percent: before === 0 ? 0 : (100 * (before - after)) / before,
    };
  };
  const calls = reduction('calls');
  const unknown = reduction('unknown');
  const tokens = reduction('tokens');
  const agreement =
    outcome.ruled === 0 ? 1 : outcome.ruledAgreeing / outcome.ruled;
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  out();
  out(
    `model calls      ${calls.text}: ${calls.percent.toFixed(
      0,
    )}% fewer (target >= 60%: ${mark(calls.percent >= 60)})`,
  );
  out(`unknown findings ${unknown.text}: ${unknown.percent.toFixed(0)}% fewer`);
  out(`model tokens     ${tokens.text}: ${tokens.percent.toFixed(0)}% fewer`);
  out(
    `rule classifications agreeing with ground truth: ${
      outcome.ruledAgreeing
    } of ${outcome.ruled} = ${(100 * agreement).toFixed(
      1,
    )}% (target >= 95%: ${mark(agreement >= 0.95)})`,
  );
  for (const [what, n] of outcome.disagreements)
    out(`  disagreed ${n}x: ${what}`);
  out(
    `critical findings ever classified harmless: ${
      outcome.criticalCalledHarmless
    } (target 0: ${mark(outcome.criticalCalledHarmless === 0)})`,
  );
  out();
  out(`Rules approved (${active.length}):`);
  for (const rule of active)
    out(`  ${rule.skill} -> ${rule.classify}: ${rule.reason}`);
  out();
  out(`Candidates the gate rejected (${rejected.size}), as last proposed:`);
  for (const [skill, r] of rejected) {
    out(`  ${skill}, rejected after ${r.audits} audits: ${r.reason}`);
    out(`    gate: ${r.why}`);
  }
}

main();
