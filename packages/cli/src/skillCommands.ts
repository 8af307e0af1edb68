import type {
  SkillDetails,
  SkillFile,
  SkillListItem,
  SkillVersion,
} from '@hermes-backstage/plugin-hermes-common';
import path from 'node:path';
import { CliError, connectPortal, Portal } from './portal';
import {
  findSkill,
  LocalSkill,
  readSkillFolder,
  readSkillsDirectory,
  writeSkillFolder,
} from './skillFiles';
import { table, when } from './taskFormat';
import { SKILL_USAGE } from './usage';
import { common } from './common';

type Print = (text: string) => void;

/** A description cut to fit a table row; the full text is in --output json and show. */
const brief = (text: string, max = 80) =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;

interface Options {
  command: string | undefined;
  args: string[];
  values: {
    skills?: string;
    portal?: string;
    query?: string;
    to?: string;
    force?: boolean;
  };
  json: boolean;
  print: Print;
  resolve: (p: string) => string;
}

/** Where the skills are: a directory (offline) or a portal. */
type Source = { dir: string } | { portal: () => Portal };

function source(values: Options['values'], command: string): Source {
  if (values.skills && values.portal) {
    throw new CliError(
      `hermes skills ${command} takes --skills <dir> or --portal <url>, not both`,
    );
  }
  if (values.skills) return { dir: values.skills };
  if (values.portal || process.env.HERMES_PORTAL_URL) {
    // Connecting checks the token; it runs once the command's own input has been read.
    return { portal: () => connectPortal(values.portal) };
  }
  throw new CliError(
    `hermes skills ${command} needs --skills <dir> (a directory of skill folders, offline) or --portal <url> (or HERMES_PORTAL_URL)`,
  );
}

/** `hermes skills <command> …`; returns the exit code, throws CliError for usage and input errors. */
export async function skillsCommand(options: Options): Promise<number> {
  const { command, args, values } = options;
  const commands = ['list', 'show', 'export', 'import'];
  if (!command || !commands.includes(command)) {
    throw new CliError(
      `hermes skills needs one of ${commands.join(', ')}${
        command ? `, not "${command}"` : ''
      }\nUsage:\n${SKILL_USAGE}`,
    );
  }
  const expected = command === 'list' ? 0 : 1;
  if (args.length !== expected) {
    const what = command === 'import' ? 'one skill folder' : 'one skill name';
    throw new CliError(
      expected
        ? `hermes skills ${command} takes ${what}`
        : `hermes skills list takes no arguments; name the directory with --skills <dir>`,
    );
  }
  const from = source(
    {
      ...values,
      skills: values.skills ? options.resolve(values.skills) : undefined,
    },
    command,
  );
  switch (command) {
    case 'list':
      return list(options, from);
    case 'show':
      return show(options, from, args[0]);
    case 'export':
      return exportSkill(options, from, args[0]);
    default:
      return importSkill(options, from, options.resolve(args[0]));
  }
}

async function list(options: Options, from: Source): Promise<number> {
  const { print, json } = options;
  const query = options.values.query?.toLowerCase();
  if ('dir' in from) {
    const { skills, problems } = await readSkillsDirectory(from.dir);
    const shown = skills.filter(
      s =>
        !query ||
        [s.document.name, s.document.description, s.document.body].some(t =>
          t.toLowerCase().includes(query),
        ),
    );
    if (json) {
      print(
        JSON.stringify(
          {
            skills: shown.map(s => ({
              name: s.document.name,
              description: s.document.description,
              tags: common().readHermesMetadata(s.document).tags,
              folder: s.folder,
              files: s.files.map(f => f.path),
            })),
            problems,
          },
          null,
          2,
        ),
      );
    } else {
      if (shown.length === 0) print(`No skills in ${from.dir}.`);
      else {
        const rows = shown.map(s => [
          s.document.name,
          common().readHermesMetadata(s.document).tags.join(', ') || '—',
          String(s.files.length - 1),
          brief(s.document.description),
        ]);
        print(table(['NAME', 'TAGS', 'FILES', 'DESCRIPTION'], rows));
      }
      for (const p of problems) print(`problem: ${p}`);
    }
    // An unreadable SKILL.md is an input error: the portal would refuse it too.
    return problems.length ? 2 : 0;
  }
  const portal = from.portal();
  const answer = await portal.request<{ skills: SkillListItem[] }>(
    'GET',
    `/skills${query ? `?q=${encodeURIComponent(query)}` : ''}`,
  );
  if (json) {
    print(JSON.stringify(answer, null, 2));
    return 0;
  }
  if (answer.skills.length === 0) {
    print(query ? `No skills match "${query}".` : 'No skills.');
    return 0;
  }
  const rows = answer.skills.map(s => [
    s.name,
    s.status === 'draft' ? 'draft' : `v${s.version}`,
    s.source,
    s.pendingDrafts ? String(s.pendingDrafts) : '—',
    String(s.usage.loaded),
    brief(s.description),
  ]);
  print(
    table(
      ['NAME', 'VERSION', 'SOURCE', 'DRAFTS', 'LOADED', 'DESCRIPTION'],
      rows,
    ),
  );
  return 0;
}

