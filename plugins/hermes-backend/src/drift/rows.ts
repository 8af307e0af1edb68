import {
  DriftAuditRecord,
  DriftFindingRecord,
  ResolutionEvent,
  TriageSuggestion,
} from '@hermes-backstage/plugin-hermes-common';
import { toIso } from '../database/dates';
import { AuditRow, FindingRow, ResolutionRow } from './tables';

export function parse<T>(text: string | null | undefined, fallback: T): T {
  return text ? (JSON.parse(text) as T) : fallback;
}

export function auditFromRow(row: AuditRow): DriftAuditRecord {
  return {
    id: row.id,
    ...(row.name ? { name: row.name } : {}),
    cluster: row.cluster,
    status: row.status,
    trigger: row.trigger,
    desiredSource: row.desired_source,
    liveSource: row.live_source,
    startedAt: toIso(row.started_at),
    ...(row.finished_at ? { finishedAt: toIso(row.finished_at) } : {}),
    ...(row.report ? { report: row.report } : {}),
    ...(row.narrative ? { narrative: row.narrative } : {}),
    ...(row.summary ? { summary: parse(row.summary, undefined) } : {}),
    warnings: parse(row.warnings, []),
    ...(row.error ? { error: row.error } : {}),
    // Null when no audit model was configured: nothing went to a model.
    ...(row.suggestion_calls !== null && row.suggestion_calls !== undefined
      ? {
          triageModel: {
            calls: Number(row.suggestion_calls),
            findings: Number(row.suggestion_findings ?? 0),
            tokens: Number(row.suggestion_tokens ?? 0),
          },
        }
      : {}),
  };
}

export function findingFromRow(
  row: FindingRow,
): Omit<DriftFindingRecord, 'history'> {
  return {
    id: String(row.id),
    auditId: row.audit_id,
    fingerprint: row.fingerprint,
    cluster: row.cluster,
    resource: {
      apiVersion: row.api_version,
      kind: row.kind,
      ...(row.namespace ? { namespace: row.namespace } : {}),
      name: row.name,
    },
    labels: parse(row.labels, {}),
    type: row.type,
    classification: row.classification,
    ...(row.skill ? { skill: row.skill } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.recommend ? { recommend: row.recommend } : {}),
    changes: parse(row.changes, []),
    ...(row.attribution
      ? { attribution: parse(row.attribution, undefined) }
      : {}),
    foundAt: toIso(row.found_at),
    ...(row.suggestion_classification
      ? { suggestion: suggestionFromRow(row) }
      : {}),
  };
}

/** The audit model's suggestion stored beside a finding (check it has one first). */
export function suggestionFromRow(row: FindingRow): TriageSuggestion {
  return {
    classification: row.suggestion_classification!,
    reason: row.suggestion_reason ?? '',
    confidence: Number(row.suggestion_confidence ?? 0),
    model: row.suggestion_model ?? '',
  };
}

export type Label = DriftFindingRecord['history']['labels'][number];

/** A resolution event as the API shows it (`note` is its comment). */
export function eventFromRow(row: ResolutionRow): ResolutionEvent {
  return {
    id: String(row.id),
    findingId: String(row.finding_id),
    resolution: row.resolution,
    userRef: row.user_ref,
    at: toIso(row.created_at),
    ...(row.note ? { comment: row.note } : {}),
    ...(row.ticket ? { ticket: row.ticket } : {}),
    ...(row.silence_until ? { silenceUntil: toIso(row.silence_until) } : {}),
    ...(row.undone_at ? { undoneAt: toIso(row.undone_at) } : {}),
    ...(row.undone_by ? { undoneBy: row.undone_by } : {}),
  };
}

export function labelFromRow(row: ResolutionRow): Label {
  return {
    resolution: row.resolution,
    userRef: row.user_ref,
    ...(row.note ? { note: row.note } : {}),
    at: toIso(row.created_at),
  };
}
