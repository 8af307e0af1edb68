import {
  CandidateEvidence,
  splitSkillDocument,
  TriageRuleInput,
} from '@hermes-backstage/plugin-hermes-common';
import { isSeq, parseDocument, stringify } from 'yaml';

// The SKILL.md text a candidate is queued as: a new skill carrying the rule, or the next
// version of an existing skill with the rule appended to its triage list. Either way the body
// says what the rule matches and what the labelled history showed, so the Skills drafts view
// shows the evidence without the Learning view.

const NAME_MAX = 64;

/** Where a rule for `skill` can be drafted when `skill` is read from a directory (Git). */
export function learnedSkillName(skill: string): string {
  const suffix = '-learned';
  return `${skill
    .slice(0, NAME_MAX - suffix.length)
    .replace(/-+$/, '')}${suffix}`;
}

/** One line per condition of the rule, in words a platform engineer reads at a glance. */
export function describeMatch(
  rule: TriageRuleInput,
  options: { code?: boolean } = {},
): string[] {
  const m = rule.match;
  const quote = (v: string) => (options.code === false ? v : `\`${v}\``);
  const list = (values: string[] | undefined) => values?.map(quote).join(', ');
  const lines: Array<string | undefined> = [
    m.clusters && `cluster ${list(m.clusters)}`,
    m.namespaces && `namespace ${list(m.namespaces)}`,
    m.kinds && `kind ${list(m.kinds)}`,
    m.names && `name ${list(m.names)}`,
    m.labels &&
      `labels ${Object.entries(m.labels)
        .map(([k, v]) => quote(`${k}=${v}`))
        .join(', ')}`,
    m.types && `drift type ${m.types.join(', ')}`,
    m.paths && `field ${list(m.paths)}`,
    m.managerClasses && `written by a ${m.managerClasses.join(' or ')}`,
    m.managers && `manager ${list(m.managers)}`,
  ];
  const found = lines.filter((l): l is string => Boolean(l));
  return found.length ? found : ['any drift'];
}

const truncate = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** The Markdown section that carries a rule's evidence. */
export function evidenceSection(
  rule: TriageRuleInput,
  evidence: CandidateEvidence,
): string {
  const counter = evidence.counterExamples.length
    ? evidence.counterExamples
        .map(c => `\`${c.fingerprint}\` (labelled ${c.label})`)
        .join(', ')
    : 'none';
  return [
    `## Learned rule: ${rule.classify}, ${evidence.summary}`,
    '',
    `Proposed by Hermes from the resolutions people recorded for past drift findings.`,
    '',
    `- Matches: ${describeMatch(rule).join('; ')}`,
    rule.classify === 'unknown'
      ? `- Leaves to a person (stays **unknown**; the audit model is not asked) — ${rule.reason}`
      : `- Classifies as: **${rule.classify}** — ${rule.reason}`,
    `- Support: ${evidence.support} of ${evidence.matched} matched findings ` +
      `(agreement ${percent(evidence.agreement)})`,
    `- Counter-examples: ${counter}`,
    `- Labelled-critical findings it would call harmless: ${evidence.criticalCalledHarmless}`,
    `- Audits: ${evidence.audits}; findings no active rule classified before: ${evidence.newlyCovered}`,
    '',
  ].join('\n');
}

/** A new skill whose only content is the learned rule and its evidence. */
export function newSkillDocument(
  skill: string,
  rule: TriageRuleInput,
  evidence: CandidateEvidence,
): string {
  const what = describeMatch(rule, { code: false }).join(', ');
  const frontMatter = stringify(
    {
      name: skill,
      description: truncate(
        `Drift triage learned from people's labels (${rule.classify}): ${what}. ` +
          'Use when a drift audit reports such a change.',
        1024,
      ),
      metadata: {
        hermes: {
          tags: ['drift', 'triage', 'learned'],
          ...(rule.match.kinds ? { kinds: rule.match.kinds } : {}),
          triage: [rule],
        },
      },
    },
    // The rule's lists are shared objects; anchors and aliases would puzzle a reader.
    { aliasDuplicateObjects: false },
  );
  return `---\n${frontMatter}---\n\n# ${skill}\n\n${evidenceSection(
    rule,
    evidence,
  )}`;
}

/**
 * The next version of an existing skill: `rule` appended to `metadata.hermes.triage`
 * (comments and the other fields kept as written) and its evidence appended to the body.
 */
export function appendRule(
  document: string,
  rule: TriageRuleInput,
  evidence: CandidateEvidence,
  location: string,
): string {
  const { frontMatter, body } = splitSkillDocument(document);
  if (frontMatter === undefined)
    throw new Error(`${location} has no front matter to add a triage rule to`);
  const yaml = parseDocument(frontMatter);
  const path = ['metadata', 'hermes', 'triage'];
  const triage = yaml.getIn(path, true);
  const node = (value: unknown) =>
    yaml.createNode(value, { aliasDuplicateObjects: false });
  if (triage === undefined) yaml.setIn(path, node([rule]));
  else if (isSeq(triage)) triage.add(node(rule));
  else
    throw new Error(
      `${location}: metadata.hermes.triage is not a list; fix it before rules can be added`,
    );
  const separator = body.endsWith('\n') ? '\n' : '\n\n';
  return `---\n${String(yaml)}---\n${body}${separator}${evidenceSection(
    rule,
    evidence,
  )}`;
}
