import { z } from 'zod';
import { SkillDocument } from '../skills';
import { wildcardMatch } from '../policy/wildcard';
import {
  Classification,
  DriftFinding,
  DriftType,
  FieldChange,
  ManagerClass,
} from './types';

const stringList = z
  .union([z.string(), z.array(z.string())])
  .transform(v => (Array.isArray(v) ? v : [v]));

const ruleSchema = z.object({
  match: z.object({
    clusters: stringList.optional(),
    namespaces: stringList.optional(),
    kinds: stringList.optional(),
    names: stringList.optional(),
    /** Label selector on the live (or desired) object: key → value glob. */
    labels: z.record(z.string(), z.string()).optional(),
    types: z.array(z.enum(['modified', 'missing', 'extra'])).optional(),
    /** JSON pointer globs; `*` matches any characters, `/` included. */
    paths: stringList.optional(),
    managerClasses: z
      .array(z.enum(['human', 'gitops', 'controller']))
      .optional(),
    managers: stringList.optional(),
  }),
  /**
   * `unknown` decides nothing: the drift stays for a person, and the audit model is not asked
   * about it (people decide such drift both ways; a guess would add nothing).
   */
  classify: z.enum(['harmless', 'critical', 'unknown']),
  reason: z.string().min(1),
  /** What a person should do; shown in the report. */
  recommend: z.string().optional(),
});

export type TriageRule = z.infer<typeof ruleSchema> & { skill: string };

/** Reads `metadata.hermes.triage` from skills; a malformed rule is reported, not guessed. */
export function triageRulesFromSkills(skills: SkillDocument[]): {
  rules: TriageRule[];
  problems: Array<{ skill: string; message: string }>;
} {
  const rules: TriageRule[] = [];
  const problems: Array<{ skill: string; message: string }> = [];
  for (const skill of skills) {
    const raw = (skill.metadata.hermes as { triage?: unknown } | undefined)
      ?.triage;
    if (raw === undefined) continue;
    if (!Array.isArray(raw)) {
      problems.push({
        skill: skill.name,
        message: 'metadata.hermes.triage must be a list of rules',
      });
      continue;
    }
    raw.forEach((entry, i) => {
      const parsed = ruleSchema.safeParse(entry);
      if (parsed.success) rules.push({ ...parsed.data, skill: skill.name });
      else {
        const detail = parsed.error.issues
          .map(issue => `${issue.path.join('.') || 'rule'}: ${issue.message}`)
          .join('; ');
        problems.push({
          skill: skill.name,
          message: `metadata.hermes.triage[${i}]: ${detail}`,
        });
      }
    });
  }
  return { rules, problems };
}

const any = (patterns: string[] | undefined, value: string | undefined) =>
  !patterns || patterns.some(p => wildcardMatch(p, value ?? ''));

function matchesObject(
  rule: TriageRule,
  finding: DriftFinding,
  labels: Record<string, string>,
): boolean {
  const m = rule.match;
  if (!any(m.clusters, finding.cluster)) return false;
  if (!any(m.namespaces, finding.resource.namespace ?? '')) return false;
  if (!any(m.kinds, finding.resource.kind)) return false;
  if (!any(m.names, finding.resource.name)) return false;
  if (m.types && !m.types.includes(finding.type as DriftType)) return false;
  for (const [key, value] of Object.entries(m.labels ?? {})) {
    if (!(key in labels) || !wildcardMatch(value, labels[key])) return false;
  }
  return true;
}

function matchesChange(
  rule: TriageRule,
  change: FieldChange | undefined,
  attributionClass?: ManagerClass,
  manager?: string,
) {
  const m = rule.match;
  if (m.paths && (!change || !m.paths.some(p => wildcardMatch(p, change.path))))
    return false;
  if (
    m.managerClasses &&
    (!attributionClass || !m.managerClasses.includes(attributionClass))
  )
    return false;
  if (
    m.managers &&
    (!manager || !m.managers.some(p => wildcardMatch(p, manager)))
  )
    return false;
  return true;
}

const SEVERITY: Record<Classification, number> = {
  harmless: 0,
  unknown: 1,
  critical: 2,
};

/**
 * Classifies a finding with the rules: each changed field takes the classification of the
 * rules that match it (critical beats a person deciding, which beats harmless), an unmatched
 * field is unknown, and the finding is as severe as its most severe field. A finding whose
 * most severe rule is an `unknown` one stays unknown but names that rule, so the audit model
 * is not asked; a field no rule matches keeps it a plain unknown, for the model.
 */
export function triageFinding(
  finding: DriftFinding,
  rules: TriageRule[],
  labels: Record<string, string> = {},
): Pick<DriftFinding, 'classification' | 'reason' | 'skill'> & {
  recommend?: string;
} {
  const candidates = rules.filter(r => matchesObject(r, finding, labels));
  const targets: Array<FieldChange | undefined> = finding.changes.length
    ? finding.changes
    : [undefined];
  let verdict: { classification: Classification; rule?: TriageRule } = {
    classification: 'harmless',
  };
  let unmatched = false;
  for (const change of targets) {
    const attribution = change?.attribution ?? finding.attribution;
    let rule: TriageRule | undefined;
    for (const r of candidates)
      if (
        matchesChange(r, change, attribution?.class, attribution?.manager) &&
        (!rule || SEVERITY[r.classify] > SEVERITY[rule.classify])
      )
        rule = r;
    if (!rule) unmatched = true;
    const classification: Classification = rule ? rule.classify : 'unknown';
    if (
      SEVERITY[classification] > SEVERITY[verdict.classification] ||
      (!verdict.rule && rule && classification === verdict.classification)
    ) {
      verdict = { classification, rule };
    }
  }
  if (!verdict.rule || (verdict.classification === 'unknown' && unmatched)) {
    return { classification: 'unknown', reason: 'no triage rule matches' };
  }
  return {
    classification: verdict.classification,
    reason: verdict.rule.reason,
    skill: verdict.rule.skill,
    ...(verdict.rule.recommend ? { recommend: verdict.rule.recommend } : {}),
  };
}
