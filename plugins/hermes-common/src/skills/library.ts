/**
 * Shapes of the skills library as the REST API returns them (`/api/hermes/skills`).
 */

/** Where a skill came from. @public */
export type SkillSource = 'directory' | 'user' | 'agent';

/**
 * `draft`: the agent proposed the skill and nobody has approved a version yet, so it has no
 * active version and is neither searched nor offered to the agent.
 *
 * @public
 */
export type SkillStatus = 'active' | 'draft';

/**
 * `active`: the version in use (one per skill); `superseded`: was active once;
 * `draft`: proposed by the agent, waiting for a person; `rejected`: a draft a person refused.
 *
 * @public
 */
export type SkillVersionStatus = 'active' | 'superseded' | 'draft' | 'rejected';

/** How the task that loaded a skill ended. @public */
export type SkillOutcome = 'success' | 'failure' | 'unknown';

/** A skill in the library, without its document. @public */
export interface SkillSummary {
  name: string;
  description: string;
  source: SkillSource;
  status: SkillStatus;
  /** The active version; absent while the skill is only a draft. */
  version?: number;
  /** The SKILL.md file of a directory skill. */
  location?: string;
  contentHash: string;
  updatedAt: string;
  /** Drafts waiting for approval. */
  pendingDrafts: number;
}

/** One version of a skill, without its document. @public */
export interface SkillVersionSummary {
  name: string;
  version: number;
  status: SkillVersionStatus;
  /** A user entity ref, `agent` or `directory`. */
  author: string;
  description: string;
  contentHash: string;
  /** Why the version was written. */
  message?: string;
  /** The agent run that proposed a draft. */
  traceId?: string;
  /** For drafts: the version that was active when the draft was written. */
  baseVersion?: number;
  /** Who approved or rejected a draft, when, and why. */
  reviewedBy?: string;
  reviewedAt?: string;
  reviewNote?: string;
  createdAt: string;
}

/** @public */
export interface SkillVersion extends SkillVersionSummary {
  /** The full SKILL.md text. */
  document: string;
}

/** @public */
export interface SkillUsageSummary {
  /** Agent runs that loaded the skill. */
  loaded: number;
  successes: number;
  failures: number;
  lastUsedAt?: string;
}

/**
 * A skill's effect on drift triage over the recent audits (the figures of the Learning view):
 * what its triage rules classified, and how that agreed with the labels people gave later.
 *
 * @public
 */
export interface SkillEffect {
  /** Findings its rules classified. */
  classified: number;
  /** Audits in which it classified any. */
  audits: number;
  /** Share of its labelled classifications people agreed with; absent while none is labelled. */
  agreement?: number;
  /** Findings it classified that would otherwise have gone to the audit model. */
  modelCallsSaved: number;
  /** When the latest audit in which it classified a finding started. */
  lastClassifiedAt?: string;
}

/** A reference file next to SKILL.md, or SKILL.md itself in an export or import. @public */
export interface SkillFile {
  /** Relative to the skill's folder, with `/` separators. */
  path: string;
  content: string;
}

/** @public */
export interface SkillDetails {
  skill: SkillSummary;
  /** The active document, or the latest draft of a skill that is only a draft. */
  document: string;
  /** Paths of the reference files. */
  files: string[];
  versions: SkillVersionSummary[];
  /** Runs of the agent that loaded it. */
  usage: SkillUsageSummary;
  /**
   * Its effect on drift triage; absent for a skill without triage rules, or for a caller who
   * may not read drift (`hermes.drift.read`).
   */
  effect?: SkillEffect;
}

/**
 * A skill in the library list (`GET /skills`), with how it is used; a search adds the passage
 * that matched (`**`-marked words) and the skill's tags.
 *
 * @public
 */
export interface SkillListItem extends SkillSummary {
  usage: SkillUsageSummary;
  /** As in {@link SkillDetails}. */
  effect?: SkillEffect;
  snippet?: string;
  tags?: string[];
}

/** @public */
export interface SkillSearchHit {
  name: string;
  description: string;
  tags: string[];
  /** A passage of the body around the matched words, which are marked with `**`. */
  snippet: string;
}

/** A line of the skill index given to the agent. @public */
export interface SkillIndexEntry {
  name: string;
  description: string;
}
