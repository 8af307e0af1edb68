import type { SkillFile } from '@hermes-backstage/plugin-hermes-common';
import { Knex } from 'knex';
import { SkillFileRow } from './tables';

/**
 * Reference files of skills written in the portal or imported; directory skills keep theirs
 * on disk (see `files.ts`).
 */
export interface SkillFileStore {
  /** Paths of the skill's files, sorted. */
  list(name: string): Promise<string[]>;
  /** Every file of the skill with its content, sorted by path. */
  listContents(name: string): Promise<SkillFile[]>;
  get(name: string, path: string): Promise<string | undefined>;
}

/** Made by `KnexSkillStore.create`, which brings the schema up to date first. */
export class KnexSkillFileStore implements SkillFileStore {
  constructor(private readonly db: Knex) {}

  async list(name: string): Promise<string[]> {
    const rows = await this.db<SkillFileRow>('hermes_skill_files')
      .where({ name })
      .select('path')
      .orderBy('path');
    return rows.map(row => row.path);
  }

  async listContents(name: string): Promise<SkillFile[]> {
    return this.db<SkillFileRow>('hermes_skill_files')
      .where({ name })
      .select('path', 'content')
      .orderBy('path');
  }

  async get(name: string, path: string): Promise<string | undefined> {
    const row = await this.db<SkillFileRow>('hermes_skill_files')
      .where({ name, path })
      .first('content');
    return row?.content;
  }
}

// Files are written with a version of their skill and go with it, in the version store's
// transaction, so a skill is never seen with another version's files.

export async function replaceSkillFiles(
  tx: Knex.Transaction,
  name: string,
  files: SkillFile[],
): Promise<void> {
  await deleteSkillFiles(tx, name);
  for (const file of files) {
    await tx<SkillFileRow>('hermes_skill_files').insert({ name, ...file });
  }
}

export async function deleteSkillFiles(
  tx: Knex.Transaction,
  name: string,
): Promise<void> {
  await tx<SkillFileRow>('hermes_skill_files').where({ name }).delete();
}
