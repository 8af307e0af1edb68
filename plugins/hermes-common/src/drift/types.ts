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

/** Where a drift stands: open, resolved by a person (or gone), or silenced until a time. */
export type DriftState = 'open' | 'resolved' | 'silenced';
export const DRIFT_STATES: DriftState[] = ['open', 'resolved', 'silenced'];

/**
 * Which findings `GET /api/hermes/drift/findings` lists: each drift once as its latest audit
 * found it, or one audit's findings. Absent filters mean any. @public
 */
export interface DriftFindingFilters {
  auditId?: string;
  cluster?: string;
  namespace?: string;
  entityRef?: string;
  /**
   * Only drift of workloads whose catalog entity this owner owns (`spec.owner`): an entity
   * ref such as `group:default/ml-platform`, or a bare name for a group in `default`.
   */
  owner?: string;
  classification?: Classification;
  /** Default `open` (silences that expired included); with `auditId`, default `all`. */
  state?: DriftState | 'all';
}

/**
 * What the audit after a resolution found: `confirmed`, the drift marked reverted or committed
 * was gone; `contradicted`, it was still drifting (and the drift reopened).
 */
export type Verification = 'confirmed' | 'contradicted';

/** One resolution (or silence) a person recorded on a drift; undone events are kept, marked. */
export interface ResolutionEvent {
  id: string;
  /** The finding it was recorded on (any finding of the drift). */
  findingId: string;
  resolution: Resolution;
  userRef: string;
  at: string;
  comment?: string;
  /** URL of a ticket about it. */
  ticket?: string;
  /** For a silence: hidden from open drift until this time. */
  silenceUntil?: string;
  undoneAt?: string;
  undoneBy?: string;
}

/** Portal and source links of a finding. */
export interface FindingLinks {
  /** The desired manifest's file at the audited revision, when desired state came from a Git tree URL. */
  git?: string;
  /**
   * The desired manifest's path inside the desired source: from the root of a local
   * checkout (which has no web link), or inside the folder of a Git tree URL.
   */
  file?: string;
  /** The resource in Argo CD's UI, when desired state came from an Argo CD application. */
  argocd?: string;
  /** The audit run in the portal, e.g. `/hermes?tab=drift&audit=<id>`. */
  report: string;
  /** The skill whose rule classified it, e.g. `/hermes?tab=skills&skill=<name>`. */
  skill?: string;
}

/** An earlier, finished episode of a drift (first seen → gone) and how it ended. */
export interface DriftEpisode {
  startedAt: string;
  /** When an audit saw it gone. */
  endedAt: string;
  /** The person's last (not undone) resolution during it, if any. */
  resolution?: Resolution;
  resolvedBy?: string;
  verification?: Verification;
}

/** One run of a drift audit, as the API returns it. */
export interface DriftAuditRecord {
  id: string;
  /** The `hermes.audits` entry that ran; absent for audits stored before names were kept. */
  name?: string;
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
  /**
   * Lifecycle of the drift (all findings with this fingerprint); absent on findings stored
   * before lifecycles existed.
   */
  state?: DriftState;
  /** For `silenced`: until when. After it the drift counts as open again. */
  silenceUntil?: string;
  verification?: Verification;
  /** Why the state is what it is, e.g. "marked reverted by user:default/ada 2 h ago, still drifting". */
  stateReason?: string;
  /** The resolution event behind the current state (absent when open and never resolved). */
  resolution?: ResolutionEvent;
  /** Every resolution event of the drift, oldest first, undone ones included (marked). */
  events?: ResolutionEvent[];
  links?: FindingLinks;
  history: {
    /**
     * Distinct episodes of this drift (first seen → gone) within the window, the current one
     * included: an audit re-run while it drifts does not count again.
     */
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
    /** First and last time an audit saw this drift, and its episodes ever. */
    firstSeen?: string;
    lastSeen?: string;
    episodes?: number;
    /** Finished episodes, oldest first, with how each was resolved. */
    previousEpisodes?: DriftEpisode[];
    /** Set when this audit found drift a person had marked reverted or committed. */
    reopened?: string;
  };
}

/** One page of findings and how many matched in all. */
export interface DriftFindingPage {
  findings: DriftFindingRecord[];
  total: number;
  limit: number;
  offset: number;
}
