import { UrlReaderService } from '@backstage/backend-plugin-api';
import {
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

function localTree(root: string): FileTree {
  return {
    read: relative =>
      fs.readFile(path.join(root, relative), 'utf8').catch(() => undefined),
    list: async relative => {
      const entries = await fs
        .readdir(path.join(root, relative), { withFileTypes: true })
        .catch(() => undefined);
      return entries?.map(e => ({ name: e.name, directory: e.isDirectory() }));
    },
  };
}

/** A tree read through the URL reader (any Git integration), held in memory. */
async function urlTree(
  urlReader: UrlReaderService,
  url: string,
): Promise<FileTree> {
  const response = await urlReader.readTree(url);
  const files = new Map<string, string>();
  for (const file of await response.files())
    files.set(file.path, (await file.content()).toString('utf8'));
  return memoryFileTree(files);
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
): Promise<DesiredState & { ignoreDifferences: IgnoreDifference[] }> {
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
  // A local directory is read within the whole file system, so kustomizations may refer
  // to sibling folders; a Git tree is read whole, starting from `path` inside it.
  const state = url
    ? await loadDesiredState(
        await urlTree(sources.urlReader, url),
        audit.desired.path ?? '',
      )
    : await loadDesiredState(localTree('/'), path.resolve(directory!).slice(1));
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
      const parsed = parseKubernetesYaml(
        await fs.readFile(path.join(dir, entry), 'utf8'),
        entry,
      );
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
