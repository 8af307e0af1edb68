import { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  decodeUtf8,
  DesiredState,
  FileTree,
  IgnoreDifference,
  KubernetesObject,
  loadDesiredState,
  memoryFileTree,
  parseKubernetesYaml,
} from '@hermes-backstage/plugin-hermes-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClusterDefinition } from '../kubernetes/clusters';
import {
  KubernetesLiveSource,
  LiveKind,
} from '../kubernetes/KubernetesLiveSource';
import { ArgoCdConnection, readArgoCdApplication } from './ArgoCdSource';
import { AuditDefinition } from './definitions';

// Where an audit's two sides come from: desired state from a directory, a Git tree or Argo
// CD; live state from a snapshot directory or the cluster's API.

/**
 * What a local audit directory's kustomizations may refer to: the Git checkout it is in (its
 * nearest ancestor with `.git`), or else the directory itself. Manifests are written by
 * whoever can push to the repository; they must not pull the server's other files in.
 */
async function checkoutRoot(directory: string): Promise<string> {
  for (let dir = directory; ; dir = path.dirname(dir)) {
    if (await fs.stat(path.join(dir, '.git')).catch(() => undefined))
      return dir;
    if (path.dirname(dir) === dir) return directory;
  }
}

// Trees hand over bytes: the audit decodes them, warning about invalid UTF-8. Paths are
// joined inside the tree (loadDesiredState refuses `..` past its root); a symbolic link
// that leads out of it is treated as absent.
function localTree(root: string): FileTree {
  const inside = async (relative: string) => {
    const real = await fs
      .realpath(path.join(root, relative))
      .catch(() => undefined);
    return real !== undefined &&
      (real === root || real.startsWith(`${root}${path.sep}`))
      ? real
      : undefined;
  };
  return {
    read: async relative => {
      const real = await inside(relative);
      return real ? fs.readFile(real).catch(() => undefined) : undefined;
    },
    list: async relative => {
      const real = await inside(relative);
      const entries = real
        ? await fs.readdir(real, { withFileTypes: true }).catch(() => undefined)
        : undefined;
      return entries?.map(e => ({ name: e.name, directory: e.isDirectory() }));
    },
  };
}

/**
 * A tree read through the URL reader (any Git integration), held in memory, with the revision
 * the reader names (for Git hosts, the commit id).
 */
async function urlTree(
  urlReader: UrlReaderService,
  url: string,
): Promise<{ tree: FileTree; revision?: string }> {
  const response = await urlReader.readTree(url);
  const files = new Map<string, Uint8Array>();
  for (const file of await response.files())
    files.set(file.path, await file.content());
  return {
    tree: memoryFileTree(files),
    ...(response.etag ? { revision: response.etag } : {}),
  };
}

export function splitKind(selector: string): LiveKind {
  const slash = selector.lastIndexOf('/');
  return {
    apiVersion: selector.slice(0, slash),
    kind: selector.slice(slash + 1),
  };
}

/** Desired objects from a directory, a Git tree, or an Argo CD application. */
export async function readDesired(
  audit: AuditDefinition,
  sources: { urlReader: UrlReaderService; argocd?: ArgoCdConnection },
): Promise<
  DesiredState & { ignoreDifferences: IgnoreDifference[]; revision?: string }
> {
  const { argocdApplication, url, directory } = audit.desired;
  if (argocdApplication) {
    const app = await readArgoCdApplication(sources.argocd!, argocdApplication);
    return {
      objects: app.objects.map(object => ({
        object,
        source: `argocd:${argocdApplication}`,
        line: 1,
      })),
      warnings: app.outOfSync.length
        ? [
            `Argo CD reports ${
              app.outOfSync.length
            } resources OutOfSync: ${app.outOfSync.join(', ')}`,
          ]
        : [],
      problems: [],
      ignoreDifferences: app.ignoreDifferences,
    };
  }
  // A tree is read whole, starting from the audit's folder inside it, so kustomizations may
  // refer to sibling folders of the same repository.
  if (url) {
    const { tree, revision } = await urlTree(sources.urlReader, url);
    const state = await loadDesiredState(tree, audit.desired.path ?? '');
    return {
      ...state,
      ignoreDifferences: [],
      ...(revision ? { revision } : {}),
    };
  }
  const start = await fs.realpath(path.resolve(directory!));
  const root = await checkoutRoot(start);
  const state = await loadDesiredState(
    localTree(root),
    path.relative(root, start).split(path.sep).join('/'),
  );
  return { ...state, ignoreDifferences: [] };
}

export async function readLive(
  audit: AuditDefinition,
  desired: KubernetesObject[],
  warnings: string[],
  clusters: ClusterDefinition[],
): Promise<KubernetesObject[]> {
  if (audit.liveSnapshot) {
    const dir = path.resolve(audit.liveSnapshot);
    const objects: KubernetesObject[] = [];
    for (const entry of (await fs.readdir(dir)).sort()) {
      if (!/\.ya?ml$/i.test(entry)) continue;
      const { text, warning } = decodeUtf8(
        await fs.readFile(path.join(dir, entry)),
        entry,
      );
      if (warning) warnings.push(warning);
      const parsed = parseKubernetesYaml(text, entry);
      objects.push(...parsed.objects.map(o => o.object));
      warnings.push(...parsed.problems.map(p => `${p.source}: ${p.message}`));
    }
    return objects;
  }
  const cluster = clusters.find(c => c.name === audit.cluster)!;
  const kinds = new Map<string, LiveKind>();
  for (const o of desired)
    kinds.set(`${o.apiVersion}/${o.kind}`, {
      apiVersion: o.apiVersion,
      kind: o.kind,
    });
  for (const k of audit.watchedKinds) kinds.set(k, splitKind(k));
  const state = await new KubernetesLiveSource(cluster).read(
    [...kinds.values()],
    audit.namespaces,
  );
  for (const e of state.errors) {
    warnings.push(
      `could not list ${e.kind}${
        e.namespace ? ` in namespace ${e.namespace}` : ''
      }: ${e.message}`,
    );
  }
  return state.objects;
}
