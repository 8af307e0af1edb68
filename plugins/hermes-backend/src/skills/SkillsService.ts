import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  describeSecrets,
  estimateTokens,
  parseSkillDocument,
  readHermesMetadata,
  SkillDetails,
  SkillDocument,
  SkillFile,
  SkillIndexEntry,
  SkillOutcome,
  SkillParseError,
  SkillSearchHit,
  SkillUsageSummary,
  SkillVersion,
  SkillVersionSummary,
} from '@hermes-backstage/plugin-hermes-common';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  checkFilePath,
  listFolderFiles,
  readFolderFile,
  splitImport,
} from './files';
import {
  DirectorySkill,
  SkillContent,
  SkillStore,
  SkillSummary,
  StoredSkill,
} from './SkillStore';

export interface SkillLoadError {
  location: string;
  message: string;
}

/** The catalog entity a task is about, as far as choosing skills goes. */
export interface SkillIndexEntity {
  kind: string;
  annotations?: Record<string, string>;
  tags?: string[];
}

export interface SkillIndexRequest {
  /** The task or question, in free text. */
  task: string;
  entity?: SkillIndexEntity;
  /** At most this many skills (default 12). */
  limit?: number;
}

/** A skill's body or one of its reference files, as the agent reads it. */
export interface SkillView {
  name: string;
  version: number;
  /** The reference file shown; absent for the body. */
  file?: string;
  content: string;
  /** Reference files the skill has, for further `view` calls. */
  files: string[];
}

/** The skills library as the rest of Hermes sees it. */
export interface SkillsService {
  /** Active skills, and with `includeDrafts` those that are only drafts too. */
  listSkills(options?: { includeDrafts?: boolean }): Promise<SkillSummary[]>;
  /** Every active skill, parsed (for triage rules and other metadata). */
  listDocuments(): Promise<SkillDocument[]>;
  /** Problems met the last time the skill directories were read. */
  loadErrors(): SkillLoadError[];
  /** Re-reads every skill directory into the library. */
  reloadDirectories(): Promise<void>;

  getSkill(name: string): Promise<SkillDetails>;
  /** Active skills matching any word of `query`, most relevant first (10, at most 50). */
  search(
    query: string,
    options?: { limit?: number },
  ): Promise<SkillSearchHit[]>;
  /** The active skills most relevant to a task (and entity), for the prompt. */
  skillIndex(request: SkillIndexRequest): Promise<SkillIndexEntry[]>;
  /** The active body, or a reference file; counts as a use by `traceId` when given. */
  view(
    name: string,
    options?: { file?: string; traceId?: string },
  ): Promise<SkillView>;

  /**
   * Saves a document written by a person as the new active version, creating the skill if
   * new. `name`, when given, must be the document's name. Saving the active text again
   * returns the active version without adding one.
   */
  save(
    document: string,
    by: string,
    options?: { name?: string; message?: string },
  ): Promise<SkillVersion>;
  /** Stores a document proposed by the agent as a draft waiting for approval. */
  draft(
    document: string,
    options?: { traceId?: string; message?: string },
  ): Promise<SkillVersion>;
  /** Replaces the one occurrence of `oldText` in the active document; stored as a draft. */
  patch(
    name: string,
    change: { oldText: string; newText: string },
    options?: { traceId?: string; message?: string },
  ): Promise<SkillVersion>;
  versions(name: string): Promise<SkillVersionSummary[]>;
  getVersion(name: string, version: number): Promise<SkillVersion>;
  /** Unified diff of the SKILL.md text between two versions. */
  diff(name: string, from: number, to: number): Promise<string>;
  /** A new active version with the text of an earlier one; history is kept. */
  rollback(name: string, version: number, by: string): Promise<SkillVersion>;
  approve(name: string, version: number, by: string): Promise<SkillVersion>;
  reject(
    name: string,
    version: number,
    by: string,
    reason?: string,
  ): Promise<SkillVersion>;
  /** Removes a user or agent skill with its versions and files. */
  deleteSkill(name: string): Promise<void>;
  /** SKILL.md and the reference files of the active version. */
  exportSkill(name: string): Promise<{ files: SkillFile[] }>;
  /** Saves a SKILL.md folder as the new active version, replacing its reference files. */
  importSkill(files: SkillFile[], by: string): Promise<SkillVersion>;

