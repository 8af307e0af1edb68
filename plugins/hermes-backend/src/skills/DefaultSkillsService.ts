import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  parseSkillDocument,
  SkillDetails,
  SkillDocument,
  SkillFile,
  SkillOutcome,
  SkillUsageSummary,
  SkillVersion,
  SkillVersionSummary,
} from '@hermes-backstage/plugin-hermes-common';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import path from 'node:path';
import {
  applyPatch,
  prepareContent,
  refuseSecrets,
  SkillContent,
} from './content';
import {
  listSkillFiles,
  readSkillDirectories,
  readSkillFile,
  readSkillFiles,
  splitImport,
} from './files';
import { chooseSkillIndex, searchSkills } from './skillIndex';
import {
  SkillIndexRequest,
  SkillLoadError,
  SkillsService,
  SkillView,
} from './SkillsService';
import { KnexSkillStore, SkillStore } from './SkillStore';
import { StoredSkill } from './SkillVersionStore';

/**
 * The skills library. Who may change which skill, and how versions and drafts move, is decided
 * here; reference files (`files.ts`), search and the skill index (`skillIndex.ts`) and the
 * checks of a document (`content.ts`) have their own modules.
 */
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

  /**
   * The service as the plugin runs it, with the skills of `hermes.skills.directories` and of
   * the directories modules added already read into the library.
   */
  static async create(options: {
    config: Config;
    database: DatabaseService;
    logger: LoggerService;
    /** Added by modules through `hermesSkillsExtensionPoint`. */
    moduleDirectories?: string[];
  }): Promise<DefaultSkillsService> {
    const configured = (
      options.config.getOptionalStringArray('hermes.skills.directories') ?? []
    ).map(dir => path.resolve(dir));
    const skills = new DefaultSkillsService({
      store: await KnexSkillStore.create(options),
      logger: options.logger,
      directories: [...configured, ...(options.moduleDirectories ?? [])],
    });
    await skills.reloadDirectories();
    return skills;
  }

  async listSkills(options: { includeDrafts?: boolean; q?: string } = {}) {
    const listed = await this.options.store.versions.listSkills(options);
    const q = options.q?.trim();
    if (!q) return listed;
    const byName = new Map(listed.map(s => [s.name, s]));
    const hits = await this.search(q, { limit: 50 });
    return hits.flatMap(hit => {
      const summary = byName.get(hit.name);
      return summary ? [{ ...summary, ...hit }] : [];
    });
  }

  async listDocuments(): Promise<SkillDocument[]> {
    const rows = await this.options.store.versions.listDocuments();
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
    const { skills, errors } = await readSkillDirectories(directories);
    const result = await store.versions.syncDirectorySkills(skills);
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
      `Skills read from ${directories.length} directories: ${skills.length} found, ` +
        `${result.added.length} added, ${result.updated.length} updated, ` +
        `${result.removed.length} removed, ${errors.length} with errors`,
    );
    this.errors = errors;
  }

  async getSkill(name: string): Promise<SkillDetails> {
    const { store } = this.options;
    const head = await this.head(name);
    const { document, ...skill } = head;
    const [files, versions, usage] = await Promise.all([
      listSkillFiles(head, store.files),
      store.versions.listVersions(name),
      store.usage.usage(name),
    ]);
    return { skill, document, files, versions, usage };
  }

  search(query: string, options?: { limit?: number }) {
    return searchSkills(this.options.store.search, query, options);
  }

  skillIndex(request: SkillIndexRequest) {
    return chooseSkillIndex(this.options.store.search, request);
  }

  async view(
    name: string,
    options?: { file?: string; traceId?: string },
  ): Promise<SkillView> {
    const { store } = this.options;
    const head = await this.activeHead(name);
    const version = head.version!;
    const files = await listSkillFiles(head, store.files);
    const content = options?.file
      ? await readSkillFile(head, options.file, store.files)
      : parseSkillDocument(head.document, `skill ${name}`).body;
    if (options?.traceId) {
      await store.usage.recordUsage(name, version, options.traceId);
    }
    return { name, version, file: options?.file, content, files };
  }

  async save(
    document: string,
    by: string,
    options?: { name?: string; message?: string },
  ): Promise<SkillVersion> {
    const content = prepareContent(document, 'SKILL.md', options?.message);
    if (options?.name !== undefined && content.name !== options.name) {
      throw new InputError(
        `SKILL.md: name "${content.name}" does not match the skill being saved, "${options.name}"`,
      );
    }
    const head = await this.options.store.versions.getSkill(content.name);
    refuseDirectorySkill(head, 'be edited');
    if (head?.status === 'active' && head.contentHash === content.contentHash) {
      return this.getVersion(content.name, head.version!);
    }
    return this.options.store.versions.addVersion({
      content,
      author: by,
      status: 'active',
      source: 'user',
      message: options?.message,
    });
  }

  async draft(
    document: string,
    options?: { traceId?: string; message?: string },
  ): Promise<SkillVersion> {
    return this.storeDraft(
      prepareContent(document, 'SKILL.md', options?.message),
      options,
    );
  }

  async patch(
    name: string,
    change: { oldText: string; newText: string },
    options?: { traceId?: string; message?: string },
  ): Promise<SkillVersion> {
    const head = await this.activeHead(name);
    refuseDirectorySkill(head, 'be changed by a draft');
    const document = applyPatch(
      head.document,
      change,
      `version ${head.version} of skill "${name}"`,
    );
    const content = prepareContent(
      document,
      `SKILL.md of skill "${name}" after the patch`,
      options?.message,
    );
    if (content.name !== name) {
      throw new InputError(
        `A patch cannot rename skill "${name}" to "${content.name}"; draft a new skill instead`,
      );
    }
    return this.storeDraft(content, options);
  }

  async versions(name: string): Promise<SkillVersionSummary[]> {
    const versions = await this.options.store.versions.listVersions(name);
    if (versions.length === 0) throw new NotFoundError(`No skill "${name}"`);
    return versions;
  }

  async getVersion(name: string, version: number): Promise<SkillVersion> {
    const found = await this.options.store.versions.getVersion(name, version);
    if (!found) {
      throw new NotFoundError(`Skill "${name}" has no version ${version}`);
    }
    return found;
  }

  async diff(name: string, from: number, to: number): Promise<string> {
    const [a, b] = await Promise.all([
      this.getVersion(name, from),
      this.getVersion(name, to),
    ]);
    return createTwoFilesPatch(
      `a/${name}/SKILL.md`,
      `b/${name}/SKILL.md`,
      a.document,
      b.document,
      `version ${from}`,
      `version ${to}`,
      { headerOptions: FILE_HEADERS_ONLY },
    );
  }

  async rollback(
    name: string,
    version: number,
    by: string,
  ): Promise<SkillVersion> {
    const head = await this.head(name);
    refuseDirectorySkill(head, 'be rolled back');
    const target = await this.getVersion(name, version);
    if (target.status === 'draft' || target.status === 'rejected') {
      throw new ConflictError(
        `Version ${version} of skill "${name}" is ${
          target.status === 'draft'
            ? 'a draft that nobody approved; approve it instead'
            : 'a rejected draft; it was never active'
        }`,
      );
    }
    if (head.status === 'active' && head.version === version) {
      throw new ConflictError(
        `Version ${version} of skill "${name}" is already the active version`,
      );
    }
    return this.options.store.versions.addVersion({
      content: prepareContent(
        target.document,
        `version ${version} of "${name}"`,
      ),
      author: by,
      status: 'active',
      source: 'user',
      message: `Rolled back to version ${version}`,
    });
  }

  async approve(
    name: string,
    version: number,
    by: string,
  ): Promise<SkillVersion> {
    const draft = await this.getVersion(name, version);
    const content = prepareContent(
      draft.document,
      `draft version ${version} of "${name}"`,
    );
    return this.options.store.versions.approveDraft(name, version, by, content);
  }

  async reject(
    name: string,
    version: number,
    by: string,
    reason?: string,
  ): Promise<SkillVersion> {
    refuseSecrets(reason, 'the reason');
    await this.getVersion(name, version);
    return this.options.store.versions.rejectDraft(name, version, by, reason);
  }

  async deleteSkill(name: string): Promise<void> {
    refuseDirectorySkill(await this.head(name), 'be deleted');
    await this.options.store.versions.deleteSkill(name);
  }

  async exportSkill(name: string): Promise<{ files: SkillFile[] }> {
    const head = await this.activeHead(name);
    const references = await readSkillFiles(head, this.options.store.files);
    return {
      files: [{ path: 'SKILL.md', content: head.document }, ...references],
    };
  }

  async importSkill(files: SkillFile[], by: string): Promise<SkillVersion> {
    const { versions } = this.options.store;
    const { document, references } = splitImport(files);
    const content = prepareContent(document.content, document.path);
    for (const file of references) {
      refuseSecrets(file.content, `file "${file.path}"`);
    }
    refuseDirectorySkill(
      await versions.getSkill(content.name),
      'be replaced by an import',
    );
    return versions.addVersion({
      content,
      author: by,
      status: 'active',
      source: 'user',
      message: 'Imported',
      files: references,
    });
  }

  recordUsage(name: string, version: number, traceId: string) {
    return this.options.store.usage.recordUsage(name, version, traceId);
  }

  recordOutcome(traceId: string, outcome: SkillOutcome) {
    return this.options.store.usage.recordOutcome(traceId, outcome);
  }

  async usage(name: string): Promise<SkillUsageSummary> {
    await this.head(name);
    return this.options.store.usage.usage(name);
  }

  usageOf(names: string[]) {
    return this.options.store.usage.usageOf(names);
  }

  private async storeDraft(
    content: SkillContent,
    options?: { traceId?: string; message?: string },
  ): Promise<SkillVersion> {
    const { versions } = this.options.store;
    const head = await versions.getSkill(content.name);
    refuseDirectorySkill(head, 'be changed by a draft');
    if (head?.status === 'active' && head.contentHash === content.contentHash) {
      throw new InputError(
        `The draft is the same as the active version ${head.version} of skill "${content.name}"`,
      );
    }
    return versions.addVersion({
      content,
      author: 'agent',
      status: 'draft',
      source: 'agent',
      message: options?.message,
      traceId: options?.traceId,
    });
  }

  private async head(name: string): Promise<StoredSkill> {
    const head = await this.options.store.versions.getSkill(name);
    if (!head) throw new NotFoundError(`No skill "${name}"`);
    return head;
  }

  /** The skill as the agent may use it: drafts are not in use until approved. */
  private async activeHead(name: string): Promise<StoredSkill> {
    const head = await this.options.store.versions.getSkill(name);
    if (head?.status !== 'active') {
      throw new NotFoundError(
        head
          ? `Skill "${name}" is a draft waiting for approval; it cannot be used yet`
          : `No skill "${name}"`,
      );
    }
    return head;
  }
}

function refuseDirectorySkill(head: StoredSkill | undefined, action: string) {
  if (head?.source === 'directory') {
    throw new ConflictError(
      `Skill "${head.name}" is read from ${head.location} and cannot ${action} here. ` +
        'Change that file in Git; Hermes reads it again when it starts.',
    );
  }
}
