import {
  DriftFinding,
  FindingLinks,
  ResourceRef,
} from '@hermes-backstage/plugin-hermes-common';

// Links from a finding to where a person acts on it: the desired manifest in Git, the resource
// in Argo CD, the audit run and the skill in the portal.

/** Links decided when the audit ran (they depend on where its desired state came from). */
export type SourceLinks = Pick<FindingLinks, 'git' | 'argocd' | 'file'>;

/** The portal path of an audit run. */
export const reportLink = (auditId: string) =>
  `/hermes?tab=drift&audit=${encodeURIComponent(auditId)}`;

/** The portal path of a skill. */
export const skillLink = (skill: string) =>
  `/hermes?tab=skills&skill=${encodeURIComponent(skill)}`;

const COMMIT = /^[0-9a-f]{40}$/i;

/**
 * The web URL of a file in the Git tree an audit read, at the revision it read when the
 * reader named one (a commit id), else at the ref in the tree URL. Understands the tree URLs
 * of GitHub, GitLab, Gitea/Forgejo and Bitbucket Cloud; the ref is one path segment, as
 * Backstage's own readers take it. Undefined for any other URL: no link beats a wrong one.
 */
export function gitFileLink(
  treeUrl: string,
  file: string,
  options: { revision?: string; line?: number } = {},
): string | undefined {
  let url: URL;
  try {
    url = new URL(treeUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const commit =
    options.revision && COMMIT.test(options.revision)
      ? options.revision
      : undefined;
  const path = url.pathname.replace(/\/+$/, '');
  const forms: Array<[RegExp, (ref: string) => string]> = [
    // GitLab: /group/repo/-/tree/<ref>/dir
    [/^(.+?)\/-\/(?:tree|blob)\/([^/]+)(\/.*)?$/, ref => `-/blob/${ref}`],
    // Gitea and Forgejo: /owner/repo/src/branch/<ref>/dir
    [
      /^(.+?)\/src\/(?:branch|tag|commit)\/([^/]+)(\/.*)?$/,
      ref => (commit ? `src/commit/${ref}` : `src/branch/${ref}`),
    ],
    // GitHub: /owner/repo/tree/<ref>/dir
    [/^(\/[^/]+\/[^/]+)\/(?:tree|blob)\/([^/]+)(\/.*)?$/, ref => `blob/${ref}`],
    // Bitbucket Cloud: /workspace/repo/src/<ref>/dir
    [/^(\/[^/]+\/[^/]+)\/src\/([^/]+)(\/.*)?$/, ref => `src/${ref}`],
  ];
  for (const [pattern, blob] of forms) {
    const match = pattern.exec(path);
    if (!match) continue;
    const [, repo, ref, dir = ''] = match;
    const inTree = file
      .split('/')
      .filter(Boolean)
      .map(encodeURIComponent)
      .join('/');
    const anchor = options.line && options.line > 1 ? `#L${options.line}` : '';
    return `${url.origin}${repo}/${blob(
      commit ?? ref,
    )}${dir}/${inTree}${anchor}`;
  }
  return undefined;
}

/** The resource in Argo CD's UI: the application's tree with the resource selected. */
export function argoCdResourceLink(
  baseUrl: string,
  application: string,
  resource: ResourceRef,
): string {
  const slash = resource.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : resource.apiVersion.slice(0, slash);
  const node = [
    group,
    resource.kind,
    resource.namespace ?? '',
    resource.name,
    '0',
  ].join('/');
  return `${baseUrl.replace(/\/+$/, '')}/applications/${encodeURIComponent(
    application,
  )}?view=tree&resource=&node=${encodeURIComponent(node)}`;
}

const objectKey = (r: ResourceRef) =>
  [r.apiVersion, r.kind, r.namespace ?? '', r.name].join('\u0000');

/**
 * Source links per finding of one audit. `files` maps each desired object to the file (and
 * line) it came from in the tree; drift of an object not in Git has no Git link.
 */
export function sourceLinks(
  findings: DriftFinding[],
  source: {
    tree?: { url: string; revision?: string };
    files?: Array<{ resource: ResourceRef; file: string; line?: number }>;
    argocd?: { baseUrl: string; application: string };
  },
): Map<DriftFinding, SourceLinks> {
  const files = new Map(
    (source.files ?? []).map(f => [objectKey(f.resource), f]),
  );
  // A manifest without a namespace is applied to one; match it by the rest.
  for (const f of source.files ?? [])
    if (!f.resource.namespace) files.set(objectKey(f.resource), f);
  const out = new Map<DriftFinding, SourceLinks>();
  for (const finding of findings) {
    const file =
      files.get(objectKey(finding.resource)) ??
      files.get(objectKey({ ...finding.resource, namespace: undefined }));
    const git =
      file && source.tree
        ? gitFileLink(source.tree.url, file.file, {
            revision: source.tree.revision,
            line: file.line,
          })
        : undefined;
    const argocd = source.argocd
      ? argoCdResourceLink(
          source.argocd.baseUrl,
          source.argocd.application,
          finding.resource,
        )
      : undefined;
    if (git || argocd || file)
      out.set(finding, {
        ...(file ? { file: file.file } : {}),
        ...(git ? { git } : {}),
        ...(argocd ? { argocd } : {}),
      });
  }
  return out;
}
