import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLibraryPortal } from './__testUtils__/libraryPortal';
import { run, runBinary } from './__testUtils__/run';

const shipped = path.resolve(__dirname, '../../../skills');
const USER_TOKEN = 'user-token-51c0';
const STATIC_TOKEN = 'static-token-9e8d';

const skillText = (name: string, description = `Handles ${name}.`) =>
  `---\nname: ${name}\ndescription: ${description}\nmetadata:\n  hermes:\n    tags: [demo, ${name}]\n---\n\n# ${name}\n\nSteps for ${name}.\n`;

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-skills-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(file: string, content: string) {
  fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
  fs.writeFileSync(path.join(tmp, file), content);
}
const read = (file: string) => fs.readFileSync(path.join(tmp, file), 'utf8');

describe('hermes skills, offline on a directory', () => {
  it('lists the shipped skills with their tags', async () => {
    const { code, out } = await run('skills', 'list', '--skills', shipped);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual([
      'NAME',
      'TAGS',
      'FILES',
      'DESCRIPTION',
    ]);
    expect(lines.map(l => l.split(/\s{2,}/)[0])).toEqual(
      expect.arrayContaining([
        'knative-autoscaler-drift',
        'kyverno-drift-response',
      ]),
    );
    expect(out).toMatch(/kyverno-drift-response\s+kyverno, policy, drift/);
  });

  it('lists readable skills, names each broken SKILL.md with its line, and exits 2', async () => {
    write('good/SKILL.md', skillText('good'));
    write('good/references/checklist.md', '- check\n');
    write(
      'bad/SKILL.md',
      '---\nname: bad\ndescription: [unclosed\n---\n\nbody\n',
    );
    write('twin/SKILL.md', skillText('good'));
    write('assets/logo.txt', 'not a skill');
    const { code, out } = await run(
      'skills',
      'list',
      '--skills',
      tmp,
      '--output',
      'json',
    );
    expect(code).toBe(2);
    const answer = JSON.parse(out);
    expect(answer.skills).toEqual([
      {
        name: 'good',
        description: 'Handles good.',
        tags: ['demo', 'good'],
        folder: path.join(tmp, 'good'),
        files: ['SKILL.md', 'references/checklist.md'],
      },
    ]);
    const [bad, ...rest] = answer.problems;
    // The temporary path is text, not a pattern: compare it as a prefix.
    expect(bad.startsWith(`${path.join(tmp, 'bad/SKILL.md')}: `)).toBe(true);
    expect(bad).toMatch(/: invalid YAML in front matter at line \d+/);
    expect(rest).toEqual([
      `${path.join(tmp, 'twin')}: skill "good" is also in ${path.join(
        tmp,
        'good',
      )}; names must be unique`,
    ]);
  });

  it('shows a skill by name, and names the skills there when the name is unknown', async () => {
    const { code, out } = await run(
      'skills',
      'show',
      'kyverno-drift-response',
      '--skills',
      shipped,
    );
    expect(code).toBe(0);
    expect(out).toContain(
      `  folder: ${path.join(shipped, 'kyverno-drift-response')}`,
    );
    expect(out).toContain('# Kyverno policy drift response');
    await expect(
      run('skills', 'show', 'nope', '--skills', shipped),
    ).rejects.toThrow(/no skill named "nope" in .*; it has: .*kyverno/);
  });

  it('exports a skill folder, and replaces an earlier export only with --force', async () => {
    write('lib/one/SKILL.md', skillText('one'));
    write('lib/one/references/steps.md', 'step 1\n');
    const args = [
      'skills',
      'export',
      'one',
      '--skills',
      path.join(tmp, 'lib'),
      '--to',
      path.join(tmp, 'out'),
    ];
    const { code, out } = await run(...args);
    expect(code).toBe(0);
    expect(out).toBe(
      `Exported one to ${path.join(
        tmp,
        'out/one',
      )}: SKILL.md, references/steps.md`,
    );
    expect(read('out/one/references/steps.md')).toBe('step 1\n');

    write('out/one/local-notes.md', 'mine');
    await expect(run(...args)).rejects.toThrow(
      `${path.join(
        tmp,
        'out/one',
      )} already exists and is not empty; pass --force to replace it`,
    );
    expect(read('out/one/local-notes.md')).toBe('mine');
    expect((await run(...args, '--force')).code).toBe(0);
    expect(fs.readdirSync(path.join(tmp, 'out/one')).sort()).toEqual([
      'SKILL.md',
      'references',
    ]);
  });

  it('imports a folder into a skills directory after checking it, never over an existing skill without --force', async () => {
    write('new/SKILL.md', skillText('fresh-skill'));
    write('lib/other/SKILL.md', skillText('other'));
    const lib = path.join(tmp, 'lib');
    const { code } = await run(
      'skills',
      'import',
      path.join(tmp, 'new'),
      '--skills',
      lib,
    );
    expect(code).toBe(0);
    expect(read('lib/fresh-skill/SKILL.md')).toBe(skillText('fresh-skill'));

    await expect(
      run('skills', 'import', path.join(tmp, 'new'), '--skills', lib),
    ).rejects.toThrow(
      `${lib} already has skill "fresh-skill" in ${path.join(
        lib,
        'fresh-skill',
      )}; pass --force to replace it`,
    );

    write('broken/SKILL.md', '---\nname: Not Valid\ndescription: x\n---\n');
    await expect(
      run('skills', 'import', path.join(tmp, 'broken'), '--skills', lib),
    ).rejects.toThrow(
      `${path.join(
        tmp,
        'broken/SKILL.md',
      )}: name: must be lowercase letters, digits and single hyphens`,
    );
    expect(fs.readdirSync(lib).sort()).toEqual(['fresh-skill', 'other']);
  });
});

