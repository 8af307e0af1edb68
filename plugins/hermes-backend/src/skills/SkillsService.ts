import type {
  SkillDetails,
  SkillDocument,
  SkillFile,
  SkillIndexEntry,
  SkillOutcome,
  SkillSearchHit,
  SkillSummary,
  SkillUsageSummary,
  SkillVersion,
  SkillVersionSummary,
} from '@hermes-backstage/plugin-hermes-common';

/** A skill folder that could not be read, and why. */
export interface SkillLoadError {
  location: string;
  message: string;
}

/** The catalog entity a task is about, as far as choosing skills goes. */
export interface SkillIndexEntity {
  kind: string;
  annotations?: Record<string, string>;
  tags?: string[];
}

export interface SkillIndexRequest {
  /** The task or question, in free text. */
  task: string;
  entity?: SkillIndexEntity;
  /** At most this many skills (default 12). */
  limit?: number;
}

/** A skill's body or one of its reference files, as the agent reads it. */
export interface SkillView {
  name: string;
  version: number;
  /** The reference file shown; absent for the body. */
  file?: string;
  content: string;
  /** Reference files the skill has, for further `view` calls. */
  files: string[];
}

/** The skills library as the rest of Hermes sees it. */
export interface SkillsService {
  /**
   * Active skills, and with `includeDrafts` those that are only drafts too. With `q`, those
   * matching it, most relevant first, each with the passage that matched.
   */
  listSkills(options?: {
    includeDrafts?: boolean;
    q?: string;
  }): Promise<Array<SkillSummary & Partial<SkillSearchHit>>>;
  /** Every active skill, parsed (for triage rules and other metadata). */
  listDocuments(): Promise<SkillDocument[]>;
  /** Problems met the last time the skill directories were read. */
  loadErrors(): SkillLoadError[];
  /** Re-reads every skill directory into the library. */
  reloadDirectories(): Promise<void>;

  getSkill(name: string): Promise<SkillDetails>;
  /** Active skills matching any word of `query`, most relevant first (10, at most 50). */
  search(
    query: string,
    options?: { limit?: number },
  ): Promise<SkillSearchHit[]>;
  /** The active skills most relevant to a task (and entity), for the prompt. */
  skillIndex(request: SkillIndexRequest): Promise<SkillIndexEntry[]>;
  /** The active body, or a reference file; counts as a use by `traceId` when given. */
  view(
    name: string,
    options?: { file?: string; traceId?: string },
  ): Promise<SkillView>;

  /**
   * Saves a document written by a person as the new active version, creating the skill if
   * new. `name`, when given, must be the document's name. Saving the active text again
   * returns the active version without adding one.
   */
  save(
    document: string,
    by: string,
    options?: { name?: string; message?: string },
  ): Promise<SkillVersion>;
  /** Stores a document proposed by the agent as a draft waiting for approval. */
  draft(
    document: string,
    options?: { traceId?: string; message?: string },
  ): Promise<SkillVersion>;
  /** Replaces the one occurrence of `oldText` in the active document; stored as a draft. */
  patch(
    name: string,
    change: { oldText: string; newText: string },
    options?: { traceId?: string; message?: string },
  ): Promise<SkillVersion>;
  versions(name: string): Promise<SkillVersionSummary[]>;
  getVersion(name: string, version: number): Promise<SkillVersion>;
  /** Unified diff of the SKILL.md text between two versions. */
  diff(name: string, from: number, to: number): Promise<string>;
  /** A new active version with the text of an earlier one; history is kept. */
  rollback(name: string, version: number, by: string): Promise<SkillVersion>;
  approve(name: string, version: number, by: string): Promise<SkillVersion>;
  reject(
    name: string,
    version: number,
    by: string,
    reason?: string,
  ): Promise<SkillVersion>;
  /** Removes a user or agent skill with its versions and files. */
  deleteSkill(name: string): Promise<void>;
  /** SKILL.md and the reference files of the active version. */
  exportSkill(name: string): Promise<{ files: SkillFile[] }>;
  /** Saves a SKILL.md folder as the new active version, replacing its reference files. */
  importSkill(files: SkillFile[], by: string): Promise<SkillVersion>;

  recordUsage(name: string, version: number, traceId: string): Promise<void>;
  /** How the agent run ended, for every skill it loaded. */
  recordOutcome(traceId: string, outcome: SkillOutcome): Promise<void>;
  usage(name: string): Promise<SkillUsageSummary>;
  /** The usage of each of `names` at once, for a list (unknown names count zero). */
  usageOf(names: string[]): Promise<Map<string, SkillUsageSummary>>;
}
