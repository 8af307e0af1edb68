import type { TriageRule } from '../drift/triage';
import type { Classification, DriftFinding, Resolution } from '../drift/types';

/**
 * A finding people labelled: the ground truth of the learning loop. `label` is the latest
 * resolution; `labels` the whole history, oldest first.
 */
export interface LabelledFinding {
  /** The stored finding's id. */
  id: string;
  auditId: string;
  foundAt: string;
  finding: DriftFinding;
  label: Resolution;
  labels: Array<{ resolution: Resolution; userRef: string; at: string }>;
}

/**
 * What a label says about the drift: harmless (no action was needed) or critical (it had to
 * be undone, or was called critical). `committed` drift was intended but Git had to follow,
 * so it is neither: it never supports a rule, and it counts against a harmless one.
 */
export type LabelClass = 'harmless' | 'critical' | 'action-needed';

/** A triage rule as it is written in `metadata.hermes.triage`, without its skill. */
export type TriageRuleInput = Omit<TriageRule, 'skill'>;

/** What replaying a candidate over the labelled history showed. */
export interface CandidateEvidence {
  /** Labelled findings the rule matches whose label agrees with it. */
  support: number;
  /** Labelled findings the rule matches. */
  matched: number;
  /** support / matched (1 when nothing matched). */
  agreement: number;
  /** Matched findings whose label disagrees, with that label. */
  counterExamples: Array<{
    id: string;
    fingerprint: string;
    label: Resolution;
  }>;
  /** Labelled-critical findings it would call harmless: any rejects the candidate. */
  criticalCalledHarmless: number;
  /** Matched findings that no active rule classified (what the rule adds). */
  newlyCovered: number;
  /** Distinct audits among the matched findings. */
  audits: number;
  /** e.g. "12 of 12 labelled harmless" */
  summary: string;
}

export type CandidateStatus = 'proposed' | 'rejected' | 'approved';

/** A rule Hermes proposes, with the evidence, waiting for a person (or rejected by the gate). */
export interface LearningCandidate {
  id: string;
  /** The skill the rule is proposed in (a new skill, or a patch of an existing one). */
  skill: string;
  rule: TriageRuleInput;
  source: 'induction' | 'reflection';
  status: CandidateStatus;
  /** Why the gate or a person rejected it. */
  rejection?: string;
  evidence: CandidateEvidence;
  /** The skill draft version that carries it, when it was queued as a draft. */
  draftVersion?: number;
  createdAt: string;
  decidedBy?: string;
  decidedAt?: string;
}

/** How one audit run's findings were classified, and what went to the model. */
export interface AuditLearningMetrics {
  auditId: string;
  cluster: string;
  startedAt: string;
  findings: number;
  byRule: number;
  bySuggestion: number;
  unknown: number;
  modelCalls: number;
  modelTokens: number;
}

/** A skill's effect: what its rules classified and how that agreed with people. */
export interface SkillLearningMetrics {
  name: string;
  /** Findings its rules classified. */
  classified: number;
  /** In how many audits. */
  audits: number;
  /** Agreement with labels given later (undefined while none were). */
  agreement?: number;
  /** Findings it classified that would otherwise have gone to the model. */
  modelCallsSaved: number;
  /** When the latest audit in which it classified a finding started. */
  lastClassifiedAt?: string;
}

/** A model's suggested classification of a finding no rule classified. Never a verdict. */
export interface TriageSuggestion {
  classification: Classification;
  reason: string;
  /** 0..1, as the model stated it. */
  confidence: number;
  model: string;
}

export type { Classification };

/** One thing a reflection proposed, and what became of it. */
export interface ReflectionProposal {
  /** A new skill, a patch of an existing one, or a triage rule (which goes through the gate). */
  kind: 'skill' | 'patch' | 'triage-rule';
  skill: string;
  /** The model's reason. */
  reason: string;
  /**
   * `drafted`: a skill draft waits for a person; `proposed`/`rejected`: a triage rule the
   * gate accepted (and drafted) or rejected; `skipped`: not stored, `detail` says why.
   */
  outcome: 'drafted' | 'proposed' | 'rejected' | 'skipped';
  draftVersion?: number;
  candidateId?: string;
  detail?: string;
}

/** One run of the reflection job: what it read, what the model cost, what it proposed. */
export interface Reflection {
  id: string;
  trigger: 'scheduled' | 'on-demand';
  status: 'running' | 'completed' | 'failed';
  startedAt: string;
  finishedAt?: string;
  /** What it read was recorded after this: the previous reflection's start. */
  since?: string;
  /** Audits and agent runs recorded since the previous reflection, when the schedule counted. */
  tasksCounted?: number;
  tracesRead: number;
  findingsRead: number;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  proposals: ReflectionProposal[];
  warnings: string[];
  error?: string;
}

/** What a requested reflection did, or why none ran (e.g. no reflection model). */
export type ReflectionReport =
  | { status: 'skipped'; reason: string }
  | Reflection;

/** What "learn now" did: the candidates induction and reflection stored, and the reflection. */
export interface LearningRun {
  candidates: LearningCandidate[];
  reflection: ReflectionReport;
}
