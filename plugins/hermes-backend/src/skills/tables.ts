import type {
  SkillOutcome,
  SkillSource,
  SkillStatus,
  SkillSummary,
  SkillVersion,
  SkillVersionStatus,
  SkillVersionSummary,
} from '@hermes-backstage/plugin-hermes-common';
import { DbTime, toIso } from '../database/dates';
import { SkillContent } from './content';

// Rows of the skills tables as the database returns them (migrations/20261130000002_skills.js),
// and how they convert to and from the API's types.

/** hermes_skills: one per skill, holding its active version or, if none, its latest draft. */
export type SkillRow = {
  id: number;
  name: string;
  description: string;
  source: SkillSource;
  status: SkillStatus;
  /** The active version; null while the skill is only drafts. */
  version: number | null;
  location: string | null;
  content_hash: string;
  document: string;
  /** JSON list of `metadata.hermes.tags`. */
  tags: string;
  /** The Markdown body, searched. */
  body: string;
  /** JSON `{ entityKinds, annotations }`; null: applies to any entity. */
  applies_to: string | null;
  updated_at: DbTime;
};

/** hermes_skill_versions: every version of every skill. */
export type SkillVersionRow = {
  id: number;
  name: string;
  version: number;
  document: string;
  content_hash: string;
  description: string;
  author: string;
  status: SkillVersionStatus;
  /** Drafts: the version that was active when the draft was written. */
  base_version: number | null;
  message: string | null;
  trace_id: string | null;
  reviewed_by: string | null;
  reviewed_at: DbTime | null;
  review_note: string | null;
  created_at: DbTime;
};

/** hermes_skill_files: reference files of skills that are not read from a directory. */
export type SkillFileRow = {
  id: number;
  name: string;
  path: string;
  content: string;
};

/** hermes_skill_usage: one per agent run that loaded a skill. */
export type SkillUsageRow = {
  /** bigint: a string on PostgreSQL. */
  id: number | string;
  name: string;
  version: number;
  trace_id: string | null;
  loaded_at: DbTime;
  /** Null while the run is going. */
  outcome: SkillOutcome | null;
};

/** The hermes_skills columns of a SkillSummary; the query counts `pending_drafts`. */
export const SUMMARY_COLUMNS = [
  'name',
  'description',
  'source',
  'status',
  'version',
  'location',
  'content_hash',
  'updated_at',
] as const;

export type SummaryRow = Pick<SkillRow, (typeof SUMMARY_COLUMNS)[number]> & {
  pending_drafts: number | string;
};

/** The hermes_skill_versions columns of a SkillVersionSummary: all but the document. */
export const VERSION_SUMMARY_COLUMNS = [
  'name',
  'version',
  'status',
  'author',
  'description',
  'content_hash',
  'message',
  'trace_id',
  'base_version',
  'reviewed_by',
  'reviewed_at',
  'review_note',
  'created_at',
] as const;

export type VersionSummaryRow = Pick<
  SkillVersionRow,
  (typeof VERSION_SUMMARY_COLUMNS)[number]
>;

export function toSummary(row: SummaryRow): SkillSummary {
  return {
    name: row.name,
    description: row.description,
    source: row.source,
    status: row.status,
    version: row.version ?? undefined,
    location: row.location ?? undefined,
    contentHash: row.content_hash,
    updatedAt: toIso(row.updated_at),
    pendingDrafts: Number(row.pending_drafts),
  };
}

export function toVersionSummary(row: VersionSummaryRow): SkillVersionSummary {
  return {
    name: row.name,
    version: row.version,
    status: row.status,
    author: row.author,
    description: row.description,
    contentHash: row.content_hash,
    message: row.message ?? undefined,
    traceId: row.trace_id ?? undefined,
    baseVersion: row.base_version ?? undefined,
    reviewedBy: row.reviewed_by ?? undefined,
    reviewedAt: toIso(row.reviewed_at),
    reviewNote: row.review_note ?? undefined,
    createdAt: toIso(row.created_at),
  };
}

export function toVersion(
  row: VersionSummaryRow & Pick<SkillVersionRow, 'document'>,
): SkillVersion {
  return { ...toVersionSummary(row), document: row.document };
}

/** The hermes_skills columns that come from the document; search and the index read them. */
export function headFields(content: SkillContent) {
  const appliesTo =
    content.appliesTo &&
    (content.appliesTo.entityKinds.length ||
      content.appliesTo.annotations.length)
      ? JSON.stringify(content.appliesTo)
      : null;
  return {
    description: content.description,
    content_hash: content.contentHash,
    document: content.document,
    tags: JSON.stringify(content.tags ?? []),
    body: content.body ?? content.document,
    applies_to: appliesTo,
  };
}
