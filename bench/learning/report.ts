import { DAYS } from './scenario';

export interface AuditRow {
  day: number;
  findings: number;
  byRule: number;
  /** Findings no rule classified. */
  unknown: number;
  /** Of those, how many carry a model suggestion (real mode). */
  suggested?: number;
  calls: number;
  tokens: number;
  proposed: number;
  accepted: number;
  rejected: number;
  active: number;
  /** Wall time of the audit run (real mode). */
  auditMs?: number;
  /** Wall time of labelling, the learning run and approvals (real mode). */
  learnMs?: number;
}

export interface Outcome {
  ruled: number;
  ruledAgreeing: number;
  criticalCalledHarmless: number;
  disagreements: Map<string, number>;
}

export interface RuleLine {
  skill: string;
  classify: string;
  reason: string;
}

/** Per rejected candidate (skill and verdict): audits it was rejected after, and why last. */
export type Rejections = Map<
  string,
  { audits: number; reason: string; why: string }
>;

const out = (line = '') => process.stdout.write(`${line}\n`);

export function report(
  header: string[],
  rows: AuditRow[],
  active: RuleLine[],
  rejected: Rejections,
  outcome: Outcome,
) {
  const columns: Array<[string, (r: AuditRow) => number | undefined]> = [
    ['audit', r => r.day],
    ['findings', r => r.findings],
    ['by rule', r => r.byRule],
    ['unknown', r => r.unknown],
    ['suggested', r => r.suggested],
    ['model calls', r => r.calls],
    ['model tokens', r => r.tokens],
    ['candidates', r => r.proposed],
    ['accepted', r => r.accepted],
    ['rejected', r => r.rejected],
    ['rules active', r => r.active],
    ['audit ms', r => r.auditMs],
    ['learn ms', r => r.learnMs],
  ];
  // A column only some modes fill is left out when no row has it.
  const shown = columns.filter(([, get]) =>
    rows.some(r => get(r) !== undefined),
  );
  header.forEach(line => out(line));
  out();
  out(shown.map(([name]) => name.padStart(13)).join(''));
  for (const r of rows) {
    out(
      shown
        .map(([, get]) => String(Math.round(get(r) ?? 0)).padStart(13))
        .join(''),
    );
  }
  const sum = (list: AuditRow[], key: keyof AuditRow) =>
    list.reduce((total, r) => total + (r[key] ?? 0), 0);
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
  const timed = rows.filter(r => r.auditMs !== undefined);
  if (timed.length) {
    const ms = timed.map(r => r.auditMs!);
    const learn = timed.map(r => r.learnMs ?? 0);
    const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    out(
      `wall time per audit: mean ${avg(ms).toFixed(0)} ms, max ${Math.max(
        ...ms,
      ).toFixed(0)} ms; labelling + learning run + approvals: mean ${avg(
        learn,
      ).toFixed(0)} ms, max ${Math.max(...learn).toFixed(0)} ms`,
    );
  }
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
