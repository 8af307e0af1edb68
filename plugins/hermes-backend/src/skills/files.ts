import { InputError, NotFoundError } from '@backstage/errors';
import {
  parseSkillDocument,
  SkillFile,
  SkillParseError,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DirectorySkill, MAX_DOCUMENT_CHARS, skillContent } from './content';
import { SkillFileStore } from './SkillFileStore';
import { SkillLoadError } from './SkillsService';
import { StoredSkill } from './SkillVersionStore';

// Directory skills live in folders on disk (shipped, or checked out from Git); the others keep
// their reference files in the database. This module reads the folders and hides the difference.

/** Reference files are read into prompts and responses whole; keep them small. */
const MAX_FILE_CHARS = 1_000_000;
const MAX_FILES = 100;

/**
 * Checks a reference file path: relative to the skill's folder, `/`-separated, with no `..`,
 * `.` or empty segment, so it can never leave the folder.
 */
function checkFilePath(file: string): string {
  const segments = file.split('/');
  if (
    file.length === 0 ||
    file.length > 512 ||
    /[\\\0]/.test(file) ||
    segments.some(s => s === '' || s === '.' || s === '..')
  ) {
    throw new InputError(
      `Refused file path "${file.slice(
        0,
        100,
      )}": use a relative path inside the skill's folder, ` +
        'with "/" between folders and no "..", e.g. "references/checklist.md"',
    );
  }
  return file;
}

/** The files of a directory skill's folder other than SKILL.md, as relative paths. */
async function listFolderFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(relative: string, depth: number) {
    let entries;
    try {
      entries = await fs.readdir(path.join(folder, relative), {
        withFileTypes: true,
      });
    } catch {
      return; // a folder that vanished has no files
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (found.length >= MAX_FILES || entry.name.startsWith('.')) continue;
      const file = relative ? `${relative}/${entry.name}` : entry.name;
      // Symbolic links are not followed: they could point outside the folder.
      if (entry.isDirectory() && depth < 4) await walk(file, depth + 1);
      else if (entry.isFile() && file !== 'SKILL.md') found.push(file);
    }
  }
  await walk('', 0);
  return found;
}

/** Reads one reference file of a directory skill, refusing anything outside its folder. */
async function readFolderFile(folder: string, file: string): Promise<string> {
  checkFilePath(file);
  let real: string;
  let realFolder: string;
  try {
    realFolder = await fs.realpath(folder);
    real = await fs.realpath(path.join(folder, file));
  } catch {
    throw new NotFoundError(`The skill has no file "${file}"`);
  }
  const relative = path.relative(realFolder, real);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new InputError(
      `Refused file path "${file}": it leads outside the skill's folder`,
    );
  }
  const stat = await fs.stat(real);
  if (!stat.isFile()) {
    throw new NotFoundError(`The skill has no file "${file}"`);
  }
  if (stat.size > MAX_FILE_CHARS) {
    throw new InputError(
      `File "${file}" of the skill is ${stat.size} bytes; at most ${MAX_FILE_CHARS} are read`,
    );
  }
  return fs.readFile(real, 'utf8');
}

/**
 * Splits an imported folder into its SKILL.md and reference files, with paths relative to
 * the skill's folder. Accepts the folder's contents (`SKILL.md`, `references/a.md`) or the
 * folder itself (`my-skill/SKILL.md`, `my-skill/references/a.md`).
 */
export function splitImport(files: Array<{ path: string; content: string }>): {
  document: { path: string; content: string };
  references: Array<{ path: string; content: string }>;
} {
  if (files.length === 0 || files.length > MAX_FILES + 1) {
    throw new InputError(
      `An import holds a SKILL.md and at most ${MAX_FILES} reference files; got ${files.length} files`,
    );
  }
  const seen = new Set<string>();
  for (const file of files) {
    checkFilePath(file.path);
    if (seen.has(file.path)) {
      throw new InputError(`The import has "${file.path}" twice`);
    }
    seen.add(file.path);
    if (file.content.length > MAX_FILE_CHARS) {
      throw new InputError(
        `"${file.path}" has ${file.content.length} characters; at most ${MAX_FILE_CHARS} are allowed`,
      );
    }
  }
  // The folder's contents, or the folder itself: one top folder holding the SKILL.md.
  const folders = new Set(files.map(f => f.path.split('/')[0]));
  const folder = [...folders][0];
  let prefix = '';
  if (!seen.has('SKILL.md')) {
    if (folders.size !== 1 || !seen.has(`${folder}/SKILL.md`)) {
      throw new InputError(
        'The import needs the SKILL.md at the top of the skill\'s folder ("SKILL.md" or "<folder>/SKILL.md"), ' +
          'with every other file in that folder',
      );
    }
    prefix = `${folder}/`;
  }
  const relative = files.map(f => ({
    path: f.path.slice(prefix.length),
    content: f.content,
  }));
  return {
    document: relative.find(f => f.path === 'SKILL.md')!,
    references: relative.filter(f => f.path !== 'SKILL.md'),
  };
}

/** Paths of a skill's reference files: in its folder for a directory skill, else stored. */
export function listSkillFiles(
  head: StoredSkill,
  store: SkillFileStore,
): Promise<string[]> {
  return head.source === 'directory' && head.location
    ? listFolderFiles(path.dirname(head.location))
    : store.list(head.name);
}

/** One reference file of a skill, from its folder or from the database. */
export async function readSkillFile(
  head: StoredSkill,
  file: string,
  store: SkillFileStore,
): Promise<string> {
  if (head.source === 'directory' && head.location) {
    return readFolderFile(path.dirname(head.location), file);
  }
  const content = await store.get(head.name, checkFilePath(file));
  if (content === undefined) {
    throw new NotFoundError(`Skill "${head.name}" has no file "${file}"`);
  }
  return content;
}

/** Every reference file of a skill with its content, as an export holds them. */
export async function readSkillFiles(
  head: StoredSkill,
  store: SkillFileStore,
): Promise<SkillFile[]> {
  if (head.source !== 'directory') return store.listContents(head.name);
  const files = await listSkillFiles(head, store);
  return Promise.all(
    files.map(async file => ({
      path: file,
      content: await readSkillFile(head, file, store),
    })),
  );
}

/**
 * The skills in every sub-folder of the directories, each folder holding a SKILL.md. What
 * cannot be read, and a name defined twice, becomes an error naming the file; the rest load.
 */
export async function readSkillDirectories(
  directories: string[],
): Promise<{ skills: DirectorySkill[]; errors: SkillLoadError[] }> {
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
  return { skills: [...byName.values()], errors };
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
    if (document.length > MAX_DOCUMENT_CHARS) {
      errors.push({
        location,
        message: `${document.length} characters; a skill may have at most ${MAX_DOCUMENT_CHARS}`,
      });
      continue;
    }
    // One broken skill is reported and skipped; it never stops the backend from starting.
    try {
      skills.push({
        ...skillContent(parseSkillDocument(document, location), document),
        location,
      });
    } catch (error) {
      errors.push({
        location,
        message:
          error instanceof SkillParseError
            ? error.detail
            : (error as Error).message,
      });
    }
  }
  return skills;
}
