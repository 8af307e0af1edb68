import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  SkillFile,
  SkillOutcome,
  SkillSource,
  SkillStatus,
  SkillSummary,
  SkillUsageSummary,
  SkillVersion,
  SkillVersionStatus,
  SkillVersionSummary,
} from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';

export type { SkillSource, SkillSummary };

/** Catalog entities a skill is meant for, from `metadata.hermes`. */
export interface SkillApplicability {
  entityKinds: string[];
  annotations: string[];
}

/** A SKILL.md document with the fields derived from it for search and the skill index. */
export interface SkillContent {
  name: string;
  description: string;
  document: string;
  contentHash: string;
  /** `metadata.hermes.tags`; none when absent. */
  tags?: string[];
  /** The Markdown body; the whole document when absent. */
  body?: string;
  /** Absent: applies to any entity. */
  appliesTo?: SkillApplicability;
}

/** A skill read from a SKILL.md file in a skills directory. */
export interface DirectorySkill extends SkillContent {
  location: string;
}

export interface SyncResult {
  added: string[];
  updated: string[];
  removed: string[];
  /** Directory skills not stored because a user or agent skill already has the name. */
  conflicts: Array<{ name: string; location: string; source: SkillSource }>;
}

/** The stored head of a skill: its active version, or its latest draft. */
export interface StoredSkill extends SkillSummary {
  document: string;
}

export interface NewSkillVersion {
  content: SkillContent;
  /** A user entity ref, `agent` or `directory`. */
  author: string;
  /** An active version replaces the current one; a draft waits for approval. */
  status: 'active' | 'draft';
  /** Recorded when this version creates the skill. */
  source: SkillSource;
  message?: string;
  traceId?: string;
  /** Replaces the skill's stored reference files in the same transaction. */
  files?: SkillFile[];
}

/** Persistence of the skills library. */
export interface SkillStore {
  /**
   * Makes the stored directory skills equal to `skills`: adds new ones, adds a version to
   * changed ones (by content hash) and removes those no longer on disk. Skills from other
   * sources are never touched.
   */
  syncDirectorySkills(skills: DirectorySkill[]): Promise<SyncResult>;
  /** Active skills, and with `includeDrafts` those that are only drafts too. */
  listSkills(options?: { includeDrafts?: boolean }): Promise<SkillSummary[]>;
  /** The full SKILL.md text of every active skill. */
  listDocuments(): Promise<Array<{ name: string; document: string }>>;
  getSkill(name: string): Promise<StoredSkill | undefined>;
  addVersion(version: NewSkillVersion): Promise<SkillVersion>;
  listVersions(name: string): Promise<SkillVersionSummary[]>;
  getVersion(name: string, version: number): Promise<SkillVersion | undefined>;
  /**
   * Makes a draft the active version. Refused when another version became active since the
   * draft was written: approving it would silently undo that version.
   */
  approveDraft(
    name: string,
    version: number,
    by: string,
    content: SkillContent,
  ): Promise<SkillVersion>;
  rejectDraft(
    name: string,
    version: number,
    by: string,
    reason?: string,
  ): Promise<SkillVersion>;
  /** Removes the skill with its versions and files; usage records stay. */
  deleteSkill(name: string): Promise<void>;
  listFiles(name: string): Promise<string[]>;
  listFileContents(name: string): Promise<SkillFile[]>;
  getFile(name: string, path: string): Promise<string | undefined>;
  /** Active skills matching any word of `query`, most relevant first. */
  search(
    query: string,
    limit: number,
  ): Promise<Array<SkillSearchRow & { score: number }>>;
  /** Relevance of active skills to any word of `text` (higher is better), best first. */
  rank(
    text: string,
    limit: number,
  ): Promise<Array<{ name: string; score: number }>>;
  /** Tags and applicability of every active skill, for the skill index. */
  listIndexFields(): Promise<
    Array<{ name: string; tags: string[]; appliesTo?: SkillApplicability }>
  >;
  getDescriptions(names: string[]): Promise<Map<string, string>>;
  /** Counts a skill once per agent run, however often the run opens it. */
  recordUsage(name: string, version: number, traceId?: string): Promise<void>;
  recordOutcome(traceId: string, outcome: SkillOutcome): Promise<void>;
  usage(name: string): Promise<SkillUsageSummary>;
}

export interface SkillSearchRow {
  name: string;
  description: string;
  tags: string[];
  snippet: string;
}

