import { mockServices } from '@backstage/backend-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalGitPublishAction } from './localGit';

const git = (repo: string, ...args: string[]) =>
  execFileSync('/usr/bin/git', ['-C', repo, ...args], { encoding: 'utf8' });

// The real scaffolder runs this action in module.test.ts; these drive the handler with bad
// input and existing repositories. @backstage/plugin-scaffolder-node-test-utils (and its
// createMockActionContext) is not installed, so the context is a small hand-made one.
function setUp(files: Record<string, string> = { 'app.yaml': 'kind: X\n' }) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-local-git-'));
  const workspacePath = path.join(root, 'workspace');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(workspacePath, name)), {
      recursive: true,
    });
    fs.writeFileSync(path.join(workspacePath, name), content);
  }
  const repository = path.join(root, 'gitops');
  async function run(
    input: Record<string, unknown>,
    options: { config?: object; isDryRun?: boolean } = {},
  ) {
    const action = createLocalGitPublishAction({
      config: mockServices.rootConfig({
        data: options.config ?? {
          hermes: { demo: { gitRepository: repository } },
        },
      }),
    });
    const outputs: Record<string, unknown> = {};
    await action.handler({
      input: { branchName: 'add-app', commitMessage: 'Add app', ...input },
      workspacePath,
      isDryRun: options.isDryRun,
      logger: mockServices.logger.mock(),
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
    } as any);
    return outputs;
  }
  return { root, workspacePath, repository, run };
}

describe('hermes:publish:local-git', () => {
  it.each([
    [
      'targetPath',
      '../outside',
      'targetPath: "../outside" leaves the repository ("..") and is refused',
    ],
    [
      'targetPath',
      'apps/../../x',
      'targetPath: "apps/../../x" leaves the repository ("..") and is refused',
    ],
    [
      'targetPath',
      '/etc/hermes',
      'targetPath: "/etc/hermes" is an absolute path; give a path relative to the repository',
    ],
    [
      'targetPath',
      'C:\\hermes',
      'targetPath: "C:\\hermes" is an absolute path; give a path relative to the repository',
    ],
    [
      'targetPath',
      'apps/.git/hooks',
      'targetPath: "apps/.git/hooks" points into .git',
    ],
    [
      'sourcePath',
      '../..',
      'sourcePath: "../.." leaves the repository ("..") and is refused',
    ],
    [
      'branchName',
      'bad..name',
      'branchName: "bad..name" is not a valid branch name',
    ],
    [
      'branchName',
      'has space',
      'branchName: "has space" is not a valid branch name',
    ],
    [
      'baseBranch',
      'main.lock',
      'baseBranch: "main.lock" is not a valid branch name',
    ],
  ])(
    'refuses %s %j, naming it, before writing anything',
    async (input, value, message) => {
      const { run, repository } = setUp();
      await expect(run({ [input]: value })).rejects.toThrow(message);
      expect(fs.existsSync(repository)).toBe(false);
    },
  );

  it('needs the repository in config, and refuses a directory that is not a repository', async () => {
    const { run, repository } = setUp();
    await expect(run({}, { config: {} })).rejects.toThrow(
      'hermes:publish:local-git needs hermes.demo.gitRepository in app-config.yaml',
    );
    fs.mkdirSync(repository);
    fs.writeFileSync(path.join(repository, 'notes.txt'), 'mine');
    await expect(run({})).rejects.toThrow(
      `hermes.demo.gitRepository: ${repository} exists and is not a Git repository`,
    );
    expect(fs.readdirSync(repository)).toEqual(['notes.txt']);
  });

  it('refuses a symbolic link in the workspace, which could point at any file of the server', async () => {
    const { run, workspacePath, repository } = setUp();
    fs.symlinkSync('/etc/passwd', path.join(workspacePath, 'passwd'));
    await expect(run({})).rejects.toThrow(
      'sourcePath: passwd is a symbolic link; only regular files are committed',
    );
    expect(fs.existsSync(repository)).toBe(false);
  });

  it('adds to an existing repository without touching its other files, its branches or its working tree', async () => {
    const { run, repository, workspacePath } = setUp({
      'kustomization.yaml': 'resources: [app.yaml]\n',
      'config/app.yaml': 'kind: ConfigMap\n',
    });
    fs.mkdirSync(path.join(repository, 'apps/shop'), { recursive: true });
    fs.writeFileSync(
      path.join(repository, 'apps/shop/app.yaml'),
      'kind: Shop\n',
    );
    git(repository, 'init', '-q', '-b', 'trunk');
    git(repository, 'add', '.');
    git(
      repository,
      '-c',
      'user.name=ada',
      '-c',
      'user.email=ada@example.com',
      'commit',
      '-q',
      '-m',
      'Shop',
    );
    fs.writeFileSync(
      path.join(repository, 'apps/shop/app.yaml'),
      'kind: Edited\n',
    );

    const outputs = await run({
      branchName: 'team/fraud',
      baseBranch: 'trunk',
      targetPath: 'apps/fraud',
      sourcePath: '.',
    });
    expect(outputs).toEqual({
      repository,
      branch: 'team/fraud',
      targetPath: 'apps/fraud',
      files: 2,
      commit: git(repository, 'rev-parse', 'team/fraud').trim(),
    });
    expect(git(repository, 'ls-tree', '-r', '--name-only', 'team/fraud')).toBe(
      'apps/fraud/config/app.yaml\napps/fraud/kustomization.yaml\napps/shop/app.yaml\n',
    );
    expect(
      git(repository, 'show', 'team/fraud:apps/fraud/config/app.yaml'),
    ).toBe('kind: ConfigMap\n');
    expect(git(repository, 'log', '--format=%s|%cn', 'team/fraud')).toBe(
      'Add app|Hermes scaffolder\nShop|ada\n',
    );
    // The working tree keeps its uncommitted edit, and the base branch did not move.
    expect(git(repository, 'status', '--porcelain')).toBe(
      ' M apps/shop/app.yaml\n',
    );
    expect(git(repository, 'log', '--format=%s', 'trunk')).toBe('Shop\n');

    // Only a subfolder of the workspace, this time.
    await run({
      branchName: 'config-only',
      baseBranch: 'trunk',
      sourcePath: 'config',
    });
    expect(git(repository, 'ls-tree', '-r', '--name-only', 'config-only')).toBe(
      'app.yaml\napps/shop/app.yaml\n',
    );
    fs.rmSync(workspacePath, { recursive: true });
  });

  it('writes nothing in a dry run, and says what it would do', async () => {
    const { run, repository } = setUp();
    const outputs = await run({ targetPath: 'apps/x' }, { isDryRun: true });
    expect(outputs).toEqual({
      repository,
      branch: 'add-app',
      targetPath: 'apps/x',
      files: 1,
    });
    expect(fs.existsSync(repository)).toBe(false);
  });
});
