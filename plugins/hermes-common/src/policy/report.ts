import { DocumentProblem } from './documents';
import { PolicyCheckResult } from './engine';
import { ExemptedResult } from './exemptions';

export interface CheckSummary {
  passed: number;
  /** Failures covered by an exemption; not counted in failed. */
  exempted: number;
  failed: number;
  /** Failures of rules whose failureAction is Enforce: admission would reject these. */
  enforcedFailures: number;
  warned: number;
  errors: number;
  skipped: number;
}

/** A summary with nothing counted yet, for {@link countResult}. */
export function emptySummary(): CheckSummary {
  return {
    passed: 0,
    exempted: 0,
    failed: 0,
    enforcedFailures: 0,
    warned: 0,
    errors: 0,
    skipped: 0,
  };
}

/** Counts one result into `summary`, as {@link summarizeResults} does; results that do not apply are not counted. */
export function countResult(summary: CheckSummary, r: ExemptedResult): void {
  if (!r.applies) return;
  if (r.exemption) summary.exempted++;
  else if (r.result === 'pass') summary.passed++;
  else if (
    r.result === 'warn' ||
    (r.result === 'fail' && (!r.scored || r.failureAction === 'Warn'))
  )
    summary.warned++;
  else if (r.result === 'fail') {
    summary.failed++;
    if (r.failureAction === 'Enforce') summary.enforcedFailures++;
  } else if (r.result === 'error') summary.errors++;
  else summary.skipped++;
}

/** Counts the results of rules that apply to their resource. */
export function summarizeResults(results: ExemptedResult[]): CheckSummary {
  const summary = emptySummary();
  for (const r of results) countResult(summary, r);
  return summary;
}

/** Whether a person must act on the result: a failure, warning or error of a rule that applies. */
export const isFinding = (r: ExemptedResult): boolean =>
  r.applies &&
  (r.result === 'fail' || r.result === 'warn' || r.result === 'error');

/** Results a person must act on: failures, warnings and errors. */
export function findingsOf(results: ExemptedResult[]): ExemptedResult[] {
  return results.filter(isFinding);
}

/** `fail (Enforce)`, `warn (unscored policy)`, `warn (Warn action)`, `exempted: <reason>`, or the status. */
export function resultLabel(r: ExemptedResult): string {
  if (r.exemption) return `exempted: ${r.exemption}`;
  if (r.result !== 'fail') return r.result;
  if (!r.scored) return 'warn (unscored policy)';
  return r.failureAction === 'Warn'
    ? 'warn (Warn action)'
    : `fail (${r.failureAction})`;
}

/** What fails a check: `enforce` counts Enforce violations; `any` also audit findings and errors. */
export type FailOn = 'enforce' | 'any' | 'never';

/** The findings that fail the check under `failOn` (exempted ones never do). */
export function failingResults(
  results: ExemptedResult[],
  failOn: FailOn,
): ExemptedResult[] {
  if (failOn === 'never') return [];
  return findingsOf(results).filter(
    r =>
      !r.exemption &&
      (failOn === 'any' ||
        (r.result === 'fail' && r.scored && r.failureAction === 'Enforce')),
  );
}

export function describeResource(r: PolicyCheckResult): string {
  const { kind, namespace, name } = r.resource;
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A Markdown report: a verdict line, then one table row per finding, then input problems. */
export function formatMarkdownReport(
  results: ExemptedResult[],
  problems: DocumentProblem[] = [],
): string {
  const s = summarizeResults(results);
  const lines: string[] = [];
  let verdict = 'All applicable policy rules pass.';
  if (s.enforcedFailures > 0) {
    const plural = s.enforcedFailures === 1 ? '' : 's';
    verdict = `**${s.enforcedFailures} enforced violation${plural}**: admission control would reject these resources.`;
  } else if (s.failed + s.warned + s.errors > 0) {
    verdict = 'No enforced violations; audit findings below.';
  }
  lines.push(verdict, '');
  lines.push(
    `${s.passed} passed · ${s.failed} failed (${s.enforcedFailures} enforced) · ${s.exempted} exempted · ${s.warned} warnings · ${s.errors} errors · ${s.skipped} skipped`,
  );
  const findings = findingsOf(results);
  if (findings.length) {
    lines.push(
      '',
      '| Result | Resource | File | Policy / rule | Field | Message |',
      '|---|---|---|---|---|---|',
    );
    for (const r of findings) {
      const result = resultLabel(r);
      const file = r.source ? `${r.source}${r.line ? `:${r.line}` : ''}` : '';
      lines.push(
        `| ${result} | ${escapeCell(describeResource(r))} | ${escapeCell(
          file,
        )} | ${escapeCell(`${r.policy} / ${r.rule}`)} | ${
          r.path ? `\`${r.path}\`` : ''
        } | ${escapeCell(r.message)} |`,
      );
    }
  }
  if (problems.length) {
    lines.push('', 'Input problems:', '');
    for (const p of problems) {
      lines.push(
        `- ${p.source}${
          p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''
        }: ${p.message}`,
      );
    }
  }
  return lines.join('\n');
}
