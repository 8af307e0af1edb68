import type { TriageSuggestion } from '../learning/types';

/** What kind of difference between Git and the cluster a finding is. */
export type DriftType = 'modified' | 'missing' | 'extra';

/** How triage judged a finding. */
export type Classification = 'harmless' | 'critical' | 'unknown';

/** Who typically writes with a field manager. */
export type ManagerClass = 'human' | 'gitops' | 'controller';

/** Who last wrote a field, from `metadata.managedFields` (and audit events, when known). */
export interface Attribution {
  manager: string;
  operation: string;
  subresource?: string;
  /** RFC 3339 time of the manager's last write. */
  time?: string;
  class: ManagerClass;
  /** The user behind the write, from Kubernetes audit events. */
  user?: string;
}

/** One field that differs. Secret values never appear: only that they differ. */
export interface FieldChange {
  /** JSON pointer into the live object, e.g. `/spec/replicas`. */
  path: string;
  desired?: unknown;
  live?: unknown;
  /** True for Secret data: values are withheld, only the key is named. */
  redacted?: boolean;
  attribution?: Attribution;
}

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface DriftFinding {
  /** Stable identity of this drift (cluster, object, type, paths), for history. */
  fingerprint: string;
  cluster: string;
  resource: ResourceRef;
  /** Labels of the live object (or the desired one when it is missing). */
  labels: Record<string, string>;
  type: DriftType;
  changes: FieldChange[];
  classification: Classification;
  /** Why triage decided so, and the skill whose rule decided. */
  reason?: string;
  skill?: string;
  /** What to do about it, from the deciding rule. */
  recommend?: string;
  /** The most recent writer among the changes. */
  attribution?: Attribution;
}

/** How a person resolved a finding. */
export type Resolution = 'harmless' | 'reverted' | 'committed' | 'critical';
export const RESOLUTIONS: Resolution[] = [
  'harmless',
  'reverted',
  'committed',
  'critical',
];

/** One run of a drift audit, as the API returns it. */
export interface DriftAuditRecord {
  id: string;
  cluster: string;
  status: 'running' | 'succeeded' | 'failed';
  trigger: 'schedule' | 'manual' | 'startup';
  desiredSource: string;
  liveSource: string;
  startedAt: string;
  finishedAt?: string;
  report?: string;
  /** A model's short summary of the report, when a model is configured for audits. */
  narrative?: string;
  summary?: Record<Classification, number>;
  warnings: string[];
  error?: string;
  /**
   * What went to the audit model to suggest classifications of unknown findings: calls,
   * findings sent, tokens (input + output). Absent when no audit model was configured.
   */
  triageModel?: { calls: number; findings: number; tokens: number };
}

/**
 * Similar drift within the history window: distinct drifts (fingerprints) in the same cluster,
 * on the same kind, of the same type, written by the same class of manager — this one included.
 */
export interface SimilarDrift {
  /** Distinct drifts, this one included: each counts once however many audits saw it. */
  count: number;
  /** How the others (not this one) were last resolved. */
  resolutions: Record<Resolution, number>;
  /** Others nobody resolved yet. */
  unresolved: number;
  /** "3rd manual ClusterPolicy edit in 14 days; previous 2 resolved by reverting" */
  description: string;
}

/** A stored finding with its history: how often the same drift was seen, how it was resolved. */
export interface DriftFindingRecord extends DriftFinding {
  id: string;
  auditId: string;
  foundAt: string;
  /** The audit model's suggestion for a finding no rule classified; never a classification. */
  suggestion?: TriageSuggestion;
  history: {
    /** Findings on the same object of the same type within the window, this one included. */
    seen: number;
    windowDays: number;
    lastResolution?: {
      resolution: Resolution;
      userRef: string;
      note?: string;
      at: string;
    };
    /** Every resolution of the same drift (same fingerprint), oldest first. */
    labels: Array<{
      resolution: Resolution;
      userRef: string;
      note?: string;
      at: string;
    }>;
    /** Similar drift (other fingerprints) within the window; absent when there is none. */
    similar?: SimilarDrift;
  };
}
