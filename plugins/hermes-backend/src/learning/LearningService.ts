import {
  BackstageCredentials,
  DatabaseService,
  LoggerService,
  PermissionsService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AuditLearningMetrics,
  CandidateStatus,
  hermesSkillsApprovePermission,
  induceRules,
  LearningCandidate,
  SkillLearningMetrics,
  triageRulesFromSkills,
} from '@hermes-backstage/plugin-hermes-common';
import type { TraceReader } from '../agent/TraceReader';
import { DriftService } from '../drift/DriftService';
import type { ModelRegistry } from '../models/ModelRegistry';
import { SkillsService } from '../skills/SkillsService';
import { CandidateQueue } from './CandidateQueue';
import { CandidateStore, KnexCandidateStore } from './CandidateStore';
import { readLearningMetrics } from './metrics';
import { ReflectionRun, Reflector } from './Reflector';
import {
  KnexReflectionStore,
  Reflection,
  ReflectionStore,
} from './ReflectionStore';
import { SkillDrafts } from './SkillDrafts';

/** What the learning loop reads from drift audits. */
export type LearningDrift = Pick<
  DriftService,
  'listLabelledFindings' | 'triageMetrics' | 'listFindings' | 'listAudits'
>;

/** The skills library as the learning loop uses it. */
export type LearningSkills = Pick<
  SkillsService,
  | 'listDocuments'
  | 'getSkill'
  | 'getVersion'
  | 'draft'
  | 'patch'
  | 'approve'
  | 'reject'
>;

export interface LearningMetrics {
  /** The last 60 audits, oldest first. */
  audits: AuditLearningMetrics[];
  skills: SkillLearningMetrics[];
}

/**
 * The learning loop: proposes triage rules from people's labels, and skills from reflecting on
 * recent work, for people to approve.
 */
export interface LearningService {
  /** Induces rules from the labelled findings now; the candidates this run stored. */
  run(): Promise<LearningCandidate[]>;
  /**
   * Reflects on the recent agent runs and labelled findings now, whatever the count; says it
   * was skipped (and why) when it could not, e.g. without a reflection model.
   */
  reflect(): Promise<ReflectionRun>;
  /** What past reflections read, proposed and cost; newest first. */
  listReflections(options?: { limit?: number }): Promise<Reflection[]>;
  /** Newest first. */
  listCandidates(options?: {
    status?: CandidateStatus;
  }): Promise<LearningCandidate[]>;
  /** Activates the candidate's skill draft; needs `hermes.skills.approve`. */
  approve(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<LearningCandidate>;
  /** Rejects the candidate and its skill draft; needs `hermes.skills.approve`. */
  reject(
    id: string,
    credentials: BackstageCredentials,
    reason?: string,
  ): Promise<LearningCandidate>;
  /** Per audit and per skill; findings are read with the caller's credentials. */
  metrics(credentials: BackstageCredentials): Promise<LearningMetrics>;
  /**
   * Schedules `run`, and the check that reflects every N tasks, on Backstage's scheduler,
   * once per due time across replicas.
   */
  start(scheduler: SchedulerService): Promise<void>;
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 6 },
  timeout: { minutes: 10 },
  initialDelay: { minutes: 1 },
};
/**
 * How often the schedule counts tasks for reflection. A job of its own rather than a step of
 * induction's: induction keeps its own (configurable, hours-long) cadence, a slow reflection
 * model never delays it, and counting is two small reads, cheap enough to do often so that
 * reflection follows the N-th task within minutes.
 */
const REFLECTION_CHECK: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 15 },
  initialDelay: { minutes: 2 },
};
/** Audits are counted from the newest 50 the drift capability lists. */
const MAX_REFLECT_EVERY = 50;

export class DefaultLearningService implements LearningService {
  private readonly drafts: SkillDrafts;
  private readonly queue: CandidateQueue;
  private readonly reflector: Reflector;

