import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBinary } from './__testUtils__/run';

const kyverno = path.resolve(
  __dirname,
  '../../../examples/gitops/infrastructure/kyverno',
);
const pod = (image: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: demo }\nspec:\n  containers:\n    - name: web\n      image: "${image}"\n      resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 100m, memory: 64Mi } }\n`;

describe('the hermes binary', () => {
  // Created while the cases are declared, since they name its files.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-bin-'));
  beforeAll(() => {
    fs.writeFileSync(path.join(tmp, 'latest.yaml'), pod('nginx:latest'));
    fs.writeFileSync(path.join(tmp, 'pinned.yaml'), pod('nginx:1.27.3'));
    fs.writeFileSync(path.join(tmp, 'broken.yaml'), 'kind: [Pod\n');
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const check = (file: string) => [
    'policy',
    'check',
    path.join(tmp, file),
    '--policies',
    path.join(kyverno, 'policies/disallow-latest-tag.yaml'),
  ];

  // One row per promise of the exit-code contract in `hermes --help`.
  const cases = [
    { name: 'help', args: ['--help'], code: 0, shows: /^Exit codes:$/m },
    {
      name: 'no violations',
      args: check('pinned.yaml'),
      code: 0,
      shows: /0 failed/,
    },
    {
      name: 'an enforced violation',
      args: check('latest.yaml'),
      code: 1,
      shows: /FAIL \(Enforce\)\s+Pod demo\/web/,
    },
    {
      name: 'malformed YAML, with the report still printed',
      args: check('broken.yaml'),
      code: 2,
      shows: /problem: .*broken\.yaml:\d+:\d+: invalid YAML/,
    },
    { name: 'no command', args: [], code: 2, shows: /^Usage: hermes/ },
    {
      name: 'an unknown command',
      args: ['frobnicate'],
      code: 2,
      shows: /^hermes: unknown command "hermes frobnicate"/,
    },
    {
      name: 'an unknown option',
      args: ['policy', 'test', tmp, '--colour'],
      code: 2,
      shows: /^hermes: Unknown option '--colour'/,
    },
    {
      name: "another command's option",
      args: ['skills', 'list', '--skills', tmp, '--cron', '* * * * *'],
      code: 2,
      shows: /^hermes: hermes skills list does not take --cron/,
    },
    {
      name: 'a missing file',
      args: ['policy', 'test', path.join(tmp, 'nope')],
      code: 2,
      shows: /^hermes: no such file or directory: .*nope/,
    },
  ];
  it.each(cases)('exits $code on $name', async ({ args, code, shows }) => {
    const result = await runBinary(args);
    expect(`${result.stdout}${result.stderr}`).toMatch(shows);
    expect(result.code).toBe(code);
  });

  it('writes a whole large JSON report into a pipe that is read slowly', async () => {
    // Exiting before stdout drained cut `hermes policy check --output json | jq` short.
    const file = path.join(tmp, 'many.yaml');
    fs.writeFileSync(
      file,
      Array.from({ length: 3000 }, (_, i) =>
        pod('nginx:latest').replace('name: web,', `name: web-${i},`),
      ).join('---\n'),
    );
    const child = spawn(
      process.execPath,
      [path.resolve(__dirname, '../bin/hermes'), ...check('many.yaml')].concat(
        '--output',
        'json',
      ),
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    child.stdout.pause();
    await new Promise(resolve => setTimeout(resolve, 1_000));
    const chunks: Buffer[] = [];
    child.stdout.on('data', chunk => chunks.push(chunk));
    child.stdout.resume();
    const code = await new Promise(resolve => child.on('close', resolve));
    const report = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    expect(code).toBe(1);
    expect(
      report.results.filter((r: { result: string }) => r.result === 'fail'),
    ).toHaveLength(3000);
  }, 30_000);

  it('shows the help of one command group', async () => {
    const { code, stdout } = await runBinary(['skills', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('hermes skills import <skill-folder>');
    expect(stdout).not.toContain('hermes policy check');
    expect(stdout).toContain('2  usage or input error');
  });
});

describe('the hermes launcher', () => {
  // A package laid out like this one, whose entry points say which one ran.
  let pkg: string;
  const bin = () => path.join(pkg, 'bin/hermes');
  const at = (file: string, seconds: number) =>
    fs.utimesSync(path.join(pkg, file), seconds, seconds);
  beforeEach(() => {
    pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-launcher-'));
    fs.mkdirSync(path.join(pkg, 'bin'));
    fs.copyFileSync(path.resolve(__dirname, '../bin/hermes'), bin());
    fs.mkdirSync(path.join(pkg, 'dist'));
    fs.writeFileSync(
      path.join(pkg, 'dist/index.cjs.js'),
      "exports.cli = () => console.log('from the build');\n",
    );
    fs.mkdirSync(path.join(pkg, 'src'));
    fs.writeFileSync(
      path.join(pkg, 'src/index.ts'),
      "export function cli(): void {\n  console.log('from the sources');\n}\n",
    );
  });
  afterEach(() => fs.rmSync(pkg, { recursive: true, force: true }));
  // The compiler for the sources is found through the workspace's node_modules.
  const env = { NODE_PATH: path.resolve(__dirname, '../../../node_modules') };

  it('starts from the build when it is at least as new as every source', async () => {
    at('src/index.ts', 1_000);
    at('src', 1_000);
    at('dist/index.cjs.js', 2_000);
    expect((await runBinary([], env, bin())).stdout).toBe('from the build\n');
  });

  it('compiles the sources when one changed after the build', async () => {
    at('dist/index.cjs.js', 1_000);
    at('src', 1_000);
    at('src/index.ts', 2_000);
    expect((await runBinary([], env, bin())).stdout).toBe('from the sources\n');
  });

  it('starts from the build when installed, without sources', async () => {
    fs.rmSync(path.join(pkg, 'src'), { recursive: true });
    expect((await runBinary([], {}, bin())).stdout).toBe('from the build\n');
  });
});
