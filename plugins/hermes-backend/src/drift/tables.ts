import { DbTime } from '../database/dates';

// Rows of the drift tables as the database returns them (migrations/20261130000000_drift.js).
// JSON columns are text: PostgreSQL and SQLite store them alike.

/** hermes_drift_audits */
export type AuditRow = {
  id: string;
  cluster: string;
  status: 'running' | 'succeeded' | 'failed';
  trigger: 'schedule' | 'manual' | 'startup';
  desired_source: string;
  live_source: string;
  started_at: DbTime;
  finished_at: DbTime | null;
  report: string | null;
  narrative: string | null;
  summary: string | null;
  warnings: string | null;
  error: string | null;
  /** Model triage of unknown findings (migrations/20261130000007_suggestions.js). */
  suggestion_calls: number | null;
  suggestion_findings: number | null;
  suggestion_tokens: number | null;
  /** The hermes.audits entry (migrations/20261130000010_lifecycle.js); null before it. */
  name?: string | null;
};

/** hermes_drift_findings; `id` is a bigint, which PostgreSQL returns as a string. */
export type FindingRow = {
  id: number | string;
  audit_id: string;
  fingerprint: string;
  cluster: string;
  api_version: string;
  kind: string;
  namespace: string | null;
  name: string;
  labels: string | null;
  type: 'modified' | 'missing' | 'extra';
  classification: 'harmless' | 'critical' | 'unknown';
  skill: string | null;
  reason: string | null;
  recommend: string | null;
  changes: string;
  attribution: string | null;
  found_at: DbTime;
  /** The audit model's suggestion, beside (never instead of) the classification. */
  suggestion_classification: 'harmless' | 'critical' | 'unknown' | null;
  suggestion_reason: string | null;
  /** float: PostgreSQL's real comes back as a number. */
  suggestion_confidence: number | string | null;
  suggestion_model: string | null;
  /** JSON: `{ git?, argocd? }` web links of the desired source. */
  links?: string | null;
  /**
   * A row is a version (migrations/20261130000011_finding_versions.js): `audit_id` and
   * `found_at` are the first run that saw this content, these the last; `scope` the audit
   * (name, or cluster) whose runs saw it.
   */
  last_audit_id?: string | null;
  last_seen_at?: DbTime | null;
  scope?: string | null;
};

/** hermes_drift_resolutions */
export type ResolutionRow = {
  id: number | string;
  finding_id: number | string;
  fingerprint: string;
  resolution: 'harmless' | 'reverted' | 'committed' | 'critical';
  note: string | null;
  user_ref: string;
  created_at: DbTime;
  ticket?: string | null;
  silence_until?: DbTime | null;
  episode_id?: number | string | null;
  undone_at?: DbTime | null;
  undone_by?: string | null;
};

/** hermes_drift_episodes: one stretch of a drift, first seen → gone. */
export type EpisodeRow = {
  id: number | string;
  fingerprint: string;
  started_at: DbTime;
  last_seen_at: DbTime;
  ended_at: DbTime | null;
  first_audit_id: string;
  last_audit_id: string;
  verification: 'confirmed' | 'contradicted' | null;
};

/** hermes_drift_drifts: each drift (fingerprint) once, with its lifecycle. */
export type DriftRow = {
  fingerprint: string;
  scope: string;
  cluster: string;
  kind: string;
  namespace: string | null;
  name: string;
  type: 'modified' | 'missing' | 'extra';
  state: 'open' | 'resolved' | 'silenced';
  silence_until: DbTime | null;
  verification: 'confirmed' | 'contradicted' | null;
  state_reason: string | null;
  reopened_at: DbTime | null;
  first_seen: DbTime;
  last_seen: DbTime;
  episodes: number | string;
  current_episode_id: number | string | null;
  last_episode_id: number | string;
  last_finding_id: number | string;
};

/** hermes_kubernetes_audit_events */
export type AuditEventRow = {
  id: number | string;
  cluster: string;
  event_time: DbTime;
  verb: string;
  username: string;
  api_group: string;
  resource: string | null;
  namespace: string | null;
  name: string;
  subresource: string | null;
  field_manager: string | null;
};