function describeLocal(skill: LocalSkill): string {
  const meta = common().readHermesMetadata(skill.document);
  const lines = [
    `${skill.document.name}: ${skill.document.description}`,
    `  folder: ${skill.folder}`,
  ];
  if (meta.tags.length) lines.push(`  tags:   ${meta.tags.join(', ')}`);
  if (meta.kinds.length) lines.push(`  kinds:  ${meta.kinds.join(', ')}`);
  if (meta.tools.length) lines.push(`  tools:  ${meta.tools.join(', ')}`);
  const refs = skill.files.slice(1).map(f => f.path);
  lines.push(`  files:  ${refs.join(', ') || 'none besides SKILL.md'}`);
  lines.push('', skill.document.body.trimEnd());
  return lines.join('\n');
}

function describeDetails(d: SkillDetails): string {
  const s = d.skill;
  const lines = [
    `${s.name}: ${s.description}`,
    `  status:   ${s.status}${
      s.version ? ` (version ${s.version})` : ''
    }, from ${s.source}${s.location ? ` (${s.location})` : ''}, updated ${when(
      s.updatedAt,
    )}`,
    `  used:     loaded ${d.usage.loaded} times, ${d.usage.successes} succeeded, ${d.usage.failures} failed`,
  ];
  if (d.effect) {
    lines.push(
      `  triage:   classified ${d.effect.classified} findings in ${d.effect.audits} audits, ${d.effect.modelCallsSaved} model calls saved`,
    );
  }
  if (s.pendingDrafts) lines.push(`  drafts:   ${s.pendingDrafts} waiting`);
  lines.push(`  files:    ${d.files.join(', ') || 'none besides SKILL.md'}`);
  lines.push(
    `  versions: ${d.versions
      .map(v => `v${v.version} ${v.status} by ${v.author}`)
      .join('; ')}`,
  );
  lines.push('', d.document.trimEnd());
  return lines.join('\n');
}

async function show(
  options: Options,
  from: Source,
  name: string,
): Promise<number> {
  const { print, json } = options;
  if ('dir' in from) {
    const skill = await findSkill(from.dir, name);
    if (json) {
      print(
        JSON.stringify(
          {
            ...skill.document,
            folder: skill.folder,
            files: skill.files.map(f => f.path),
          },
          null,
          2,
        ),
      );
    } else print(describeLocal(skill));
    return 0;
  }
  const details = await from
    .portal()
    .request<SkillDetails>('GET', `/skills/${encodeURIComponent(name)}`);
  print(json ? JSON.stringify(details, null, 2) : describeDetails(details));
  return 0;
}

async function exportSkill(
  options: Options,
  from: Source,
  name: string,
): Promise<number> {
  const { print, json, values } = options;
  const to = options.resolve(values.to ?? '.');
  let files: SkillFile[];
  if ('dir' in from) files = (await findSkill(from.dir, name)).files;
  else {
    ({ files } = await from
      .portal()
      .request<{ files: SkillFile[] }>(
        'GET',
        `/skills/${encodeURIComponent(name)}/export`,
      ));
  }
  const folder = path.join(to, name);
  await writeSkillFolder(folder, files, Boolean(values.force));
  const paths = files.map(f => f.path);
  if (json) print(JSON.stringify({ name, folder, files: paths }, null, 2));
  else print(`Exported ${name} to ${folder}: ${paths.join(', ')}`);
  return 0;
}

async function importSkill(
  options: Options,
  from: Source,
  folder: string,
): Promise<number> {
  const { print, json, values } = options;
  // Read and validate the folder first: a broken skill is named before any request.
  const skill = await readSkillFolder(folder);
  const name = skill.document.name;
  const paths = skill.files.map(f => f.path);
  if ('dir' in from) {
    const { skills } = await readSkillsDirectory(from.dir);
    const existing = skills.find(s => s.document.name === name);
    const target = existing?.folder ?? path.join(from.dir, name);
    if (path.resolve(target) === path.resolve(folder)) {
      throw new CliError(`${folder} is already skill "${name}" of ${from.dir}`);
    }
    if (existing && !values.force) {
      throw new CliError(
        `${from.dir} already has skill "${name}" in ${existing.folder}; pass --force to replace it`,
      );
    }
    await writeSkillFolder(target, skill.files, Boolean(values.force));
    if (json) {
      print(JSON.stringify({ name, folder: target, files: paths }, null, 2));
    } else print(`Imported ${name} into ${target}: ${paths.join(', ')}`);
    return 0;
  }
  const version = await from
    .portal()
    .request<SkillVersion>('POST', '/skills/import', { files: skill.files });
  if (json) print(JSON.stringify(version, null, 2));
  else {
    print(
      `Imported ${version.name} as version ${version.version} (${
        version.status
      }) with ${paths.length - 1} reference file${
        paths.length === 2 ? '' : 's'
      }.`,
    );
  }
  return 0;
}