  constructor(
    private readonly options: {
      store: CandidateStore;
      drift: LearningDrift;
      skills: LearningSkills;
      permissions: PermissionsService;
      logger: LoggerService;
      /** Labelled findings a rule must agree with before it is proposed. */
      minSupport: number;
      schedule: SchedulerServiceTaskScheduleDefinition;
      reflections: ReflectionStore;
      /** Tasks (audits and agent runs) between two scheduled reflections. */
      reflectEvery: number;
      /** The `reflection` model; without one only induction runs. */
      models?: Pick<ModelRegistry, 'languageModel'>;
      /** The agent runs reflection reads. */
      traces?: TraceReader;
      /**
       * Where candidates come from; induction by default. Whatever proposes them, the gate
       * replays every one over the labelled history before anyone sees it.
       */
      induce?: typeof induceRules;
      clock?: () => Date;
    },
  ) {
    this.drafts = new SkillDrafts(options.skills);
    const now = () => this.now();
    this.queue = new CandidateQueue({ ...options, drafts: this.drafts, now });
    this.reflector = new Reflector({
      ...options,
      store: options.reflections,
      queue: this.queue,
      now,
    });
  }

  /** The service as the plugin runs it, with `hermes.learning` read. */
  static async create(options: {
    config: Config;
    database: DatabaseService;
    logger: LoggerService;
    drift: LearningDrift;
    skills: LearningSkills;
    permissions: PermissionsService;
    /** Another source of candidates than induction (tests). */
    induce?: typeof induceRules;
    models?: Pick<ModelRegistry, 'languageModel'>;
    traces?: TraceReader;
    clock?: () => Date;
  }): Promise<DefaultLearningService> {
    const { config } = options;
    const minSupport =
      config.getOptionalNumber('hermes.learning.minSupport') ?? 5;
    if (!Number.isInteger(minSupport) || minSupport < 1) {
      throw new Error(
        `hermes.learning.minSupport must be a whole number of at least 1, got ${minSupport}`,
      );
    }
    const schedule = config.has('hermes.learning.schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          config.getConfig('hermes.learning.schedule'),
        )
      : DEFAULT_SCHEDULE;
    const reflectEvery =
      config.getOptionalNumber('hermes.learning.reflectEvery') ?? 15;
    if (
      !Number.isInteger(reflectEvery) ||
      reflectEvery < 1 ||
      reflectEvery > MAX_REFLECT_EVERY
    ) {
      throw new Error(
        `hermes.learning.reflectEvery must be a whole number from 1 to ${MAX_REFLECT_EVERY}, got ${reflectEvery}`,
      );
    }
    return new DefaultLearningService({
      ...options,
      store: await KnexCandidateStore.create(options),
      reflections: await KnexReflectionStore.create(options),
      minSupport,
      schedule,
      reflectEvery,
    });
  }

  async start(scheduler: SchedulerService): Promise<void> {
    const { logger, schedule } = this.options;
    await scheduler.scheduleTask({
      id: 'hermes-learning',
      scope: 'global',
      ...schedule,
      fn: async () => {
        const candidates = await this.run();
        const proposed = candidates.filter(c => c.status === 'proposed');
        const details = proposed
          .map(c => `${c.skill} (${c.rule.classify}, ${c.evidence.summary})`)
          .join('; ');
        logger.info(
          `Learning run: ${proposed.length} proposed as skill drafts${
            details ? `: ${details}` : ''
          }; ${
            candidates.length - proposed.length
          } rejected by the evaluation gate`,
        );
      },
    });
    await scheduler.scheduleTask({
      id: 'hermes-learning-reflection',
      scope: 'global',
      ...REFLECTION_CHECK,
      fn: async () => {
        await this.reflector.check();
      },
    });
  }

  reflect(): Promise<ReflectionRun> {
    return this.reflector.reflect('on-demand');
  }

  listReflections(options?: { limit?: number }): Promise<Reflection[]> {
    return this.reflector.list(options);
  }

