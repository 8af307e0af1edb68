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
  usage: SkillUsageSummary;
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
