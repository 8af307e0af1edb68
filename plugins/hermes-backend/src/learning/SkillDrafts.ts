import { NotFoundError } from '@backstage/errors';
import {
  LearningCandidate,
  SkillVersion,
} from '@hermes-backstage/plugin-hermes-common';
import type { LearningSkills } from './LearningService';
import { appendRule, learnedSkillName, newSkillDocument } from './skillDraft';

/** A decision the Skills view (or the skills library) already took on a candidate's draft. */
export interface DraftReview {
  status: 'approved' | 'rejected';
  by?: string;
  rejection?: string;
}

const isNotFound = (error: unknown) =>
  (error as Error)?.name === NotFoundError.name;

/**
 * Candidates as skill drafts, through the skills library's own draft → approval path, so a
 * learned rule is reviewed, versioned and activated like any other skill change.
 */
export class SkillDrafts {
  constructor(private readonly skills: LearningSkills) {}

  /**
   * The skill a rule for `skill` is drafted in: `skill` itself, unless it is read from a
   * skills directory (those change in Git, not here); then a companion `<skill>-learned`.
   */
  async target(skill: string): Promise<string> {
    const details = await this.details(skill);
    return details?.skill.source === 'directory'
      ? learnedSkillName(skill)
      : skill;
  }

  /** Queues the candidate's rule as a draft of its skill, on top of the active version. */
  async queue(candidate: LearningCandidate): Promise<SkillVersion> {
    return this.skills.draft(await this.document(candidate), {
      message: message(candidate),
    });
  }

  /**
   * Approves the candidate's draft; the version that became active. A draft written before
   * the skill's active version changed (another learned rule approved first, or a person's
   * edit) would undo that change, so the rule is drafted again on top of the active version,
   * the stale draft rejected, and the new one approved.
   */
  async approve(candidate: LearningCandidate, by: string): Promise<number> {
    const { skills } = this;
    const name = candidate.skill;
    const draft = await skills.getVersion(name, candidate.draftVersion!);
    const active = await this.details(name);
    const activeVersion =
      active?.skill.status === 'active' ? active.skill.version : undefined;
    if (draft.baseVersion === activeVersion) {
      return (await skills.approve(name, draft.version, by)).version;
    }
    const next = await this.queue(candidate);
    await skills.reject(
      name,
      draft.version,
      by,
      `Replaced by version ${next.version}: the same rule on top of active version ${activeVersion}`,
    );
    return (await skills.approve(name, next.version, by)).version;
  }

  /** How the candidate's draft was decided outside the Learning view, if it was. */
  async review(candidate: LearningCandidate): Promise<DraftReview | undefined> {
    let version: SkillVersion;
    try {
      version = await this.skills.getVersion(
        candidate.skill,
        candidate.draftVersion!,
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return {
        status: 'rejected',
        rejection: `Its skill draft (version ${candidate.draftVersion} of "${candidate.skill}") was deleted`,
      };
    }
    if (version.status === 'draft') return undefined;
    if (version.status === 'rejected') {
      return {
        status: 'rejected',
        by: version.reviewedBy,
        rejection: version.reviewNote,
      };
    }
    return { status: 'approved', by: version.reviewedBy };
  }

  private async document(candidate: LearningCandidate): Promise<string> {
    const { skill, rule, evidence } = candidate;
    const details = await this.details(skill);
    // A skill that is only a draft has no active text to build on: the rule starts it anew.
    return details?.skill.status === 'active'
      ? appendRule(details.document, rule, evidence, `skill "${skill}"`)
      : newSkillDocument(skill, rule, evidence);
  }

  private async details(name: string) {
    try {
      return await this.skills.getSkill(name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}

function message(candidate: LearningCandidate): string {
  return `Learned triage rule (${candidate.rule.classify}): ${candidate.evidence.summary}`;
}