  async run(): Promise<LearningCandidate[]> {
    const { drift, skills, minSupport } = this.options;
    const labelled = await drift.listLabelledFindings();
    if (labelled.length === 0) return [];
    const { rules: activeRules } = triageRulesFromSkills(
      await skills.listDocuments(),
    );
    const induce = this.options.induce ?? induceRules;
    const induced = induce(labelled, { minSupport, activeRules });
    const submitted = await this.queue.submit(induced, {
      labelled,
      activeRules,
      source: 'induction',
    });
    return submitted.flatMap(s => (s.candidate ? [s.candidate] : []));
  }

  async listCandidates(options: { status?: CandidateStatus } = {}) {
    const candidates = await this.options.store.list(options);
    // Drafts may have been decided in the Skills view; the list says so.
    const synced = await Promise.all(candidates.map(c => this.reconcile(c)));
    return options.status
      ? synced.filter(c => c.status === options.status)
      : synced;
  }

  async approve(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<LearningCandidate> {
    const by = await this.approver(credentials);
    const candidate = await this.proposed(id);
    const version = await this.drafts.approve(candidate, by);
    return this.decide(candidate, {
      status: 'approved',
      by,
      draftVersion: version,
    });
  }

  async reject(
    id: string,
    credentials: BackstageCredentials,
    reason?: string,
  ): Promise<LearningCandidate> {
    const by = await this.approver(credentials);
    const candidate = await this.proposed(id);
    await this.options.skills.reject(
      candidate.skill,
      candidate.draftVersion!,
      by,
      reason,
    );
    return this.decide(candidate, {
      status: 'rejected',
      by,
      rejection: reason,
    });
  }

  metrics(credentials: BackstageCredentials): Promise<LearningMetrics> {
    return readLearningMetrics(this.options, credentials);
  }

  private now() {
    return (this.options.clock ?? (() => new Date()))();
  }

  /** The user ref of a caller allowed to approve skills; a 403 naming the permission otherwise. */
  private async approver(credentials: BackstageCredentials): Promise<string> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: hermesSkillsApprovePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not approve or reject learned rules (permission ${hermesSkillsApprovePermission.name})`,
      );
    }
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    if (principal.type !== 'user' || !principal.userEntityRef) {
      throw new NotAllowedError(
        'Only a person can approve or reject learned rules',
      );
    }
    return principal.userEntityRef;
  }

  /** The candidate, still waiting for a decision: 404 if unknown, 409 if decided. */
  private async proposed(id: string): Promise<LearningCandidate> {
    const stored = await this.options.store.get(id);
    if (!stored) throw new NotFoundError(`No learning candidate ${id}`);
    const candidate = await this.reconcile(stored);
    if (candidate.status !== 'proposed') {
      throw new ConflictError(
        `Learning candidate ${id} is ${candidate.status}${
          candidate.decidedBy ? ` by ${candidate.decidedBy}` : ''
        }; only a proposed candidate can be approved or rejected`,
      );
    }
    if (candidate.draftVersion === undefined) {
      throw new ConflictError(
        `Learning candidate ${id} has no skill draft yet; it is being written, try again shortly`,
      );
    }
    return candidate;
  }

  /** A proposed candidate whose draft was decided in the Skills view takes that decision. */
  private async reconcile(
    candidate: LearningCandidate,
  ): Promise<LearningCandidate> {
    if (candidate.status !== 'proposed' || candidate.draftVersion === undefined)
      return candidate;
    const review = await this.drafts.review(candidate);
    if (!review) return candidate;
    return this.decide(candidate, review);
  }

  private async decide(
    candidate: LearningCandidate,
    decision: {
      status: 'approved' | 'rejected';
      by?: string;
      rejection?: string;
      draftVersion?: number;
    },
  ): Promise<LearningCandidate> {
    const { store } = this.options;
    if (
      decision.draftVersion !== undefined &&
      decision.draftVersion !== candidate.draftVersion
    )
      await store.setDraftVersion(candidate.id, decision.draftVersion);
    await store.decide(candidate.id, {
      status: decision.status,
      by: decision.by,
      at: this.now(),
      rejection: decision.rejection,
    });
    // Read back: if another caller decided first, theirs is the decision shown.
    return (await store.get(candidate.id))!;
  }
}
