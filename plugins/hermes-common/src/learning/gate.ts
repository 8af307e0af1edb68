import {
  triageFinding,
  triageRulesFromSkills,
  TriageRule,
} from '../drift/triage';
import type { DriftFinding, Resolution } from '../drift/types';
import { labelClass } from './labels';
import type {
  CandidateEvidence,
  LabelClass,
  LabelledFinding,
  TriageRuleInput,
} from './types';

/**
 * Whether people decide drift both ways: at least two outcomes (harmless, critical, Git had
 * to follow) each given `minSupport` times and to at least a quarter of the findings. A rule
 * that leaves such drift to a person (`classify: unknown`) needs this; lopsided history is
 * for a harmless or critical rule instead.
 */
export function decidedBothWays(
  labels: LabelClass[],
  minSupport: number,
): boolean {
  const counts = new Map<LabelClass, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const strong = [...counts.values()].filter(
    n => n >= minSupport && n * 4 >= labels.length,
  );
  return strong.length >= 2;
}

/** How many of the items carry each label, by label name. */
function labelCounts(
  items: Array<{ label: Resolution }>,
): Array<[Resolution, number]> {
  const counts = new Map<Resolution, number>();
  for (const i of items) counts.set(i.label, (counts.get(i.label) ?? 0) + 1);
  return [...counts].sort((x, y) => x[0].localeCompare(y[0]));
}

/** "committed 12, reverted 14" */
export function countLabels(items: Array<{ label: Resolution }>): string {
  return labelCounts(items)
    .map(([label, n]) => `${label} ${n}`)
    .join(', ');
}

/** Agreeing labelled findings a candidate needs before anyone sees it. */
export const DEFAULT_MIN_SUPPORT = 5;

/**
 * The candidate as a skill's rule: parsed by the same schema as `metadata.hermes.triage`, so
 * it is replayed exactly as it would run once approved. Malformed input is an error.
 */
export function candidateRule(
  rule: TriageRuleInput,
  skill = 'candidate',
): TriageRule {
  const { rules, problems } = triageRulesFromSkills([
    {
      name: skill,
      description: 'candidate',
      body: '',
      metadata: { hermes: { triage: [rule] } },
    },
  ]);
  if (problems.length > 0 || rules.length !== 1) {
    const detail = problems[0]?.message.replace(
      /^metadata\.hermes\.triage\[0\]: /,
      '',
    );
    throw new Error(`invalid candidate rule: ${detail ?? 'not a rule'}`);
  }
  return rules[0];
}

/** Whether the rule matches at least one changed field of the finding, as triage matches. */
export function ruleMatchesFinding(
  rule: TriageRule,
  finding: DriftFinding,
): boolean {
  const targets = finding.changes.length > 0 ? finding.changes : [undefined];
  return targets.some(
    change =>
      triageFinding(
        { ...finding, changes: change ? [change] : [] },
        [rule],
        finding.labels ?? {},
      ).skill !== undefined,
  );
}

/**
 * Whether a finding people labelled otherwise counts against the candidate. A critical rule
 * classifies every finding it matches. A harmless rule decides a finding only when it (alone
 * or with the active rules) would call the whole finding harmless: where another change of
 * the finding keeps it unknown or critical, the label is about that change, not the rule's.
 */
export function contradictedBy(
  rule: TriageRule,
  finding: DriftFinding,
  activeRules: TriageRule[],
): boolean {
  if (rule.classify !== 'harmless') return true;
  const labels = finding.labels ?? {};
  return (
    triageFinding(finding, [rule], labels).classification === 'harmless' ||
    triageFinding(finding, [...activeRules, rule], labels).classification ===
      'harmless'
  );
}

