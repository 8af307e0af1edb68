import type {
  Reflection,
  ReflectionProposal,
  ReflectionReport,
} from '@hermes-backstage/plugin-hermes-common';

export const PROPOSAL_KINDS: Record<ReflectionProposal['kind'], string> = {
  skill: 'New skill',
  patch: 'Patch',
  'triage-rule': 'Triage rule',
};

/** What became of a proposal, e.g. "draft version 2 awaiting approval". */
export function proposalOutcome(p: ReflectionProposal): string {
  const draft = p.draftVersion
    ? `draft version ${p.draftVersion} awaiting approval`
    : undefined;
  switch (p.outcome) {
    case 'drafted':
      return draft ?? 'drafted, awaiting approval';
    case 'proposed':
      return `rule proposed${draft ? `, ${draft}` : ', awaiting approval'}`;
    case 'rejected':
      return `rejected by the evaluation gate${
        p.detail ? `: ${p.detail}` : ''
      }`;
    default:
      return `skipped${p.detail ? `: ${p.detail}` : ''}`;
  }
}

/** The stored status in a reader's words: a completed reflection succeeded. */
export const REFLECTION_STATUS: Record<
  Reflection['status'],
  { label: string; color: 'success' | 'error' | 'info' }
> = {
  completed: { label: 'succeeded', color: 'success' },
  failed: { label: 'failed', color: 'error' },
  running: { label: 'running', color: 'info' },
};

/** "1,200 in / 300 out", or undefined when the model was not called. */
export function tokens(r: Reflection): string | undefined {
  if (r.inputTokens === undefined && r.outputTokens === undefined)
    return undefined;
  const n = (v?: number) => (v === undefined ? '?' : v.toLocaleString('en'));
  return `${n(r.inputTokens)} in / ${n(r.outputTokens)} out`;
}

const plural = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

/** One sentence on what "Learn now"'s reflection did, or why it did not run. */
export function reflectionSummary(report: ReflectionReport): string {
  if (report.status === 'skipped')
    return `Reflection was skipped: ${report.reason}`;
  if (report.status === 'failed')
    return `Reflection failed: ${report.error ?? 'no error was recorded'}`;
  if (report.status === 'running') return 'Reflection is still running.';
  const read = `read ${plural(
    report.tracesRead,
    'agent run',
    'agent runs',
  )} and ${plural(
    report.findingsRead,
    'labelled finding',
    'labelled findings',
  )}`;
  const stored = report.proposals.filter(p => p.outcome !== 'skipped').length;
  return `Reflection ran: ${read}, and made ${plural(
    report.proposals.length,
    'proposal',
    'proposals',
  )} (${stored} stored for review).`;
}
