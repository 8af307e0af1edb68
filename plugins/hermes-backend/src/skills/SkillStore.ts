import { DatabaseService } from '@backstage/backend-plugin-api';
import { connect } from '../database/migrations';
import { KnexSkillFileStore, SkillFileStore } from './SkillFileStore';
import { KnexSkillSearchStore, SkillSearchStore } from './SkillSearchStore';
import { KnexSkillUsageStore, SkillUsageStore } from './SkillUsageStore';
import { KnexSkillVersionStore, SkillVersionStore } from './SkillVersionStore';

/** Persistence of the skills library, one part per concern, all on the same database. */
export interface SkillStore {
  /** Skills, their versions and drafts (and the files written with a version). */
  versions: SkillVersionStore;
  /** Reference files of skills that are not read from a directory. */
  files: SkillFileStore;
  /** Full-text search and the fields the skill index is chosen by. */
  search: SkillSearchStore;
  /** Which agent runs loaded which skill, and how they ended. */
  usage: SkillUsageStore;
}

export class KnexSkillStore implements SkillStore {
  /** Brings the Hermes tables up to date (unless migrations are skipped), then the store. */
  static async create({
    database,
  }: {
    database: DatabaseService;
  }): Promise<KnexSkillStore> {
    const db = await connect(database);
    return new KnexSkillStore(
      new KnexSkillVersionStore(db),
      new KnexSkillFileStore(db),
      new KnexSkillSearchStore(db),
      new KnexSkillUsageStore(db),
    );
  }

  private constructor(
    readonly versions: SkillVersionStore,
    readonly files: SkillFileStore,
    readonly search: SkillSearchStore,
    readonly usage: SkillUsageStore,
  ) {}
}