function checkMinSupport(minSupport: number): void {
  if (!Number.isInteger(minSupport) || minSupport < 1) {
    throw new Error(
      `minSupport must be a whole number of at least 1, got ${minSupport}`,
    );
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "12 committed, 1 critical" */
function byLabel(counter: CandidateEvidence['counterExamples']): string {
  return labelCounts(counter)
    .map(([label, n]) => `${n} ${label}`)
    .join(', ');
}

/** Why a harmless rule is too broad to replay at all: it would speak for any field. */
function breadthProblem(rule: TriageRule): string | undefined {
  const bare = (rule.match.paths ?? []).find(p => /^\/?\**$/.test(p));
  if (bare !== undefined) {
    return `path glob ${JSON.stringify(bare)} would match every field`;
  }
  if (rule.classify !== 'critical' && !rule.match.kinds && !rule.match.paths) {
    return `a${
      rule.classify === 'harmless' ? ' harmless' : 'n unknown'
    } rule must name the kinds or the paths it covers`;
  }
  return undefined;
}

/**
 * Replays a candidate over the labelled history: what it matches (a rule matches a finding
 * when it matches one of its changed fields, and a finding labelled otherwise counts only
 * when the rule would decide it: `contradictedBy`), how that agrees with people's labels, what it
 * adds to the active rules, and whether it would call a finding labelled critical harmless
 * on its own or together with the active rules, which rejects it outright.
 */
export function evaluateCandidate(
  rule: TriageRuleInput,
  labelled: LabelledFinding[],
  activeRules: TriageRule[],
  minSupport: number = DEFAULT_MIN_SUPPORT,
): {
  evidence: CandidateEvidence;
  verdict: 'accept' | 'reject';
  rejection?: string;
} {
  checkMinSupport(minSupport);
  const candidate = candidateRule(rule);
  if (candidate.classify === 'unknown')
    return evaluateLeftToPeople(candidate, labelled, activeRules, minSupport);
  const counterExamples: CandidateEvidence['counterExamples'] = [];
  const criticalHarmless = new Set<string>();
  const audits = new Set<string>();
  let support = 0;
  let matched = 0;
  let newlyCovered = 0;
  for (const item of labelled) {
    const finding = item.finding;
    if (!ruleMatchesFinding(candidate, finding)) continue;
    const label = labelClass(item.label);
    // A label about another change of the finding says nothing about this rule.
    if (
      label !== candidate.classify &&
      !contradictedBy(candidate, finding, activeRules)
    )
      continue;
    matched++;
    audits.add(item.auditId);
    if (label === candidate.classify) support++;
    else {
      counterExamples.push({
        id: item.id,
        fingerprint: finding.fingerprint,
        label: item.label,
      });
    }
    const labels = finding.labels ?? {};
    if (
      triageFinding(finding, activeRules, labels).classification === 'unknown'
    )
      newlyCovered++;
    if (candidate.classify === 'harmless' && label === 'critical') {
      const alone = triageFinding(finding, [candidate], labels);
      const together = triageFinding(
        finding,
        [...activeRules, candidate],
        labels,
      );
      if (
        alone.classification === 'harmless' ||
        together.classification === 'harmless'
      )
        criticalHarmless.add(finding.fingerprint);
    }
  }
  const agreement = matched === 0 ? 1 : support / matched;
  const disagreeing = counterExamples.length
    ? ` (${byLabel(counterExamples)})`
    : '';
  const evidence: CandidateEvidence = {
    support,
    matched,
    agreement,
    counterExamples,
    criticalCalledHarmless: criticalHarmless.size,
    newlyCovered,
    audits: audits.size,
    summary: `${support} of ${matched} labelled ${candidate.classify}${disagreeing}`,
  };

  let rejection: string | undefined;
  if (criticalHarmless.size > 0) {
    const shown = [...criticalHarmless].slice(0, 5).join(', ');
    const more = criticalHarmless.size > 5 ? ', ...' : '';
    rejection = `would call ${plural(
      criticalHarmless.size,
      'finding',
    )} labelled critical harmless: ${shown}${more}`;
  } else {
    rejection = breadthProblem(candidate);
  }
  if (!rejection && support < minSupport) {
    rejection = `support ${support} is below the minimum of ${minSupport}`;
  }
  if (!rejection && agreement < 1) {
    rejection = `agreement ${Math.floor(agreement * 100)}%: ${
      counterExamples.length
    } of ${matched} matched findings were labelled otherwise${disagreeing}`;
  }
  if (!rejection && newlyCovered === 0) {
    rejection = `adds no coverage: active rules already classify all ${plural(
      matched,
      'finding',
    )} it matches`;
  }
  return rejection
    ? { evidence, verdict: 'reject', rejection }
    : { evidence, verdict: 'accept' };
}

/**
 * The gate for a rule that leaves drift to a person (`classify: unknown`): it never calls
 * anything harmless, so it cannot hide an incident; it must match drift people decided both
 * ways (`decidedBothWays`) and some drift the active rules leave to the model. Every label
 * is consistent with it: support is what it matched.
 */
function evaluateLeftToPeople(
  candidate: TriageRule,
  labelled: LabelledFinding[],
  activeRules: TriageRule[],
  minSupport: number,
): {
  evidence: CandidateEvidence;
  verdict: 'accept' | 'reject';
  rejection?: string;
} {
  const matched = labelled.filter(item =>
    ruleMatchesFinding(candidate, item.finding),
  );
  const newlyCovered = matched.filter(
    item =>
      triageFinding(item.finding, activeRules, item.finding.labels ?? {})
        .skill === undefined,
  ).length;
  const split = decidedBothWays(
    matched.map(item => labelClass(item.label)),
    minSupport,
  );
  const evidence: CandidateEvidence = {
    support: matched.length,
    matched: matched.length,
    agreement: 1,
    counterExamples: [],
    criticalCalledHarmless: 0,
    newlyCovered,
    audits: new Set(matched.map(item => item.auditId)).size,
    summary: `${matched.length} labelled (${countLabels(matched)})${
      split ? ': people decide both ways' : ''
    }`,
  };
  let rejection = breadthProblem(candidate);
  if (!rejection && !split)
    rejection = `people did not decide it both ways: ${
      matched.length
    } labelled (${countLabels(
      matched,
    )}); each of two outcomes needs ${minSupport} findings and a quarter of them`;
  if (!rejection && newlyCovered === 0)
    rejection = `adds no coverage: active rules already decide all ${plural(
      matched.length,
      'finding',
    )} it matches`;
  return rejection
    ? { evidence, verdict: 'reject', rejection }
    : { evidence, verdict: 'accept' };
}
