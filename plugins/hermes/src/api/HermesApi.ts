import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  AgentDataParts,
  AgentMessageMetadata,
  AgentSession,
  AgentSessionSummary,
  AuditLearningMetrics,
  CandidateStatus,
  DeliveryChannelInfo,
  DeliveryRecord,
  DriftAuditRecord,
  DriftFindingPage,
  DriftFindingRecord,
  DriftFindingFilters,
  FeedbackRating,
  HeldToolCall,
  HermesStatus,
  LearningCandidate,
  LearningRun,
  ModelChecks,
  Reflection,
  Resolution,
  ResolutionEvent,
  SkillDetails,
  SkillFile,
  SkillListItem,
  SkillLearningMetrics,
  SkillVersion,
  TaskInput,
  TaskRecord,
  TaskRunRecord,
  TaskSchedule,
} from '@hermes-backstage/plugin-hermes-common';
import type { ChatTransport, UIMessage } from 'ai';

export type {
  ModelCheck,
  ModelChecks,
} from '@hermes-backstage/plugin-hermes-common';

/**
 * A chat message as the agent streams and stores it: with the runs that produced it, and
 * notices (`data-notice` parts) such as credentials withheld from it.
 * @public
 */
export type HermesUIMessage = UIMessage<AgentMessageMetadata, AgentDataParts>;

/**
 * A skill in the library list, with how the agent and triage use it; a search adds the
 * passage that matched (`**`-marked words) and the skill's tags.
 *
 * @public
 */
export type SkillListEntry = SkillListItem;

/** The Hermes backend as the frontend sees it. @public */
export interface HermesApi {
  getStatus(): Promise<HermesStatus>;
  /**
   * Calls each configured model once with a tiny prompt (a paid request, so only on demand):
   * per purpose, whether it answered and how fast, or why not.
   */
  checkModels(): Promise<ModelChecks>;
  /**
   * Configured audit names, and a page of runs (newest first; `limit` 1–200, default 50) with
   * how many runs there are in all.
   */
  listAudits(options?: AuditQuery): Promise<AuditList>;
  /** One audit run by id, with its text report (404 when there is none). */
  getAudit(id: string): Promise<DriftAuditRecord>;
  runAudit(name: string): Promise<DriftAuditRecord>;
  /**
   * Open findings (each drift once; `state` changes that, `auditId` lists one audit's); for an
   * entity, only those about its workloads. The first page only: see `pageFindings`.
   */
  listFindings(options?: FindingQuery): Promise<DriftFindingRecord[]>;
  /** One page of findings and how many matched in all. */
  pageFindings(options?: FindingQuery): Promise<DriftFindingPage>;
  /** Records a resolution, or with `silenceUntil` a silence, of the finding's drift. */
  resolveFinding(
    id: string,
    resolution: Resolution,
    details?: ResolutionDetails,
  ): Promise<void>;
  /** Undoes the drift's latest resolution event (404 when there is none); returns it, marked. */
  undoResolution(id: string): Promise<ResolutionEvent>;
  /** The user's conversations, newest first; with `q`, those matching it, with snippets. */
  listSessions(options?: {
    q?: string;
    entityRef?: string;
  }): Promise<AgentSessionSummary[]>;
  getSession(id: string): Promise<AgentSession<HermesUIMessage>>;
  deleteSession(id: string): Promise<void>;
  /** Thumbs up or down on the agent run that produced an answer. */
  sendFeedback(
    traceId: string,
    rating: FeedbackRating,
    comment?: string,
  ): Promise<void>;
  /**
   * Held tool calls: without a session, the pending ones this user may decide (their
   * approval inbox); with one, that conversation's.
   */
  listApprovals(options?: { sessionId?: string }): Promise<HeldToolCall[]>;
  /** Approves or denies a held call; it runs when the asker continues their conversation. */
  decideApproval(id: string, approved: boolean): Promise<HeldToolCall>;
  /**
   * A transport for `useChat` that posts to `/chat` with the user's Backstage credentials,
   * sending only the new message or the decisions on held tool calls.
   */
  createChatTransport(options?: {
    entityRef?: string;
  }): ChatTransport<HermesUIMessage>;

