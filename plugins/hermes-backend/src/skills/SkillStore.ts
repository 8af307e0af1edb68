import { Knex } from 'knex';

/** Where a skill in the library came from. */
export type SkillSource = 'directory' | 'user' | 'agent';

/** A skill as listed from the library, without its full document. */
export interface SkillSummary {
  name: string;
  description: string;
  source: SkillSource;
  location?: string;
  contentHash: string;
  updatedAt: string;
}

/** A skill read from a SKILL.md file in a skills directory. */
export interface DirectorySkill {
  name: string;
  description: string;
  location: string;
  contentHash: string;
  document: string;
}

export interface SyncResult {
  added: string[];
  updated: string[];
  removed: string[];
  /** Directory skills not stored because a user or agent skill already has the name. */
  conflicts: Array<{ name: string; location: string; source: SkillSource }>;
}

/** Persistence of the skills library. */
export interface SkillStore {
  /**
   * Makes the stored directory skills equal to `skills`: adds new ones, updates changed
   * ones (by content hash) and removes those no longer on disk. Skills from other sources
   * are never touched.
   */
  syncDirectorySkills(skills: DirectorySkill[]): Promise<SyncResult>;
  listSkills(): Promise<SkillSummary[]>;
  /** The full SKILL.md text of every skill. */
  listDocuments(): Promise<Array<{ name: string; document: string }>>;
}

type SkillRow = {
  name: string;
  description: string;
  source: SkillSource;
  location: string | null;
  content_hash: string;
  document: string;
  updated_at: string | Date;
};

export class KnexSkillStore implements SkillStore {
  constructor(private readonly db: Knex) {}

  async syncDirectorySkills(skills: DirectorySkill[]): Promise<SyncResult> {
    return this.db.transaction(async tx => {
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
      const now = new Date();
      for (const skill of skills) {
        const row = existing.get(skill.name);
        const values = {
          description: skill.description,
          location: skill.location,
          content_hash: skill.contentHash,
          document: skill.document,
          updated_at: now,
        };
        if (!row) {
          await tx('hermes_skills').insert({
            name: skill.name,
            source: 'directory',
            ...values,
          });
          result.added.push(skill.name);
        } else if (row.source !== 'directory') {
          result.conflicts.push({
            name: skill.name,
            location: skill.location,
            source: row.source,
          });
        } else if (row.content_hash !== skill.contentHash) {
          await tx('hermes_skills').where({ name: skill.name }).update(values);
          result.updated.push(skill.name);
        }
      }
      const onDisk = new Set(skills.map(s => s.name));
      for (const [name, row] of existing) {
        if (row.source === 'directory' && !onDisk.has(name)) {
          await tx('hermes_skills').where({ name }).delete();
          result.removed.push(name);
        }
      }
      return result;
    });
  }

  async listDocuments(): Promise<Array<{ name: string; document: string }>> {
    return this.db('hermes_skills').select('name', 'document').orderBy('name');
  }

  async listSkills(): Promise<SkillSummary[]> {
    const rows = await this.db<SkillRow>('hermes_skills')
      .select(
        'name',
        'description',
        'source',
        'location',
        'content_hash',
        'updated_at',
      )
      .orderBy('name');
    return rows.map(row => ({
      name: row.name,
      description: row.description,
      source: row.source,
      location: row.location ?? undefined,
      contentHash: row.content_hash,
      updatedAt: new Date(row.updated_at).toISOString(),
    }));
  }
}
