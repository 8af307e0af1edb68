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