  /**
   * Every skill, drafts included, by name; with `q`, the active skills matching it, most
   * relevant first.
   */
  listSkills(options?: { q?: string }): Promise<SkillListEntry[]>;
  /** The active document (or a draft-only skill's draft), files, versions (newest first) and usage. */
  getSkill(name: string): Promise<SkillDetails>;
  getSkillVersion(name: string, version: number): Promise<SkillVersion>;
  /** The unified diff of SKILL.md from one version to another. */
  diffSkillVersions(name: string, from: number, to: number): Promise<string>;
  /** Saves a person's SKILL.md as the new active version, creating the skill if new. */
  saveSkill(
    name: string,
    document: string,
    message?: string,
  ): Promise<SkillVersion>;
  /** A new active version with the text of an earlier one. */
  rollbackSkill(name: string, version: number): Promise<SkillVersion>;
  approveSkillVersion(name: string, version: number): Promise<SkillVersion>;
  rejectSkillVersion(
    name: string,
    version: number,
    reason?: string,
  ): Promise<SkillVersion>;
  deleteSkill(name: string): Promise<void>;
  /** SKILL.md and the reference files of the active version, paths relative to its folder. */
  exportSkill(name: string): Promise<SkillFile[]>;
  /** A SKILL.md folder (`SKILL.md`, `references/…`, or all under one top folder). */
  importSkill(files: SkillFile[]): Promise<SkillVersion>;
  /**
   * The active skills that apply to an entity and what each decided about its drift in the
   * last `windowDays`; 404 when the caller may not read the entity.
   */
  skillsForEntity(entityRef: string): Promise<EntitySkills>;

  /** Tasks this user may see (own, config-declared, about readable entities); or one entity's. */
  listTasks(options?: { entityRef?: string }): Promise<TaskRecord[]>;
  createTask(input: TaskInput): Promise<TaskRecord>;
  getTask(id: string): Promise<TaskRecord>;
  updateTask(id: string, patch: Partial<TaskInput>): Promise<TaskRecord>;
  deleteTask(id: string): Promise<void>;
  /** Queues a run now; it runs asynchronously (poll its runs for progress). */
  runTask(id: string): Promise<TaskRunRecord>;
  /** Runs newest first, each with its report and deliveries. */
  listTaskRuns(
    id: string,
    options?: { limit?: number },
  ): Promise<TaskRunRecord[]>;
  /** How a schedule reads and its next runs; rejects with the accepted forms when unreadable. */
  previewSchedule(text: string, timezone?: string): Promise<TaskSchedule>;
  /** Queues a failed or dead delivery again. */
  retryDelivery(id: string): Promise<DeliveryRecord>;
  /** Configured delivery channels: names and types, never their settings. */
  listDeliveryChannels(): Promise<DeliveryChannelInfo[]>;

  /**
   * Induces rules from the labelled findings, then reflects on recent runs: the candidates
   * both stored, and the reflection (or why it was skipped, e.g. no reflection model).
   */
  runLearning(): Promise<LearningRun>;
  /** Reflections, newest first (the server's default count without a limit). */
  listReflections(options?: { limit?: number }): Promise<Reflection[]>;
  /** Proposed, rejected and approved rules with their evidence, newest first. */
  listCandidates(options?: {
    status?: CandidateStatus;
  }): Promise<LearningCandidate[]>;
  /** Activates the candidate's skill version; refused (403) without hermes.skills.approve. */
  approveCandidate(id: string): Promise<LearningCandidate>;
  rejectCandidate(id: string, reason?: string): Promise<LearningCandidate>;
  /** Per audit (oldest first, the last 60) and per skill: what rules and the model did. */
  learningMetrics(): Promise<LearningMetrics>;
}

/** Which findings to list, a page at a time; empty values mean no filter. @public */
export interface FindingQuery extends DriftFindingFilters {
  limit?: number;
  offset?: number;
}

/** Which page of audit runs to list. @public */
export interface AuditQuery {
  limit?: number;
  offset?: number;
}

/** Configured audits and a page of audit runs. @public */
export interface AuditList {
  definitions: string[];
  audits: DriftAuditRecord[];
  /** How many runs there are in all; absent from backends older than paging. */
  total?: number;
}

/** What a person adds to a resolution. @public */
export interface ResolutionDetails {
  comment?: string;
  /** URL of a ticket about it. */
  ticket?: string;
  /** ISO 8601: silences the drift until then instead of resolving it. */
  silenceUntil?: string;
}

/**
 * A skill that applies to an entity (`GET /entity-skills`): what it declares that fits the
 * entity (`matches`), what its rules classified among the entity's recent findings, each drift
 * counted once (`decided`), and how many of them its current rules match. @public
 */
export interface EntitySkill {
  name: string;
  description: string;
  matches: string[];
  decided: { harmless: number; critical: number };
  ruleMatches: number;
  lastDecidedAt?: string;
}

/** @public */
export interface EntitySkills {
  entityRef: string;
  windowDays: number;
  skills: EntitySkill[];
}

/** What the learning loop changed, per audit and per skill. @public */
export interface LearningMetrics {
  audits: AuditLearningMetrics[];
  skills: SkillLearningMetrics[];
}

/** @public */
export const hermesApiRef = createApiRef<HermesApi>().with({
  id: 'plugin.hermes.api',
  pluginId: 'hermes',
});
