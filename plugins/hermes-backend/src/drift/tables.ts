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