type SkillRow = {
  id: number;
  name: string;
  description: string;
  source: SkillSource;
  status: SkillStatus;
  version: number | null;
  location: string | null;
  content_hash: string;
  document: string;
  tags: string;
  body: string;
  applies_to: string | null;
  updated_at: string | Date | number;
  pending_drafts?: number | string;
};

type VersionRow = {
  name: string;
  version: number;
  document: string;
  content_hash: string;
  description: string;
  author: string;
  status: SkillVersionStatus;
  base_version: number | null;
  message: string | null;
  trace_id: string | null;
  reviewed_by: string | null;
  reviewed_at: string | Date | number | null;
  review_note: string | null;
  created_at: string | Date | number;
};

const SUMMARY_COLUMNS = [
  'name',
  'description',
  'source',
  'status',
  'version',
  'location',
  'content_hash',
  'updated_at',
];

const VERSION_SUMMARY_COLUMNS = [
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
];

// Words too common to tell skills apart; without this list every skill would match a task
// written in English on SQLite (PostgreSQL's english configuration drops them itself).
const STOP_WORDS = new Set(
  `a an and are as at be been but by can could did do does for from had has have how i if in
  into is it its me my no not of on or our please so than that the their them then there these
  they this to too was we were what when where which who why will with would you your`.split(
    /\s+/,
  ),
);

/**
 * The words of free text, safe to put in a full-text query: letters and digits only, so
 * quotes, `*`, `:`, parentheses or operators in the text cannot change the query.
 */
export function searchTerms(text: string, max = 32): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = new Set<string>();
  for (const word of words) {
    if (word.length < 2 || word.length > 64 || STOP_WORDS.has(word)) continue;
    terms.add(word);
    if (terms.size === max) break;
  }
  return [...terms];
}

const iso = (value: string | Date | number) => new Date(value).toISOString();

function toSummary(row: SkillRow): SkillSummary {
  return {
    name: row.name,
    description: row.description,
    source: row.source,
    status: row.status,
    version: row.version ?? undefined,
    location: row.location ?? undefined,
    contentHash: row.content_hash,
    updatedAt: iso(row.updated_at),
    pendingDrafts: Number(row.pending_drafts ?? 0),
  };
}

function toVersionSummary(row: VersionRow): SkillVersionSummary {
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
    reviewedAt: row.reviewed_at ? iso(row.reviewed_at) : undefined,
    reviewNote: row.review_note ?? undefined,
    createdAt: iso(row.created_at),
  };
}

function toVersion(row: VersionRow): SkillVersion {
  return { ...toVersionSummary(row), document: row.document };
}