  recordUsage(name: string, version: number, traceId: string): Promise<void>;
  /** How the agent run ended, for every skill it loaded. */
  recordOutcome(traceId: string, outcome: SkillOutcome): Promise<void>;
  usage(name: string): Promise<SkillUsageSummary>;
}

const MAX_DOCUMENT_CHARS = 100_000;
const DEFAULT_INDEX_SIZE = 12;

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

  listSkills(options?: { includeDrafts?: boolean }) {
    return this.options.store.listSkills(options);
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

  async getSkill(name: string): Promise<SkillDetails> {
    const head = await this.head(name);
    const { document, ...skill } = head;
    const [files, versions, usage] = await Promise.all([
      this.fileNames(head),
      this.options.store.listVersions(name),
      this.options.store.usage(name),
    ]);
    return { skill, document, files, versions, usage };
  }

  async search(
    query: string,
    options?: { limit?: number },
  ): Promise<SkillSearchHit[]> {
    const limit = Math.min(Math.max(options?.limit ?? 10, 1), 50);
    const hits = await this.options.store.search(query, limit);
    return hits.map(({ score: _, ...hit }) => hit);
  }

  async skillIndex(request: SkillIndexRequest): Promise<SkillIndexEntry[]> {
    const { store } = this.options;
    const limit = request.limit ?? DEFAULT_INDEX_SIZE;
    const [ranked, fields] = await Promise.all([
      store.rank(request.task, 100),
      store.listIndexFields(),
    ]);
    // Relevance relative to the best match, so it weighs the same on both databases.
    const best = ranked[0]?.score ?? 0;
    const relevance = new Map(
      ranked.map(r => [r.name, best > 0 ? r.score / best : 0]),
    );
    const entityTags = new Set(
      (request.entity?.tags ?? []).map(t => t.toLowerCase()),
    );
    const eligible = fields.flatMap(skill => {
      const fit = applicability(skill.appliesTo, request.entity);
      if (fit === undefined) return [];
      const sharedTags = skill.tags.filter(t =>
        entityTags.has(t.toLowerCase()),
      ).length;
      const score =
        (relevance.get(skill.name) ?? 0) + fit + 0.25 * Math.min(sharedTags, 2);
      return [{ name: skill.name, score }];
    });
    // A small library costs little: offer all of it. A large one only what matches.
    const everything = eligible.length <= limit;
    const chosen = eligible
      .filter(skill => everything || skill.score > 0)
      .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
      .slice(0, limit);
    if (chosen.length === 0) return [];
    const descriptions = await store.getDescriptions(chosen.map(c => c.name));
    return chosen.map(c => ({
      name: c.name,
      description: descriptions.get(c.name) ?? '',
    }));
  }

  async view(
    name: string,
    options?: { file?: string; traceId?: string },
  ): Promise<SkillView> {
    const head = await this.activeHead(name);
    const version = head.version!;
    const files = await this.fileNames(head);
    const content = options?.file
      ? await this.readFile(head, options.file)
      : parseSkillDocument(head.document, `skill ${name}`).body;
    if (options?.traceId) {
      await this.options.store.recordUsage(name, version, options.traceId);
    }
    return { name, version, file: options?.file, content, files };
  }

  async save(
    document: string,
    by: string,
    options?: { name?: string; message?: string },
  ): Promise<SkillVersion> {
    const content = this.prepare(document, 'SKILL.md', options?.message);
    if (options?.name !== undefined && content.name !== options.name) {
      throw new InputError(
        `SKILL.md: name "${content.name}" does not match the skill being saved, "${options.name}"`,
      );
    }
    const head = await this.options.store.getSkill(content.name);
    refuseDirectorySkill(head, 'be edited');
    if (head?.status === 'active' && head.contentHash === content.contentHash) {
      return this.getVersion(content.name, head.version!);
    }
    return this.options.store.addVersion({
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
      this.prepare(document, 'SKILL.md', options?.message),
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
    const where = `version ${head.version} of skill "${name}"`;
    if (change.oldText.length === 0) {
      throw new InputError(
        `oldText is empty: give the exact text to replace in ${where}`,
      );
    }
    const count = head.document.split(change.oldText).length - 1;
    if (count !== 1) {
      throw new InputError(
        count === 0
          ? `oldText was not found in ${where}; copy it exactly from the skill's current text`
          : `oldText occurs ${count} times in ${where}; include more of the surrounding text so it occurs once`,
      );
    }
    const document = head.document.replace(
      change.oldText,
      () => change.newText,
    );
    const content = this.prepare(
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
    const versions = await this.options.store.listVersions(name);
    if (versions.length === 0) throw new NotFoundError(`No skill "${name}"`);
    return versions;
  }

  async getVersion(name: string, version: number): Promise<SkillVersion> {
    const found = await this.options.store.getVersion(name, version);
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
    return this.options.store.addVersion({
      content: this.prepare(target.document, `version ${version} of "${name}"`),
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
    const content = this.prepare(
      draft.document,
      `draft version ${version} of "${name}"`,
    );
    return this.options.store.approveDraft(name, version, by, content);
  }

  async reject(
    name: string,
    version: number,
    by: string,
    reason?: string,
  ): Promise<SkillVersion> {
    refuseSecrets(reason, 'the reason');
    await this.getVersion(name, version);
    return this.options.store.rejectDraft(name, version, by, reason);
  }

  async deleteSkill(name: string): Promise<void> {
    refuseDirectorySkill(await this.head(name), 'be deleted');
    await this.options.store.deleteSkill(name);
  }

  async exportSkill(name: string): Promise<{ files: SkillFile[] }> {
    const head = await this.activeHead(name);
    const references =
      head.source === 'directory'
        ? await Promise.all(
            (
              await this.fileNames(head)
            ).map(async file => ({
              path: file,
              content: await this.readFile(head, file),
            })),
          )
        : await this.options.store.listFileContents(name);
    return {
      files: [{ path: 'SKILL.md', content: head.document }, ...references],
    };
  }

  async importSkill(files: SkillFile[], by: string): Promise<SkillVersion> {
    const { document, references } = splitImport(files);
    const content = this.prepare(document.content, document.path);
    for (const file of references) {
      refuseSecrets(file.content, `file "${file.path}"`);
    }
    refuseDirectorySkill(
      await this.options.store.getSkill(content.name),
      'be replaced by an import',
    );
    return this.options.store.addVersion({
      content,
      author: by,
      status: 'active',
      source: 'user',
      message: 'Imported',
      files: references,
    });
  }

  recordUsage(name: string, version: number, traceId: string) {
    return this.options.store.recordUsage(name, version, traceId);
  }

  recordOutcome(traceId: string, outcome: SkillOutcome) {
    return this.options.store.recordOutcome(traceId, outcome);
  }

  async usage(name: string): Promise<SkillUsageSummary> {
    await this.head(name);
    return this.options.store.usage(name);
  }

  /** Parses, size- and secret-checks a document written through the API. */
  private prepare(
    document: string,
    location: string,
    message?: string,
  ): SkillContent {
    if (document.length > MAX_DOCUMENT_CHARS) {
      throw new InputError(
        `${location}: ${document.length} characters; a skill may have at most ${MAX_DOCUMENT_CHARS}. ` +
          'Move long material into reference files.',
      );
    }
    let parsed: SkillDocument;
    try {
      parsed = parseSkillDocument(document, location);
    } catch (error) {
      if (error instanceof SkillParseError) throw new InputError(error.message);
      throw error;
    }
    refuseSecrets(document, `skill "${parsed.name}"`);
    refuseSecrets(message, 'the change message');
    return skillContent(parsed, document);
  }

  private async storeDraft(
    content: SkillContent,
    options?: { traceId?: string; message?: string },
  ): Promise<SkillVersion> {
    const head = await this.options.store.getSkill(content.name);
    refuseDirectorySkill(head, 'be changed by a draft');
    if (head?.status === 'active' && head.contentHash === content.contentHash) {
      throw new InputError(
        `The draft is the same as the active version ${head.version} of skill "${content.name}"`,
      );
    }
    return this.options.store.addVersion({
      content,
      author: 'agent',
      status: 'draft',
      source: 'agent',
      message: options?.message,
      traceId: options?.traceId,
    });
  }

  private async head(name: string): Promise<StoredSkill> {
    const head = await this.options.store.getSkill(name);
    if (!head) throw new NotFoundError(`No skill "${name}"`);
    return head;
  }

  /** The skill as the agent may use it: drafts are not in use until approved. */
  private async activeHead(name: string): Promise<StoredSkill> {
    const head = await this.options.store.getSkill(name);
    if (head?.status !== 'active') {
      throw new NotFoundError(
        head
          ? `Skill "${name}" is a draft waiting for approval; it cannot be used yet`
          : `No skill "${name}"`,
      );
    }
    return head;
  }

  private fileNames(head: StoredSkill): Promise<string[]> {
    return head.source === 'directory' && head.location
      ? listFolderFiles(path.dirname(head.location))
      : this.options.store.listFiles(head.name);
  }

  private async readFile(head: StoredSkill, file: string): Promise<string> {
    if (head.source === 'directory' && head.location) {
      return readFolderFile(path.dirname(head.location), file);
    }
    const content = await this.options.store.getFile(
      head.name,
      checkFilePath(file),
    );
    if (content === undefined) {
      throw new NotFoundError(`Skill "${head.name}" has no file "${file}"`);
    }
    return content;
  }
}

/**
 * How well a skill's declared applicability fits the entity: undefined when it declares
 * entity kinds or annotations the entity does not have, else 1 for each that matches, which
 * outweighs any text relevance (at most 1): a skill written for this kind of entity wins.
 */
function applicability(
  appliesTo: { entityKinds: string[]; annotations: string[] } | undefined,
  entity: SkillIndexEntity | undefined,
): number | undefined {
  if (!entity || !appliesTo) return 0;
  let fit = 0;
  if (appliesTo.entityKinds.length > 0) {
    const kind = entity.kind.toLowerCase();
    if (!appliesTo.entityKinds.some(k => k.toLowerCase() === kind)) {
      return undefined;
    }
    fit += 1;
  }
  if (appliesTo.annotations.length > 0) {
    const present = entity.annotations ?? {};
    if (!appliesTo.annotations.some(key => key in present)) return undefined;
    fit += 1;
  }
  return fit;
}

function refuseDirectorySkill(head: StoredSkill | undefined, action: string) {
  if (head?.source === 'directory') {
    throw new ConflictError(
      `Skill "${head.name}" is read from ${head.location} and cannot ${action} here. ` +
        'Change that file in Git; Hermes reads it again when it starts.',
    );
  }
}

function refuseSecrets(text: string | undefined, where: string) {
  const problem = text ? describeSecrets(text, where) : undefined;
  if (problem) throw new InputError(problem);
}

function skillContent(parsed: SkillDocument, document: string): SkillContent {
  const hermes = readHermesMetadata(parsed);
  return {
    name: parsed.name,
    description: parsed.description,
    document,
    contentHash: createHash('sha256').update(document).digest('hex'),
    tags: hermes.tags,
    body: parsed.body,
    appliesTo: {
      entityKinds: hermes.entityKinds,
      annotations: hermes.annotations,
    },
  };
}

/**
 * The skill index as prompt text, one `- name: description` line per skill, descriptions
 * shortened to `descriptionChars`, stopping before the text would exceed `maxTokens`.
 */
export function renderSkillIndex(
  entries: SkillIndexEntry[],
  options?: { maxTokens?: number; descriptionChars?: number },
): string {
  const maxTokens = options?.maxTokens ?? 1500;
  const descriptionChars = options?.descriptionChars ?? 160;
  const lines: string[] = [];
  let tokens = 0;
  for (const entry of entries) {
    const line = `- ${entry.name}: ${shorten(
      entry.description,
      descriptionChars,
    )}`;
    const cost = estimateTokens(`${line}\n`);
    if (tokens + cost > maxTokens) break;
    lines.push(line);
    tokens += cost;
  }
  return lines.join('\n');
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  // Cut at the last whole word that fits, leaving room for the ellipsis.
  const space = flat.lastIndexOf(' ', max - 1);
  const cut = flat.slice(0, space > max / 2 ? space : max - 1);
  return `${cut.trimEnd()}…`;
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
      skills.push({
        ...skillContent(parseSkillDocument(document, location), document),
        location,
      });
    } catch (error) {
      if (!(error instanceof SkillParseError)) throw error;
      errors.push({ location, message: error.detail });
    }
  }
  return skills;
}
