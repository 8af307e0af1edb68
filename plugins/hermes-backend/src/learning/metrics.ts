import {
  DriftFinding,
  LabelledFinding,
  labelClass,
  SkillLearningMetrics,
} from '@hermes-backstage/plugin-hermes-common';

/**
 * Each skill's effect over the audits' findings: how many its rules classified, in how many
 * audits, and how that agreed with the labels people gave those drifts. Every finding a rule
 * classified counts as a model call saved: without the rule it would have been unknown, and
 * each unknown finding goes to the audit model for a suggestion (batching aside).
 */
export function skillMetrics(
  findingsByAudit: Array<{
    auditId: string;
    findings: Array<Pick<DriftFinding, 'classification' | 'skill'>>;
  }>,
  labelled: LabelledFinding[],
  skillsWithRules: string[],
): SkillLearningMetrics[] {
  const stats = new Map<
    string,
    {
      classified: number;
      audits: Set<string>;
      agreed: number;
      labelled: number;
    }
  >();
  const entry = (name: string) => {
    let s = stats.get(name);
    if (!s) {
      s = { classified: 0, audits: new Set(), agreed: 0, labelled: 0 };
      stats.set(name, s);
    }
    return s;
  };
  for (const name of skillsWithRules) entry(name);
  for (const { auditId, findings } of findingsByAudit) {
    for (const f of findings) {
      if (!f.skill || f.classification === 'unknown') continue;
      const s = entry(f.skill);
      s.classified++;
      s.audits.add(auditId);
    }
  }
  for (const l of labelled) {
    const { skill, classification } = l.finding;
    if (!skill || classification === 'unknown') continue;
    const s = entry(skill);
    s.labelled++;
    // As the evaluation gate counts it: "committed" agrees with neither classification.
    if (labelClass(l.label) === classification) s.agreed++;
  }
  return [...stats.entries()]
    .map(([name, s]) => ({
      name,
      classified: s.classified,
      audits: s.audits.size,
      ...(s.labelled ? { agreement: s.agreed / s.labelled } : {}),
      modelCallsSaved: s.classified,
    }))
    .sort(
      (a, b) => b.classified - a.classified || a.name.localeCompare(b.name),
    );
}
