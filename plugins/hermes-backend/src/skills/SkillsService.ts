import { LoggerService } from '@backstage/backend-plugin-api';
import {
  parseSkillDocument,
  SkillDocument,
  SkillParseError,
} from '@hermes-backstage/plugin-hermes-common';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DirectorySkill, SkillStore, SkillSummary } from './SkillStore';

export interface SkillLoadError {
  location: string;
  message: string;
}

/** The skills library as the rest of Hermes sees it. */
export interface SkillsService {
  listSkills(): Promise<SkillSummary[]>;
  /** Every skill, parsed (for triage rules and other metadata). */
  listDocuments(): Promise<SkillDocument[]>;
  /** Problems met the last time the skill directories were read. */
  loadErrors(): SkillLoadError[];
  /** Re-reads every skill directory into the library. */
  reloadDirectories(): Promise<void>;
}

export class DefaultSkillsService implements SkillsService {
  private errors: SkillLoadError[] = [];

  constructor(
    private readonly options: {
      store: SkillStore;
      logger: LoggerService;
      /** Directories whose sub-folders each hold a SKILL.md. */
      directories: string[];
    },
  ) {}

  listSkills() {
    return this.options.store.listSkills();
  }

  async listDocuments(): Promise<SkillDocument[]> {
    const rows = await this.options.store.listDocuments();
    // Stored skills were validated when written; a parse failure here would be a bug.
    return rows.map(row =>
      parseSkillDocument(row.document, `skill ${row.name}`),
    );
  }

  loadErrors() {
    return this.errors;
  }

  async reloadDirectories(): Promise<void> {
    const { store, logger, directories } = this.options;
    const errors: SkillLoadError[] = [];
    const byName = new Map<string, DirectorySkill>();
    for (const directory of directories) {
      for (const skill of await readSkillDirectory(directory, errors)) {
        const previous = byName.get(skill.name);
        if (previous) {
          errors.push({
            location: skill.location,
            message: `skill "${skill.name}" is already defined in ${previous.location}`,
          });
          continue;
        }
        byName.set(skill.name, skill);
      }
    }
    const result = await store.syncDirectorySkills([...byName.values()]);
    for (const conflict of result.conflicts) {
      errors.push({
        location: conflict.location,
        message: `skill "${conflict.name}" already exists as a ${conflict.source} skill; rename one of them`,
      });
    }
    for (const error of errors) {
      logger.warn(`Skipped skill at ${error.location}: ${error.message}`);
    }
    logger.info(
      `Skills read from ${directories.length} directories: ${byName.size} found, ` +
        `${result.added.length} added, ${result.updated.length} updated, ` +
        `${result.removed.length} removed, ${errors.length} with errors`,
    );
    this.errors = errors;
  }
}

async function readSkillDirectory(
  directory: string,
  errors: SkillLoadError[],
): Promise<DirectorySkill[]> {
  let entries;
  try {
    entries = await fs.readdir(directory, { withFileTypes: true });
  } catch (error) {
    errors.push({
      location: directory,
      message: `cannot read skills directory: ${(error as Error).message}`,
    });
    return [];
  }
  const skills: DirectorySkill[] = [];
  for (const entry of entries
    .filter(e => e.isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const location = path.join(directory, entry.name, 'SKILL.md');
    let document: string;
    try {
      document = await fs.readFile(location, 'utf8');
    } catch {
      errors.push({ location, message: 'folder has no SKILL.md' });
      continue;
    }
    try {
      const parsed = parseSkillDocument(document, location);
      skills.push({
        name: parsed.name,
        description: parsed.description,
        location,
        document,
        contentHash: createHash('sha256').update(document).digest('hex'),
      });
    } catch (error) {
      if (!(error instanceof SkillParseError)) throw error;
      errors.push({ location, message: error.detail });
    }
  }
  return skills;
}
