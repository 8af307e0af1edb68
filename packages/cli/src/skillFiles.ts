import type {
  SkillDocument,
  SkillFile,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './portal';
import { common } from './common';

// The same bounds the portal applies to a skill's folder, so what passes here imports there.
const MAX_FILES = 100;
const MAX_DEPTH = 4;
const MAX_FILE_CHARS = 1_000_000;

/** A skill folder on disk: SKILL.md parsed, and its reference files. */
export interface LocalSkill {
  folder: string;
  document: SkillDocument;
  /** SKILL.md first, then the reference files, relative to the folder. */
  files: SkillFile[];
}

const isDirectory = (p: string) =>
  fs.stat(p).then(
    s => s.isDirectory(),
    () => false,
  );

/**
 * Reads one skill folder; throws a CliError naming the file for anything unreadable. With
 * `references: false` only SKILL.md is read (what triage needs).
 */
export async function readSkillFolder(
  folder: string,
  options: { references?: boolean } = {},
): Promise<LocalSkill> {
  if (!(await isDirectory(folder))) {
    throw new CliError(`no such skill folder: ${folder}`);
  }
  const skillFile = path.join(folder, 'SKILL.md');
  const text = await fs.readFile(skillFile, 'utf8').catch(() => undefined);
  if (text === undefined) {
    throw new CliError(
      `${folder} has no SKILL.md: a skill is a folder with SKILL.md (YAML front matter with name and description, then Markdown)`,
    );
  }
  let document: SkillDocument;
  try {
    document = common().parseSkillDocument(text, skillFile);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const files: SkillFile[] = [{ path: 'SKILL.md', content: text }];
  async function walk(relative: string, depth: number) {
    const entries = await fs.readdir(path.join(folder, relative), {
      withFileTypes: true,
    });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const file = relative ? `${relative}/${entry.name}` : entry.name;
      // Symbolic links are not followed: they could point outside the folder.
      if (entry.isDirectory() && depth < MAX_DEPTH) {
        await walk(file, depth + 1);
      } else if (entry.isFile() && file !== 'SKILL.md') {
        if (files.length > MAX_FILES) {
          throw new CliError(
            `${folder} has more than ${MAX_FILES} reference files; a skill holds at most ${MAX_FILES}`,
          );
        }
        const bytes = await fs.readFile(path.join(folder, file));
        const content = new TextDecoder('utf-8', { fatal: false }).decode(
          bytes,
        );
        if (content.includes('\uFFFD')) {
          throw new CliError(
            `${path.join(
              folder,
              file,
            )} is not UTF-8 text; a skill's reference files are text`,
          );
        }
        if (content.length > MAX_FILE_CHARS) {
          throw new CliError(
            `${path.join(folder, file)} has ${
              content.length
            } characters, over the limit of ${MAX_FILE_CHARS}`,
          );
        }
        files.push({ path: file, content });
      }
    }
  }
  if (options.references !== false) await walk('', 0);
  return { folder, document, files };
}

/**
 * Every skill in a directory of skill folders. A folder whose SKILL.md cannot be read is a
 * problem, not a reason to drop the others.
 */
export async function readSkillsDirectory(
  dir: string,
  options: { references?: boolean } = {},
): Promise<{ skills: LocalSkill[]; problems: string[] }> {
  if (!(await isDirectory(dir))) {
    throw new CliError(`no such skills directory: ${dir}`);
  }
  const skills: LocalSkill[] = [];
  const problems: string[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const folder = path.join(dir, entry.name);
    // Folders without SKILL.md (assets, notes) are not skills.
    const hasSkill = await fs.stat(path.join(folder, 'SKILL.md')).then(
      () => true,
      () => false,
    );
    if (!hasSkill) continue;
    try {
      const skill = await readSkillFolder(folder, options);
      const twin = skills.find(s => s.document.name === skill.document.name);
      if (twin) {
        problems.push(
          `${folder}: skill "${skill.document.name}" is also in ${twin.folder}; names must be unique`,
        );
      } else skills.push(skill);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { skills, problems };
}

/** The skill named `name` in a directory, or a CliError listing what is there. */
export async function findSkill(dir: string, name: string) {
  const { skills, problems } = await readSkillsDirectory(dir);
  const skill = skills.find(s => s.document.name === name);
  if (skill) return skill;
  const unreadable = problems.length
    ? `\n${problems.map(p => `problem: ${p}`).join('\n')}`
    : '';
  throw new CliError(
    `no skill named "${name}" in ${dir}; it has: ${
      skills.map(s => s.document.name).join(', ') || 'no readable skills'
    }${unreadable}`,
  );
}

/** A file path from an export, checked so that writing it cannot leave the skill's folder. */
function safeRelative(file: string): string {
  const segments = file.split('/');
  if (
    !file ||
    /[\\\0]/.test(file) ||
    segments.some(s => s === '' || s === '.' || s === '..')
  ) {
    throw new CliError(
      `refused to write "${file.slice(
        0,
        100,
      )}": not a relative path inside the skill's folder`,
    );
  }
  return path.join(...segments);
}

/**
 * Writes a skill's files into `folder`. An existing folder is replaced only with `force`,
 * so an export never silently overwrites someone's edits.
 */
export async function writeSkillFolder(
  folder: string,
  files: SkillFile[],
  force: boolean,
): Promise<void> {
  const relatives = files.map(f => safeRelative(f.path));
  const existing = await fs.readdir(folder).catch(() => undefined);
  if (existing && existing.length > 0) {
    if (!force) {
      throw new CliError(
        `${folder} already exists and is not empty; pass --force to replace it`,
      );
    }
    await fs.rm(folder, { recursive: true });
  }
  for (const [i, file] of files.entries()) {
    const target = path.join(folder, relatives[i]);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.content);
  }
}
