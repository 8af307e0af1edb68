import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  SkillFile,
  SkillSource,
  SkillStatus,
  SkillSummary,
  SkillVersion,
  SkillVersionSummary,
} from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { DirectorySkill, SkillContent } from './content';
import { deleteSkillFiles, replaceSkillFiles } from './SkillFileStore';
import {
  headFields,
  SkillRow,
  SkillVersionRow,
  SUMMARY_COLUMNS,
  SummaryRow,
  toSummary,
  toVersion,
  toVersionSummary,
  VERSION_SUMMARY_COLUMNS,
  VersionSummaryRow,
} from './tables';

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

export interface SyncResult {
  added: string[];
  updated: string[];
  removed: string[];
  /** Directory skills not stored because a user or agent skill already has the name. */
  conflicts: Array<{ name: string; location: string; source: SkillSource }>;
}

/**
 * Skills with their versions and drafts. A skill's head row, its versions and its files change
 * together, so each change here is one transaction.
 */
export interface SkillVersionStore {
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
}

/** Made by `KnexSkillStore.create`, which brings the schema up to date first. */
export class KnexSkillVersionStore implements SkillVersionStore {
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
    // Untyped: knex cannot type the counted column; the annotation does.
    const query = this.db('hermes_skills')
      .select(...SUMMARY_COLUMNS, this.pendingDrafts())
      .orderBy('name');
    if (!options?.includeDrafts) query.where({ status: 'active' });
    const rows: SummaryRow[] = await query;
    return rows.map(toSummary);
  }

  async listDocuments(): Promise<Array<{ name: string; document: string }>> {
    return this.db<SkillRow>('hermes_skills')
      .where({ status: 'active' })
      .select('name', 'document')
      .orderBy('name');
  }

  async getSkill(name: string): Promise<StoredSkill | undefined> {
    const row: (SummaryRow & Pick<SkillRow, 'document'>) | undefined =
      await this.db<SkillRow>('hermes_skills')
        .where({ name })
        .first(...SUMMARY_COLUMNS, 'document', this.pendingDrafts());
    return row ? { ...toSummary(row), document: row.document } : undefined;
  }

  async addVersion(version: NewSkillVersion): Promise<SkillVersion> {
    return this.db.transaction(tx => this.writeVersion(tx, version));
  }

  async listVersions(name: string): Promise<SkillVersionSummary[]> {
    const rows: VersionSummaryRow[] = await this.db<SkillVersionRow>(
      'hermes_skill_versions',
    )
      .where({ name })
      .select(...VERSION_SUMMARY_COLUMNS)
      .orderBy('version', 'desc');
    return rows.map(toVersionSummary);
  }

  async getVersion(
    name: string,
    version: number,
  ): Promise<SkillVersion | undefined> {
    const row = await this.db<SkillVersionRow>('hermes_skill_versions')
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
      await tx<SkillVersionRow>('hermes_skill_versions')
        .where({ name, status: 'active' })
        .update({ status: 'superseded' });
      await tx<SkillVersionRow>('hermes_skill_versions')
        .where({ name, version })
        .update({ status: 'active', reviewed_by: by, reviewed_at: new Date() });
      await this.writeHead(tx, head, {
        content,
        source: 'agent',
        status: 'active',
        version,
      });
      return this.readVersion(tx, name, version);
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
      await tx<SkillVersionRow>('hermes_skill_versions')
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
        const latest = await tx<SkillVersionRow>('hermes_skill_versions')
          .where({ name, status: 'draft' })
          .orderBy('version', 'desc')
          .first();
        if (latest) {
          await tx<SkillRow>('hermes_skills').where({ name }).update({
            description: latest.description,
            content_hash: latest.content_hash,
            document: latest.document,
            updated_at: new Date(),
          });
        } else {
          await tx<SkillRow>('hermes_skills').where({ name }).delete();
        }
      }
      return this.readVersion(tx, name, version);
    });
  }

  async deleteSkill(name: string): Promise<void> {
    await this.db.transaction(tx => this.deleteRows(tx, name));
  }

  private pendingDrafts() {
    return this.db.raw(
      `(SELECT count(*) FROM hermes_skill_versions v
         WHERE v.name = hermes_skills.name AND v.status = 'draft') AS pending_drafts`,
    );
  }

  private async readVersion(
    tx: Knex.Transaction,
    name: string,
    version: number,
  ): Promise<SkillVersion> {
    const row = await tx<SkillVersionRow>('hermes_skill_versions')
      .where({ name, version })
      .first();
    return toVersion(row!);
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
  ): Promise<SkillVersionRow> {
    const query = tx<SkillVersionRow>('hermes_skill_versions')
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
    const latest = await tx<SkillVersionRow>('hermes_skill_versions')
      .where({ name })
      .max({ version: 'version' })
      .first();
    const version = Number(latest?.version ?? 0) + 1;
    if (status === 'active') {
      await tx<SkillVersionRow>('hermes_skill_versions')
        .where({ name, status: 'active' })
        .update({ status: 'superseded' });
    }
    const row: Omit<SkillVersionRow, 'id'> = {
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
    await tx<SkillVersionRow>('hermes_skill_versions').insert(row);
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
    if (input.files) await replaceSkillFiles(tx, name, input.files);
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
      await tx<SkillRow>('hermes_skills')
        .where({ name: head.name })
        .update(values);
    } else {
      await tx<SkillRow>('hermes_skills').insert({
        name: input.content.name,
        source: input.source,
        ...values,
      });
    }
  }

  private async deleteRows(tx: Knex.Transaction, name: string) {
    await deleteSkillFiles(tx, name);
    await tx<SkillVersionRow>('hermes_skill_versions').where({ name }).delete();
    await tx<SkillRow>('hermes_skills').where({ name }).delete();
  }
}