function headFields(content: SkillContent) {
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

export class KnexSkillStore implements SkillStore {
  private readonly postgres: boolean;

  constructor(private readonly db: Knex) {
    this.postgres = String(db.client.config.client) === 'pg';
  }

  async syncDirectorySkills(skills: DirectorySkill[]): Promise<SyncResult> {
    return this.db.transaction(async tx => {
      if (this.postgres) {
        // Replicas starting together each sync the same files; one at a time, the later
        // ones find nothing to do instead of failing on a duplicate version.
        await tx.raw(
          `SELECT pg_advisory_xact_lock(hashtext('hermes_skills_sync'))`,
        );
      }
      const existing = new Map(
        (
          await tx<SkillRow>('hermes_skills').select(
            'name',
            'source',
            'content_hash',
          )
        ).map(row => [row.name, row]),
      );
      const result: SyncResult = {
        added: [],
        updated: [],
        removed: [],
        conflicts: [],
      };
      for (const skill of skills) {
        const row = existing.get(skill.name);
        if (row && row.source !== 'directory') {
          result.conflicts.push({
            name: skill.name,
            location: skill.location,
            source: row.source,
          });
          continue;
        }
        if (row?.content_hash === skill.contentHash) continue;
        await this.writeVersion(tx, {
          content: skill,
          author: 'directory',
          status: 'active',
          source: 'directory',
          location: skill.location,
        });
        (row ? result.updated : result.added).push(skill.name);
      }
      const onDisk = new Set(skills.map(s => s.name));
      for (const [name, row] of existing) {
        if (row.source === 'directory' && !onDisk.has(name)) {
          await this.deleteRows(tx, name);
          result.removed.push(name);
        }
      }
      return result;
    });
  }

  async listSkills(options?: {
    includeDrafts?: boolean;
  }): Promise<SkillSummary[]> {
    const query = this.db<SkillRow>('hermes_skills')
      .select(
        ...SUMMARY_COLUMNS,
        this.db.raw(
          `(SELECT count(*) FROM hermes_skill_versions v
             WHERE v.name = hermes_skills.name AND v.status = 'draft') AS pending_drafts`,
        ),
      )
      .orderBy('name');
    if (!options?.includeDrafts) query.where({ status: 'active' });
    return (await query).map(toSummary);
  }

  async listDocuments(): Promise<Array<{ name: string; document: string }>> {
    return this.db('hermes_skills')
      .where({ status: 'active' })
      .select('name', 'document')
      .orderBy('name');
  }

  async getSkill(name: string): Promise<StoredSkill | undefined> {
    const row = await this.db<SkillRow>('hermes_skills')
      .where({ name })
      .select(
        ...SUMMARY_COLUMNS,
        'document',
        this.db.raw(
          `(SELECT count(*) FROM hermes_skill_versions v
             WHERE v.name = hermes_skills.name AND v.status = 'draft') AS pending_drafts`,
        ),
      )
      .first();
    return row ? { ...toSummary(row), document: row.document } : undefined;
  }

  async addVersion(version: NewSkillVersion): Promise<SkillVersion> {
    return this.db.transaction(tx => this.writeVersion(tx, version));
  }

  async listVersions(name: string): Promise<SkillVersionSummary[]> {
    const rows: VersionRow[] = await this.db('hermes_skill_versions')
      .where({ name })
      .select(VERSION_SUMMARY_COLUMNS)
      .orderBy('version', 'desc');
    return rows.map(toVersionSummary);
  }

  async getVersion(
    name: string,
    version: number,
  ): Promise<SkillVersion | undefined> {
    const row = await this.db<VersionRow>('hermes_skill_versions')
      .where({ name, version })
      .first();
    return row ? toVersion(row) : undefined;
  }

  async approveDraft(
    name: string,
    version: number,
    by: string,
    content: SkillContent,
  ): Promise<SkillVersion> {
    return this.db.transaction(async tx => {
      const draft = await this.lockDraft(tx, name, version);
      const head = await this.lockHead(tx, name);
      const active = head?.status === 'active' ? head.version : null;
      if ((draft.base_version ?? null) !== active) {
        throw new ConflictError(
          `Draft version ${version} of skill "${name}" was written when ${
            draft.base_version ? `version ${draft.base_version}` : 'no version'
          } was active, but version ${active} is active now; approving it would undo ` +
            `version ${active}. Compare the two, then save a combined document or reject the draft.`,
        );
      }
      await tx('hermes_skill_versions')
        .where({ name, status: 'active' })
        .update({ status: 'superseded' });
      await tx('hermes_skill_versions')
        .where({ name, version })
        .update({ status: 'active', reviewed_by: by, reviewed_at: new Date() });
      await this.writeHead(tx, head, {
        content,
        source: 'agent',
        status: 'active',
        version,
      });
      return toVersion(
        (await tx<VersionRow>('hermes_skill_versions')
          .where({ name, version })
          .first())!,
      );
    });
  }

  async rejectDraft(
    name: string,
    version: number,
    by: string,
    reason?: string,
  ): Promise<SkillVersion> {
    return this.db.transaction(async tx => {
      await this.lockDraft(tx, name, version);
      await tx('hermes_skill_versions')
        .where({ name, version })
        .update({
          status: 'rejected',
          reviewed_by: by,
          reviewed_at: new Date(),
          review_note: reason ?? null,
        });
      const head = await this.lockHead(tx, name);
      if (head?.status === 'draft') {
        // A skill that is only drafts shows its latest pending one, or goes with the last.
        const latest = await tx<VersionRow>('hermes_skill_versions')
          .where({ name, status: 'draft' })
          .orderBy('version', 'desc')
          .first();
        if (latest) {
          await tx('hermes_skills').where({ name }).update({
            description: latest.description,
            content_hash: latest.content_hash,
            document: latest.document,
            updated_at: new Date(),
          });
        } else {
          await tx('hermes_skills').where({ name }).delete();
        }
      }
      return toVersion(
        (await tx<VersionRow>('hermes_skill_versions')
          .where({ name, version })
          .first())!,
      );
    });
  }

  async deleteSkill(name: string): Promise<void> {
    await this.db.transaction(tx => this.deleteRows(tx, name));
  }

  async listFiles(name: string): Promise<string[]> {
    const rows = await this.db('hermes_skill_files')
      .where({ name })
      .select('path')
      .orderBy('path');
    return rows.map(row => row.path);
  }

  async listFileContents(name: string): Promise<SkillFile[]> {
    return this.db('hermes_skill_files')
      .where({ name })
      .select('path', 'content')
      .orderBy('path');
  }

  async getFile(name: string, path: string): Promise<string | undefined> {
    const row = await this.db('hermes_skill_files')
      .where({ name, path })
      .first('content');
    return row?.content;
  }

  async search(
    query: string,
    limit: number,
  ): Promise<Array<SkillSearchRow & { score: number }>> {
    const terms = searchTerms(query);
    if (terms.length === 0) return [];
    let rows: Array<{
      name: string;
      description: string;
      tags: string;
      snippet: string;
      score: number;
    }>;
    if (this.postgres) {
      // Headlines are costly: make them for the page of results only.
      rows = (
        await this.db.raw(
          `SELECT name, description, tags, score,
             ts_headline('english', body, q,
               'MaxFragments=1, MinWords=8, MaxWords=24, StartSel=**, StopSel=**') AS snippet
           FROM (
             SELECT name, description, tags, body, q, ts_rank_cd(search, q) AS score
             FROM hermes_skills, to_tsquery('english', ?) q
             WHERE search @@ q AND status = 'active'
             ORDER BY score DESC, name LIMIT ?
           ) top ORDER BY score DESC, name`,
          [terms.join(' | '), limit],
        )
      ).rows;
    } else {
      rows = await this.db.raw(
        `SELECT s.name, s.description, s.tags,
           snippet(hermes_skills_fts, 3, '**', '**', '…', 24) AS snippet,
           -bm25(hermes_skills_fts, 8.0, 4.0, 6.0, 1.0) AS score
         FROM hermes_skills_fts JOIN hermes_skills s ON s.id = hermes_skills_fts.rowid
         WHERE hermes_skills_fts MATCH ? AND s.status = 'active'
         ORDER BY score DESC, s.name LIMIT ?`,
        [terms.map(t => `"${t}"`).join(' OR '), limit],
      );
    }
    return rows.map(row => ({
      name: row.name,
      description: row.description,
      tags: JSON.parse(row.tags),
      snippet: row.snippet,
      score: Number(row.score),
    }));
  }

  async rank(
    text: string,
    limit: number,
  ): Promise<Array<{ name: string; score: number }>> {
    const terms = searchTerms(text);
    if (terms.length === 0) return [];
    const rows: Array<{ name: string; score: number }> = this.postgres
      ? (
          await this.db.raw(
            `SELECT name, ts_rank_cd(search, q) AS score
             FROM hermes_skills, to_tsquery('english', ?) q
             WHERE search @@ q AND status = 'active'
             ORDER BY score DESC, name LIMIT ?`,
            [terms.join(' | '), limit],
          )
        ).rows
      : await this.db.raw(
          `SELECT s.name, -bm25(hermes_skills_fts, 8.0, 4.0, 6.0, 1.0) AS score
           FROM hermes_skills_fts JOIN hermes_skills s ON s.id = hermes_skills_fts.rowid
           WHERE hermes_skills_fts MATCH ? AND s.status = 'active'
           ORDER BY score DESC, s.name LIMIT ?`,
          [terms.map(t => `"${t}"`).join(' OR '), limit],
        );
    return rows.map(row => ({ name: row.name, score: Number(row.score) }));
  }

  async listIndexFields(): Promise<
    Array<{ name: string; tags: string[]; appliesTo?: SkillApplicability }>
  > {
    const rows = await this.db<SkillRow>('hermes_skills')
      .where({ status: 'active' })
      .select('name', 'tags', 'applies_to');
    return rows.map(row => ({
      name: row.name,
      tags: JSON.parse(row.tags),
      appliesTo: row.applies_to ? JSON.parse(row.applies_to) : undefined,
    }));
  }

  async getDescriptions(names: string[]): Promise<Map<string, string>> {
    const rows = await this.db<SkillRow>('hermes_skills')
      .whereIn('name', names)
      .select('name', 'description');
    return new Map(rows.map(row => [row.name, row.description]));
  }

  async recordUsage(
    name: string,
    version: number,
    traceId?: string,
  ): Promise<void> {
    if (traceId) {
      const seen = await this.db('hermes_skill_usage')
        .where({ name, trace_id: traceId })
        .first('id');
      if (seen) return;
    }
    await this.db('hermes_skill_usage').insert({
      name,
      version,
      trace_id: traceId ?? null,
      loaded_at: new Date(),
    });
  }

  async recordOutcome(traceId: string, outcome: SkillOutcome): Promise<void> {
    await this.db('hermes_skill_usage')
      .where({ trace_id: traceId })
      .update({ outcome });
  }

  async usage(name: string): Promise<SkillUsageSummary> {
    const row = await this.db('hermes_skill_usage')
      .where({ name })
      .first(
        this.db.raw('count(*) AS loaded'),
        this.db.raw(
          `sum(CASE WHEN outcome = 'success' THEN 1 ELSE 0 END) AS successes`,
        ),
        this.db.raw(
          `sum(CASE WHEN outcome = 'failure' THEN 1 ELSE 0 END) AS failures`,
        ),
        this.db.raw('max(loaded_at) AS last_used_at'),
      );
    return {
      loaded: Number(row?.loaded ?? 0),
      successes: Number(row?.successes ?? 0),
      failures: Number(row?.failures ?? 0),
      lastUsedAt: row?.last_used_at ? iso(row.last_used_at) : undefined,
    };
  }

  private async lockHead(
    tx: Knex.Transaction,
    name: string,
  ): Promise<SkillRow | undefined> {
    const query = tx<SkillRow>('hermes_skills').where({ name }).first();
    // SQLite runs one write transaction at a time; PostgreSQL needs the row lock.
    return this.postgres ? query.forUpdate() : query;
  }

  private async lockDraft(
    tx: Knex.Transaction,
    name: string,
    version: number,
  ): Promise<VersionRow> {
    const query = tx<VersionRow>('hermes_skill_versions')
      .where({ name, version })
      .first();
    const row = await (this.postgres ? query.forUpdate() : query);
    if (!row) {
      throw new NotFoundError(`Skill "${name}" has no version ${version}`);
    }
    if (row.status !== 'draft') {
      throw new ConflictError(
        `Version ${version} of skill "${name}" is ${row.status}, not a draft waiting for approval`,
      );
    }
    return row;
  }

  private async writeVersion(
    tx: Knex.Transaction,
    input: NewSkillVersion & { location?: string },
  ): Promise<SkillVersion> {
    const { content, status } = input;
    const name = content.name;
    const head = await this.lockHead(tx, name);
    const latest = await tx('hermes_skill_versions')
      .where({ name })
      .max({ version: 'version' })
      .first();
    const version = Number(latest?.version ?? 0) + 1;
    if (status === 'active') {
      await tx('hermes_skill_versions')
        .where({ name, status: 'active' })
        .update({ status: 'superseded' });
    }
    const row: VersionRow = {
      name,
      version,
      document: content.document,
      content_hash: content.contentHash,
      description: content.description,
      author: input.author,
      status,
      base_version:
        status === 'draft' && head?.status === 'active' ? head.version : null,
      message: input.message ?? null,
      trace_id: input.traceId ?? null,
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
      created_at: new Date(),
    };
    await tx('hermes_skill_versions').insert(row);
    // A draft of an existing skill leaves the skill as it is until approved.
    if (status === 'active' || !head || head.status === 'draft') {
      await this.writeHead(tx, head, {
        content,
        source: input.source,
        status,
        version: status === 'active' ? version : null,
        location: input.location,
      });
    }
    if (input.files) {
      await tx('hermes_skill_files').where({ name }).delete();
      for (const file of input.files) {
        await tx('hermes_skill_files').insert({ name, ...file });
      }
    }
    return toVersion(row);
  }

  private async writeHead(
    tx: Knex.Transaction,
    head: SkillRow | undefined,
    input: {
      content: SkillContent;
      source: SkillSource;
      status: SkillStatus;
      version: number | null;
      location?: string;
    },
  ) {
    const values = {
      ...headFields(input.content),
      status: input.status,
      version: input.version,
      location: input.location ?? null,
      updated_at: new Date(),
    };
    if (head) {
      await tx('hermes_skills').where({ name: head.name }).update(values);
    } else {
      await tx('hermes_skills').insert({
        name: input.content.name,
        source: input.source,
        ...values,
      });
    }
  }

  private async deleteRows(tx: Knex.Transaction, name: string) {
    await tx('hermes_skill_files').where({ name }).delete();
    await tx('hermes_skill_versions').where({ name }).delete();
    await tx('hermes_skills').where({ name }).delete();
  }
}
