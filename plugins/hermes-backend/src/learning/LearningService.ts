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
  evaluateCandidate,
  hermesSkillsApprovePermission,
  induceRules,
  LearningCandidate,
  SkillLearningMetrics,
  triageRulesFromSkills,
} from '@hermes-backstage/plugin-hermes-common';
import { randomUUID } from 'node:crypto';
import { DriftService } from '../drift/DriftService';
import { SkillsService } from '../skills/SkillsService';
import { CandidateStore, KnexCandidateStore, ruleHash } from './CandidateStore';
import { skillMetrics } from './metrics';
import { SkillDrafts } from './SkillDrafts';

/** What the learning loop reads from drift audits. */
export type LearningDrift = Pick<
  DriftService,
  'listLabelledFindings' | 'triageMetrics' | 'listFindings'
>;

/** The skills library as the learning loop uses it. */
export type LearningSkills = Pick<
  SkillsService,
  'listDocuments' | 'getSkill' | 'getVersion' | 'draft' | 'approve' | 'reject'
>;

export interface LearningMetrics {
  /** The last 60 audits, oldest first. */
  audits: AuditLearningMetrics[];
  skills: SkillLearningMetrics[];
}

/** The learning loop: proposes triage rules from people's labels, for people to approve. */
export interface LearningService {
  /** Induces rules from the labelled findings now; the candidates this run stored. */
  run(): Promise<LearningCandidate[]>;
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
  /** Schedules `run` on Backstage's scheduler, once per due time across replicas. */
  start(scheduler: SchedulerService): Promise<void>;
}

/** Audits the metrics cover. */
const METRIC_AUDITS = 60;
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 6 },
  timeout: { minutes: 10 },
  initialDelay: { minutes: 1 },
};

export class DefaultLearningService implements LearningService {
  private readonly drafts: SkillDrafts;

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
      /**
       * Where candidates come from; induction by default. Whatever proposes them, the gate
       * replays every one over the labelled history before anyone sees it.
       */
      induce?: typeof induceRules;
      clock?: () => Date;
    },
  ) {
    this.drafts = new SkillDrafts(options.skills);
  }

  /** The service as the plugin runs it, with `hermes.learning` read. */
  static async create(options: {
    config: Config;
    database: DatabaseService;
    logger: LoggerService;
    drift: LearningDrift;
    skills: LearningSkills;
    permissions: PermissionsService;
    /** Another source of candidates than induction (tests; reflection later). */
    induce?: typeof induceRules;
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
    return new DefaultLearningService({
      ...options,
      store: await KnexCandidateStore.create(options),
      minSupport,
      schedule,
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
  }

  async run(): Promise<LearningCandidate[]> {
    const { drift, skills, store, logger, minSupport } = this.options;
    const labelled = await drift.listLabelledFindings();
    if (labelled.length === 0) return [];
    const { rules: activeRules } = triageRulesFromSkills(
      await skills.listDocuments(),
    );
    const induce = this.options.induce ?? induceRules;
    const induced = induce(labelled, { minSupport, activeRules });
    const known = await store.knownHashes(induced.map(i => ruleHash(i.rule)));

    const stored: LearningCandidate[] = [];
    for (const { rule, skill } of induced) {
      const hash = ruleHash(rule);
      if (known.has(hash)) continue;
      known.add(hash);
      let gate: ReturnType<typeof evaluateCandidate>;
      try {
        gate = evaluateCandidate(rule, labelled, activeRules, minSupport);
      } catch (error) {
        // A malformed rule (from a proposer other than induction) is nobody's to review.
        logger.warn(
          `Skipped a proposed rule for skill "${skill}": ${
            (error as Error).message
          }`,
        );
        continue;
      }
      const accepted = gate.verdict === 'accept';
      const candidate: LearningCandidate = {
        id: randomUUID(),
        skill: accepted ? await this.drafts.target(skill) : skill,
        rule,
        source: 'induction',
        status: accepted ? 'proposed' : 'rejected',
        ...(accepted
          ? {}
          : { rejection: gate.rejection ?? 'rejected by the evaluation gate' }),
        evidence: gate.evidence,
        createdAt: this.now().toISOString(),
      };
      // The row goes in first: of two runs proposing the same rule, only one drafts it.
      const inserted = await store.insert({
        ...candidate,
        status: candidate.status as 'proposed' | 'rejected',
        createdAt: new Date(candidate.createdAt),
      });
      if (!inserted) continue;
      if (accepted) {
        try {
          const draft = await this.drafts.queue(candidate);
          await store.setDraftVersion(candidate.id, draft.version);
          candidate.draftVersion = draft.version;
        } catch (error) {
          // Without its draft nobody could approve it; a later run proposes it again.
          await store.delete(candidate.id);
          logger.warn(
            `Could not queue the learned rule for skill "${
              candidate.skill
            }" as a draft: ${(error as Error).message}`,
          );
          continue;
        }
      }
      stored.push(candidate);
    }
    return stored;
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

  async metrics(credentials: BackstageCredentials): Promise<LearningMetrics> {
    const { drift, skills } = this.options;
    const audits = await drift.triageMetrics({ limit: METRIC_AUDITS });
    const findingsByAudit = [];
    for (const audit of audits) {
      findingsByAudit.push({
        auditId: audit.auditId,
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
