import { RootConfigService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import git, { TreeEntry } from 'isomorphic-git';
import fs from 'node:fs';
import path from 'node:path';

/** The config key naming the local repository; only config names it (see the handler). */
export const LOCAL_GIT_REPOSITORY_KEY = 'hermes.demo.gitRepository';

/**
 * A path from a template's input, relative to a root it must stay inside: no absolute paths,
 * no `..`, nothing inside `.git`. Returns its segments (none for the root itself).
 */
export function relativeSegments(value: string, input: string): string[] {
  if (path.posix.isAbsolute(value) || path.win32.isAbsolute(value)) {
    throw new Error(
      `${input}: "${value}" is an absolute path; give a path relative to the repository`,
    );
  }
  const segments = value.split(/[\\/]+/).filter(s => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new Error(
      `${input}: "${value}" leaves the repository ("..") and is refused`,
    );
  }
  if (segments.some(s => s.toLowerCase() === '.git')) {
    throw new Error(`${input}: "${value}" points into .git`);
  }
  return segments;
}

interface WorkspaceFile {
  /** Relative to the source directory, `/`-separated. */
  path: string;
  executable: boolean;
  content: Buffer;
}

/** Regular files below `dir`; a symbolic link is refused, as it could point anywhere. */
async function readFiles(root: string, dir = ''): Promise<WorkspaceFile[]> {
  const out: WorkspaceFile[] = [];
  const entries = await fs.promises.readdir(path.join(root, dir), {
    withFileTypes: true,
  });
  for (const entry of entries) {
    const relative = dir ? `${dir}/${entry.name}` : entry.name;
    const full = path.join(root, relative);
    if (entry.isSymbolicLink()) {
      throw new Error(
        `sourcePath: ${relative} is a symbolic link; only regular files are committed`,
      );
    } else if (entry.isDirectory()) {
      if (entry.name !== '.git') out.push(...(await readFiles(root, relative)));
    } else if (entry.isFile()) {
      const stat = await fs.promises.stat(full);
      out.push({
        path: relative,
        executable: (stat.mode & 0o111) !== 0,
        content: await fs.promises.readFile(full),
      });
    }
  }
  return out;
}

type Blob = { oid: string; mode: string };

/** The tree `base` with `files` (paths relative to it) added or replaced; returns its oid. */
async function mergeTree(
  dir: string,
  base: string | undefined,
  files: Map<string, Blob>,
): Promise<string> {
  const entries = new Map<string, TreeEntry>();
  if (base) {
    for (const entry of (await git.readTree({ fs, dir, oid: base })).tree)
      entries.set(entry.path, entry);
  }
  const nested = new Map<string, Map<string, Blob>>();
  for (const [file, blob] of files) {
    const slash = file.indexOf('/');
    if (slash < 0) {
      entries.set(file, { path: file, type: 'blob', ...blob });
    } else {
      const head = file.slice(0, slash);
      if (!nested.has(head)) nested.set(head, new Map());
      nested.get(head)!.set(file.slice(slash + 1), blob);
    }
  }
  for (const [name, children] of nested) {
    const existing = entries.get(name);
    const oid = await mergeTree(
      dir,
      existing?.type === 'tree' ? existing.oid : undefined,
      children,
    );
    entries.set(name, { path: name, type: 'tree', mode: '040000', oid });
  }
  return git.writeTree({ fs, dir, tree: [...entries.values()] });
}

const HERMES_AUTHOR = { name: 'Hermes scaffolder', email: 'hermes@localhost' };

/**
 * Opens the repository at `dir`, creating it (with one commit on `baseBranch`) when the
 * directory is missing or empty. A non-empty directory that is not a repository is refused:
 * it is not the demo's to take over.
 */
async function openRepository(dir: string, baseBranch: string) {
  const exists = fs.existsSync(dir);
  if (exists && fs.existsSync(path.join(dir, '.git'))) return false;
  if (exists && fs.readdirSync(dir).length > 0) {
    throw new Error(
      `${LOCAL_GIT_REPOSITORY_KEY}: ${dir} exists and is not a Git repository; name an empty or missing directory`,
    );
  }
  await fs.promises.mkdir(dir, { recursive: true });
  await git.init({ fs, dir, defaultBranch: baseBranch });
  const readme = await git.writeBlob({
    fs,
    dir,
    blob: Buffer.from(
      '# GitOps repository of the Hermes demo\n\nSoftware templates commit here, one branch per request, instead of opening a\npull request on a Git host.\n',
    ),
  });
  const tree = await git.writeTree({
    fs,
    dir,
    tree: [{ path: 'README.md', mode: '100644', type: 'blob', oid: readme }],
  });
  await git.commit({
    fs,
    dir,
    message: 'Create the demo GitOps repository',
    author: HERMES_AUTHOR,
    tree,
    parent: [],
    ref: `refs/heads/${baseBranch}`,
  });
  return true;
}

async function branchExists(dir: string, branch: string) {
  return (await git.listBranches({ fs, dir })).includes(branch);
}

/**
 * `hermes:publish:local-git`: commits the workspace's files on a new branch of a local Git
 * repository, for a portal with no Git host to publish to (the demo). The repository's path
 * comes from `hermes.demo.gitRepository` only: a template is written by portal users, and
 * no request chooses where the server writes (DESIGN: "No request reads the server's disk").
 */
export function createLocalGitPublishAction(options: {
  config: RootConfigService;
}) {
  const { config } = options;
  return createTemplateAction({
    id: 'hermes:publish:local-git',
    description:
      'Commits the workspace on a new branch of the local Git repository configured in ' +
      `${LOCAL_GIT_REPOSITORY_KEY} (created when missing), for portals without a Git host.`,
    supportsDryRun: true,
    schema: {
      input: {
        branchName: z =>
          z.string().min(1).describe('The new branch; it must not exist yet'),
        commitMessage: z => z.string().min(1).describe('The commit message'),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Where the files go inside the repository, e.g. apps/serving-stack/fraud; default its root',
            ),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Which workspace directory to commit; default the whole workspace',
            ),
        baseBranch: z =>
          z
            .string()
            .optional()
            .describe('The branch the new one starts from; default main'),
      },
      output: {
        repository: z =>
          z.string().describe('Absolute path of the local repository'),
        branch: z => z.string().describe('The branch created'),
        commit: z =>
          z
            .string()
            .optional()
            .describe('The commit made (absent in a dry run)'),
        targetPath: z =>
          z.string().describe('Where the files are inside the repository'),
        files: z => z.number().describe('How many files were committed'),
      },
    },
    async handler(ctx) {
      // The scaffolder validates input against the JSON schema but does not apply defaults.
      const { branchName, commitMessage } = ctx.input;
      const baseBranch = ctx.input.baseBranch ?? 'main';
      const targetPath = ctx.input.targetPath ?? '';
      const sourcePath = ctx.input.sourcePath ?? '';
      const configured = config.getOptionalString(LOCAL_GIT_REPOSITORY_KEY);
      if (!configured) {
        throw new Error(
          `hermes:publish:local-git needs ${LOCAL_GIT_REPOSITORY_KEY} in app-config.yaml: the directory of the local Git repository to commit to`,
        );
      }
      const repository = path.resolve(configured);
      const target = relativeSegments(targetPath, 'targetPath');
      const source = path.join(
        ctx.workspacePath,
        ...relativeSegments(sourcePath, 'sourcePath'),
      );
      for (const [input, ref] of [
        ['branchName', branchName],
        ['baseBranch', baseBranch],
      ]) {
        if (!isValidBranchName(ref)) {
          throw new Error(`${input}: "${ref}" is not a valid branch name`);
        }
      }
      if (!fs.existsSync(source)) {
        throw new Error(`sourcePath: "${sourcePath}" is not in the workspace`);
      }
      const files = await readFiles(source);
      if (files.length === 0) {
        throw new Error(
          `sourcePath: "${sourcePath || '.'}" holds no files to commit`,
        );
      }
      const where = target.join('/');
      const outputs = () => {
        ctx.output('repository', repository);
        ctx.output('branch', branchName);
        ctx.output('targetPath', where);
        ctx.output('files', files.length);
      };
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would commit ${files.length} files to ${
            where || '/'
          } on a new branch ${branchName} of ${repository}`,
        );
        outputs();
        return;
      }

      if (await openRepository(repository, baseBranch)) {
        ctx.logger.info(`Created the Git repository ${repository}`);
      }
      let base: string;
      try {
        base = await git.resolveRef({
          fs,
          dir: repository,
          ref: `refs/heads/${baseBranch}`,
        });
      } catch {
        throw new Error(
          `baseBranch: ${repository} has no branch "${baseBranch}"`,
        );
      }
      if (await branchExists(repository, branchName)) {
        throw new Error(
          `branchName: branch "${branchName}" already exists in ${repository}; choose another name`,
        );
      }
      const blobs = new Map<string, Blob>();
      for (const file of files) {
        const oid = await git.writeBlob({
          fs,
          dir: repository,
          blob: file.content,
        });
        blobs.set([...target, file.path].join('/'), {
          oid,
          mode: file.executable ? '100755' : '100644',
        });
      }
      const { commit: baseCommit } = await git.readCommit({
        fs,
        dir: repository,
        oid: base,
      });
      const tree = await mergeTree(repository, baseCommit.tree, blobs);
      const profile = ctx.user?.entity?.spec?.profile;
      const commit = await git.commit({
        fs,
        dir: repository,
        message: commitMessage,
        author: {
          name: profile?.displayName ?? ctx.user?.ref ?? HERMES_AUTHOR.name,
          email: profile?.email ?? HERMES_AUTHOR.email,
        },
        committer: HERMES_AUTHOR,
        tree,
        parent: [base],
        // The branch is created below, and only if nobody created it meanwhile.
        noUpdateBranch: true,
      });
      try {
        await git.branch({
          fs,
          dir: repository,
          ref: branchName,
          object: commit,
        });
      } catch (error) {
        if ((error as Error).name === 'AlreadyExistsError') {
          throw new Error(
            `branchName: branch "${branchName}" was created in ${repository} meanwhile; choose another name`,
          );
        }
        throw error;
      }
      ctx.logger.info(
        `Committed ${files.length} files to ${
          where || '/'
        } on branch ${branchName} (${commit.slice(0, 12)}) of ${repository}`,
      );
      outputs();
      ctx.output('commit', commit);
    },
  });
}

/** Git's rules for a ref name (git-check-ref-format), for one branch name. */
export function isValidBranchName(name: string): boolean {
  const forbidden = [...name].some(
    c =>
      c.charCodeAt(0) <= 0x20 ||
      c.charCodeAt(0) === 0x7f ||
      '~^:?*[\\'.includes(c),
  );
  return (
    name.length > 0 &&
    !forbidden &&
    !name.startsWith('/') &&
    !name.startsWith('-') &&
    !name.endsWith('/') &&
    !name.endsWith('.') &&
    !name.includes('..') &&
    !name.includes('//') &&
    !name.includes('@{') &&
    name !== '@' &&
    !name
      .split('/')
      .some(part => part.startsWith('.') || part.endsWith('.lock'))
  );
}