describe('hermes skills against a portal', () => {
  let portal: Awaited<ReturnType<typeof startLibraryPortal>>;
  const saved = { ...process.env };
  beforeEach(async () => {
    portal = await startLibraryPortal({
      user: USER_TOKEN,
      service: STATIC_TOKEN,
    });
    process.env.HERMES_TOKEN = USER_TOKEN;
    process.env.HERMES_PORTAL_URL = portal.url;
  });
  afterEach(async () => {
    process.env = { ...saved };
    await portal.close();
  });

  it('imports a folder with its reference files, then lists, shows and exports it', async () => {
    write('src/runbook/SKILL.md', skillText('runbook'));
    write('src/runbook/references/checklist.md', '- look\n');
    write('src/runbook/.DS_Store', 'ignored');
    const imported = await run(
      'skills',
      'import',
      path.join(tmp, 'src/runbook'),
    );
    expect(imported).toEqual({
      code: 0,
      out: 'Imported runbook as version 1 (active) with 1 reference file.',
    });
    expect(portal.requests.at(-1)).toEqual({
      method: 'POST',
      url: '/api/hermes/skills/import',
      body: {
        files: [
          { path: 'SKILL.md', content: skillText('runbook') },
          { path: 'references/checklist.md', content: '- look\n' },
        ],
      },
    });

    const listed = await run('skills', 'list', '--query', 'Runbook');
    expect(portal.requests.at(-1)?.url).toBe('/api/hermes/skills?q=runbook');
    expect(listed.out.split('\n')[1].split(/\s{2,}/)).toEqual([
      'runbook',
      'v1',
      'user',
      '—',
      '3',
      'Handles runbook.',
    ]);

    const shown = await run('skills', 'show', 'runbook');
    expect(shown.out).toContain('  files:    references/checklist.md');
    expect(shown.out).toContain('# runbook');

    const exported = await run(
      'skills',
      'export',
      'runbook',
      '--to',
      path.join(tmp, 'back'),
      '--output',
      'json',
    );
    expect(JSON.parse(exported.out)).toEqual({
      name: 'runbook',
      folder: path.join(tmp, 'back/runbook'),
      files: ['SKILL.md', 'references/checklist.md'],
    });
    expect(read('back/runbook/references/checklist.md')).toBe('- look\n');
  });

  it('refuses an export whose file path would leave the folder, writing nothing', async () => {
    portal.skills.set('evil', {
      version: 1,
      files: [
        { path: 'SKILL.md', content: skillText('evil') },
        { path: '../../escaped.md', content: 'x' },
      ],
    });
    await expect(
      run('skills', 'export', 'evil', '--to', path.join(tmp, 'out')),
    ).rejects.toThrow('refused to write "../../escaped.md"');
    expect(fs.existsSync(path.join(tmp, 'out'))).toBe(false);
  });

  it('names a broken SKILL.md before asking for a token or calling the portal', async () => {
    write('bad/SKILL.md', 'no front matter\n');
    delete process.env.HERMES_TOKEN;
    await expect(
      run('skills', 'import', path.join(tmp, 'bad')),
    ).rejects.toThrow(
      `${path.join(tmp, 'bad/SKILL.md')}: missing YAML front matter`,
    );
    await expect(run('skills', 'list')).rejects.toThrow(
      'no token: set HERMES_TOKEN',
    );
    expect(portal.requests).toEqual([]);
  });

  it('exits 2 naming what the portal refused: a static token where a user is needed, a wrong token, an unknown skill', async () => {
    const asService = await runBinary(
      ['skills', 'list', '--portal', portal.url],
      { HERMES_TOKEN: STATIC_TOKEN },
    );
    expect(asService.code).toBe(2);
    expect(asService.stderr).toBe(
      "hermes: not allowed: This endpoint does not allow 'service' credentials (403: the portal refused GET /skills for the token in HERMES_TOKEN; this needs a user token, and HERMES_TOKEN holds a static (service) token)\n",
    );
    const wrong = await runBinary(['skills', 'show', 'x'], {
      HERMES_TOKEN: 'wrong-token-77aa',
      HERMES_PORTAL_URL: portal.url,
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      'refused the token in HERMES_TOKEN (401: Illegal token) for GET /skills/x',
    );
    expect(wrong.stderr).not.toContain('wrong-token-77aa');
    await expect(run('skills', 'show', 'missing')).rejects.toThrow(
      'No skill named "missing" (404 for GET /skills/missing)',
    );
  });

  it('takes a directory or a portal, not both, and says which is missing', async () => {
    await expect(
      run('skills', 'list', '--skills', shipped, '--portal', portal.url),
    ).rejects.toThrow('takes --skills <dir> or --portal <url>, not both');
    delete process.env.HERMES_PORTAL_URL;
    await expect(run('skills', 'list')).rejects.toThrow(
      'hermes skills list needs --skills <dir>',
    );
    await expect(run('skills', 'remove', 'x')).rejects.toThrow(
      'hermes skills needs one of list, show, export, import, not "remove"',
    );
  });
});
