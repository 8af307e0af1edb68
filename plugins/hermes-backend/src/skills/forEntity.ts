import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  DriftFindingRecord,
  readHermesMetadata,
  SkillDocument,
  triageFinding,
  triageRulesFromSkills,
} from '@hermes-backstage/plugin-hermes-common';

/** How far back the decisions shown for an entity go. */
export const ENTITY_SKILLS_WINDOW_DAYS = 30;

/** A finding as the skills API reads it. */
export type EntityFinding = Pick<
  DriftFindingRecord,
  | 'fingerprint'
  | 'cluster'
  | 'resource'
  | 'labels'
  | 'type'
  | 'changes'
  | 'classification'
  | 'skill'
  | 'attribution'
  | 'foundAt'
>;

/**
 * Where the skills API reads an entity's drift: the drift service fits it. An interface of
 * its own, as in `effects.ts`: skills importing drift would make the dependency circular.
 * With `entityRef`, the drift service reads the entity with the caller's credentials and
 * answers NotFoundError when they may not read it.
 */
export interface EntityFindingReader {
  listFindings(options: {
    credentials: BackstageCredentials;
    entityRef: string;
    state: 'all';
  }): Promise<EntityFinding[]>;
}

/** A skill that applies to an entity, and what it decided about the entity's drift. */
export interface EntitySkill {
  name: string;
  description: string;
  /**
   * What the skill declares that fits the entity, in words: its `entityKinds`, its
   * `annotations`, and its Kubernetes `kinds` that the entity's drift involves.
   */
  matches: string[];
  /**
   * The entity's findings (each drift once, as its latest audit found it, within the
   * window) that this skill's rules classified, by classification.
   */
  decided: { harmless: number; critical: number };
  /**
   * Of the same findings, how many the skill's current rules match: more than `decided` when
   * a rule is newer than the audit, or another skill's critical rule won.
   */
  ruleMatches: number;
  /** When an audit last found a finding this skill classified. */
  lastDecidedAt?: string;
}

/** The answer of `GET /entity-skills`. */
export interface EntitySkills {
  entityRef: string;
  windowDays: number;
  skills: EntitySkill[];
}

function declaredMatches(
  skill: SkillDocument,
  entity: Entity,
  findingKinds: Set<string>,
): string[] {
  const meta = readHermesMetadata(skill);
  const matches: string[] = [];
  const lower = (values: string[]) => values.map(v => v.toLowerCase());
  // As the skill index reads them: every declared condition must hold.
  if (meta.entityKinds.length || meta.annotations.length) {
    const kindFits =
      !meta.entityKinds.length ||
      lower(meta.entityKinds).includes(entity.kind.toLowerCase());
    const present = meta.annotations.filter(
      key => key in (entity.metadata.annotations ?? {}),
    );
    if (kindFits && (!meta.annotations.length || present.length)) {
      if (meta.entityKinds.length)
        matches.push(`written for ${entity.kind} entities`);
      if (present.length)
        matches.push(`written for entities with ${present.join(', ')}`);
    }
  }
  const kinds = meta.kinds.filter(k => findingKinds.has(k));
  if (kinds.length) {
    matches.push(
      `about ${kinds.join(', ')} objects, which this drift involves`,
    );
  }
  return matches;
}

/**
 * The active skills that apply to `entity`: those whose declared applicability fits it and
 * those whose triage rules decided or match its recent findings. A skill that declares no
 * applicability and has nothing to do with its drift applies to any entity, so it is left
 * out: listing it would list the whole library.
 */
export function skillsForEntity(options: {
  entity: Entity;
  entityRef: string;
  documents: SkillDocument[];
  findings: EntityFinding[];
  now?: Date;
}): EntitySkills {
  const { entity, entityRef, documents } = options;
  const since =
    (options.now ?? new Date()).getTime() -
    ENTITY_SKILLS_WINDOW_DAYS * 24 * 3600_000;
  const findings = options.findings.filter(f => Date.parse(f.foundAt) >= since);
  const findingKinds = new Set(findings.map(f => f.resource.kind));
  const { rules } = triageRulesFromSkills(documents);
  const skills: EntitySkill[] = [];
  for (const skill of documents) {
    const own = rules.filter(r => r.skill === skill.name);
    const decided = { harmless: 0, critical: 0 };
    let ruleMatches = 0;
    let lastDecidedAt: string | undefined;
    for (const finding of findings) {
      if (
        finding.skill === skill.name &&
        finding.classification !== 'unknown'
      ) {
        decided[finding.classification]++;
        if (!lastDecidedAt || finding.foundAt > lastDecidedAt)
          lastDecidedAt = finding.foundAt;
      }
      if (
        own.length &&
        // A rule that leaves drift to a person still applies to it.
        triageFinding(finding, own, finding.labels).skill !== undefined
      )
        ruleMatches++;
    }
    const matches = declaredMatches(skill, entity, findingKinds);
    if (
      !matches.length &&
      !ruleMatches &&
      !decided.harmless &&
      !decided.critical
    )
      continue;
    skills.push({
      name: skill.name,
      description: skill.description,
      matches,
      decided,
      ruleMatches,
      ...(lastDecidedAt ? { lastDecidedAt } : {}),
    });
  }
  const weight = (s: EntitySkill) => s.decided.harmless + s.decided.critical;
  skills.sort(
    (a, b) =>
      weight(b) - weight(a) ||
      b.ruleMatches - a.ruleMatches ||
      a.name.localeCompare(b.name),
  );
  return { entityRef, windowDays: ENTITY_SKILLS_WINDOW_DAYS, skills };
}
