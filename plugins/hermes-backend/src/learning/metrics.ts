import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AuditLearningMetrics,
  DriftFinding,
  hermesDriftReadPermission,
  LabelledFinding,
  labelClass,
  SkillEffect,
  SkillLearningMetrics,
  triageRulesFromSkills,
} from '@hermes-backstage/plugin-hermes-common';
import type { DriftService } from '../drift/DriftService';
import type { SkillEffectSource } from '../skills/effects';
import type { SkillsService } from '../skills/SkillsService';

/** Audits the metrics cover. */
export const METRIC_AUDITS = 60;

/** A skill's figures, with when it last classified a finding (when audits say when they ran). */
export type SkillMetrics = SkillLearningMetrics &
  Pick<SkillEffect, 'lastClassifiedAt'>;

/**
 * Each skill's effect over the audits' findings: how many its rules classified, in how many
 * audits, and how that agreed with the labels people gave those drifts. Every finding a rule
 * classified, or left to a person, counts as a model call saved: without the rule it would
 * have gone to the audit model for a suggestion (batching aside).
 */
export function skillMetrics(
  findingsByAudit: Array<{
    auditId: string;
    /** When the audit started (ISO 8601); gives `lastClassifiedAt`. */
    startedAt?: string;
    findings: Array<Pick<DriftFinding, 'classification' | 'skill'>>;
  }>,
  labelled: LabelledFinding[],
  skillsWithRules: string[],
): SkillMetrics[] {
  const stats = new Map<
    string,
    {
      classified: number;
      saved: number;
      audits: Set<string>;
      agreed: number;
      labelled: number;
      last?: string;
    }
  >();
  const entry = (name: string) => {
    let s = stats.get(name);
    if (!s) {
      s = {
        classified: 0,
        saved: 0,
        audits: new Set(),
        agreed: 0,
        labelled: 0,
      };
      stats.set(name, s);
    }
    return s;
  };
  for (const name of skillsWithRules) entry(name);
  for (const { auditId, startedAt, findings } of findingsByAudit) {
    for (const f of findings) {
      if (!f.skill) continue;
      const s = entry(f.skill);
      // A rule that leaves drift to a person decides nothing, but spares the model a call.
      s.saved++;
      s.audits.add(auditId);
      if (startedAt && (!s.last || Date.parse(startedAt) > Date.parse(s.last)))
        s.last = startedAt;
      if (f.classification !== 'unknown') s.classified++;
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
      modelCallsSaved: s.saved,
      ...(s.last ? { lastClassifiedAt: s.last } : {}),
    }))
    .sort(
      (a, b) => b.classified - a.classified || a.name.localeCompare(b.name),
    );
}

/** What the metrics read from drift audits. */
export type MetricsDrift = Pick<
  DriftService,
  'listLabelledFindings' | 'triageMetrics' | 'listFindings'
>;

/**
 * Per audit (the last `METRIC_AUDITS`, oldest first) and per skill; findings are read with the
 * caller's credentials, labels since the oldest audit shown.
 */
export async function readLearningMetrics(
  options: {
    drift: MetricsDrift;
    skills: Pick<SkillsService, 'listDocuments'>;
  },
  credentials: BackstageCredentials,
): Promise<{ audits: AuditLearningMetrics[]; skills: SkillMetrics[] }> {
  const { drift, skills } = options;
  const audits = await drift.triageMetrics({ limit: METRIC_AUDITS });
  const findingsByAudit = [];
  for (const audit of audits) {
    findingsByAudit.push({
      auditId: audit.auditId,
      startedAt: audit.startedAt,
      findings: await drift.listFindings({
        credentials,
        auditId: audit.auditId,
      }),
    });
  }
  const labelled = await drift.listLabelledFindings(
    audits.length ? { since: new Date(audits[0].startedAt) } : {},
  );
  const { rules } = triageRulesFromSkills(await skills.listDocuments());
  return {
    audits,
    skills: skillMetrics(findingsByAudit, labelled, [
      ...new Set(rules.map(r => r.skill)),
    ]),
  };
}

/**
 * Each skill's effect on triage for the skills API, from the same figures as the Learning
 * view. They come from the drift of every cluster, so, as there, a caller needs
 * `hermes.drift.read`; without it the skills API shows the agent's use only.
 */
export function skillEffectSource(options: {
  drift: MetricsDrift;
  skills: Pick<SkillsService, 'listDocuments'>;
  permissions: PermissionsService;
}): SkillEffectSource {
  return {
    async effects(credentials) {
      const [decision] = await options.permissions.authorize(
        [{ permission: hermesDriftReadPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) return undefined;
      const metrics = await readLearningMetrics(options, credentials);
      return new Map(
        metrics.skills.map(({ name, ...effect }) => [name, effect]),
      );
    },
  };
}
