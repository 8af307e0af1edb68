import {
  DriftFindingRecord,
  ResourceRef,
} from '@hermes-backstage/plugin-hermes-common';

/** A command to copy, with the sentence that says when it is right. */
export interface Hint {
  title: string;
  /** What the command does and what to check first. */
  note: string;
  /** Shell text; `#` lines are comments, so the whole block can be pasted. */
  command?: string;
}

/** Where a Git web link points: the repository, the ref and the file inside it. */
export interface GitFile {
  repo: string;
  ref: string;
  path: string;
}

// The blob forms the backend builds (drift/links.ts `gitFileLink`): GitLab, Gitea/Forgejo,
// GitHub, Bitbucket Cloud. The repository-relative path is what `kubectl apply -f` needs
// in a checkout; a web page URL would fetch HTML.
const BLOB_FORMS = [
  /^(.+?)\/-\/blob\/([^/]+)\/(.+)$/,
  /^(.+?)\/src\/(?:branch|tag|commit)\/([^/]+)\/(.+)$/,
  /^(\/[^/]+\/[^/]+)\/blob\/([^/]+)\/(.+)$/,
  /^(\/[^/]+\/[^/]+)\/src\/([^/]+)\/(.+)$/,
];

/** The file a Git web link shows, or undefined for a link of another shape. */
export function parseGitFile(link: string): GitFile | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  for (const form of BLOB_FORMS) {
    const match = form.exec(url.pathname);
    if (!match) continue;
    const [, repo, ref, path] = match;
    try {
      return {
        repo: `${url.host}${repo}`,
        ref: decodeURIComponent(ref),
        path: path.split('/').map(decodeURIComponent).join('/'),
      };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The Argo CD application a resource link (drift/links.ts `argoCdResourceLink`) names. */
export function parseArgoApp(link: string): string | undefined {
  try {
    const match = /\/applications\/([^/?#]+)/.exec(new URL(link).pathname);
    return match ? decodeURIComponent(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * `deployment.apps`, `service`: kind and group, so kubectl cannot pick a same-named kind of
 * another group (two CRDs may both define `Certificate`).
 */
export function kubectlType(resource: ResourceRef): string {
  const group = groupOf(resource.apiVersion);
  const kind = resource.kind.toLowerCase();
  return group ? `${kind}.${group}` : kind;
}

/** Single-quotes a shell word when it has anything but safe characters. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word)
    ? word
    : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `kubectl --context <cluster> [-n <ns>]`: the cluster's name is taken as its context. */
function kubectl(finding: DriftFindingRecord): string {
  const ns = finding.resource.namespace;
  return `kubectl --context ${shellWord(finding.cluster)}${
    ns ? ` -n ${shellWord(ns)}` : ''
  }`;
}

function target(finding: DriftFindingRecord): string {
  return `${kubectlType(finding.resource)} ${shellWord(finding.resource.name)}`;
}

/**
 * The file that declares the object: from its Git web link (repository and ref known), else
 * the repository-relative path the audit read it from (a local checkout as desired state).
 */
function declaringFile(
  finding: DriftFindingRecord,
): { path: string; checkout: string; where: string } | undefined {
  const git = finding.links?.git ? parseGitFile(finding.links.git) : undefined;
  if (git)
    return {
      path: git.path,
      checkout: `# in a checkout of ${git.repo} at ${git.ref}`,
      where: `${git.path} (${git.repo} at ${git.ref})`,
    };
  const file = finding.links?.file;
  if (file)
    return {
      path: file,
      checkout: '# in a checkout of the desired source',
      where: file,
    };
  return undefined;
}

/** `argocd app sync <app> --resource <group>:<kind>:<ns>/<name>` (Argo CD's own form). */
function argoSync(app: string, resource: ResourceRef): string {
  const name = resource.namespace
    ? `${resource.namespace}/${resource.name}`
    : resource.name;
  return `argocd app sync ${shellWord(app)} --resource ${shellWord(
    `${groupOf(resource.apiVersion)}:${resource.kind}:${name}`,
  )}`;
}

/**
 * How to put the cluster back to Git for this finding. `kubectl rollout undo` is never
 * offered: it returns to the previous rollout, which need not be what Git declares.
 */
export function revertHint(finding: DriftFindingRecord): Hint {
  const git = declaringFile(finding);
  const app = finding.links?.argocd
    ? parseArgoApp(finding.links.argocd)
    : undefined;
  const title = 'Revert to Git';
  if (finding.type === 'extra')
    return {
      title: 'Remove from the cluster',
      note: 'Git does not declare this object. Delete it only after checking that nothing depends on it and that no controller outside Git is meant to own it.',
      command: `# after checking nothing depends on it\n${kubectl(
        finding,
      )} delete ${target(finding)}`,
    };
  // Argo CD applies exactly what it renders (Helm, Kustomize), which a plain file may not be.
  if (app)
    return {
      title,
      note: `Argo CD application ${app} declares it: sync that one resource${
        finding.type === 'missing' ? ' to create it' : ''
      }.`,
      command: argoSync(app, finding.resource),
    };
  if (git)
    return {
      title,
      note: `${
        finding.type === 'missing' ? 'Create it from' : 'Re-apply'
      } the manifest in Git. kubectl apply applies every object in ${
        git.path
      }.`,
      command: `${git.checkout}\n${kubectl(finding)} apply -f ${shellWord(
        git.path,
      )}`,
    };
  return {
    title,
    note: 'The audit did not record which file declares this object: apply its manifest from the desired source.',
  };
}

/** How to make Git match the cluster instead. */
export function commitHint(finding: DriftFindingRecord): Hint {
  const git = declaringFile(finding);
  const where = git ? git.path : 'the manifest in Git';
  const title = 'Commit to Git';
  if (finding.type === 'missing')
    return {
      title,
      note: `The cluster does not have it: to accept that, remove the object from ${where} and commit.`,
    };
  if (finding.resource.kind === 'Secret')
    return {
      title,
      note: 'Secret values do not belong in Git in the clear: update the sealed or external secret that produces this Secret.',
    };
  const get = `${kubectl(finding)} get ${target(finding)} -o yaml`;
  if (finding.type === 'extra')
    return {
      title,
      note: `Save the live object as a new manifest in Git, without status, metadata.managedFields, uid, resourceVersion and creationTimestamp.`,
      command: get,
    };
  const paths = finding.changes.map(c => c.path).join(', ');
  return {
    title,
    note: `Copy the live value of ${paths} into ${where} and commit.`,
    command: git ? `${get}\n# then copy those fields into ${git.where}` : get,
  };
}
