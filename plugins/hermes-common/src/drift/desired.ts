import { parse as parseYaml } from 'yaml';
import {
  DocumentProblem,
  parseKubernetesYaml,
  SourcedObject,
} from '../policy/documents';
import { decodeUtf8 } from '../text';

/** Read access to a tree of files: a local directory, or a Git tree read by the URL reader. */
export interface FileTree {
  /**
   * The file's text, or its bytes for the audit to decode as UTF-8 (so invalid UTF-8 is a
   * warning naming the file and the offset); undefined when there is no such file.
   */
  read(path: string): Promise<string | Uint8Array | undefined>;
  /** Entries of a directory, or undefined when it is not one. */
  list(
    path: string,
  ): Promise<Array<{ name: string; directory: boolean }> | undefined>;
}

/** A FileTree over files held in memory, keyed by `/`-separated path (a Git tree, a test). */
export function memoryFileTree(
  files: Map<string, string | Uint8Array>,
): FileTree {
  return {
    read: async path => files.get(path),
    list: async dir => {
      const prefix = dir ? `${dir}/` : '';
      const entries = new Map<string, boolean>();
      for (const file of files.keys()) {
        if (!file.startsWith(prefix)) continue;
        const [head, ...rest] = file.slice(prefix.length).split('/');
        entries.set(head, rest.length > 0 || entries.get(head) === true);
      }
      return entries.size
        ? [...entries].map(([name, directory]) => ({ name, directory }))
        : undefined;
    },
  };
}

export interface DesiredState {
  objects: SourcedObject[];
  /** What could not be rendered here (remote bases, Helm charts, kustomize transformers). */
  warnings: string[];
  problems: DocumentProblem[];
}

const KUSTOMIZATION_FILES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];
const NOT_APPLIED = [
  'patches',
  'patchesStrategicMerge',
  'patchesJson6902',
  'images',
  'namePrefix',
  'nameSuffix',
  'commonLabels',
  'labels',
  'commonAnnotations',
  'configMapGenerator',
  'secretGenerator',
  'replicas',
  'components',
  'transformers',
  'generators',
];
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'ClusterPolicy',
  'ClusterServingRuntime',
  'StorageClass',
  'PriorityClass',
]);

/** Joins paths inside the tree; undefined when the result would climb out of it. */
function join(dir: string, relative: string): string | undefined {
  const parts = `${dir}/${relative}`.split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/**
 * Reads the desired state under `root` the way GitOps tools render a plain directory:
 * every YAML file, or, where a folder has a kustomization, the `resources` it lists (local
 * files and folders, followed recursively, with its `namespace` applied). Anything that would
 * need kustomize or Helm to render is reported as a warning, never silently dropped.
 */
export async function loadDesiredState(
  tree: FileTree,
  root = '',
): Promise<DesiredState> {
  const state: DesiredState = { objects: [], warnings: [], problems: [] };
  const seen = new Set<string>();
  const visited = new Set<string>();

  async function readText(path: string): Promise<string | undefined> {
    const content = await tree.read(path);
    if (content === undefined || typeof content === 'string') return content;
    const { text, warning } = decodeUtf8(content, path);
    if (warning) state.warnings.push(warning);
    return text;
  }

  async function addFile(path: string, namespace?: string) {
    if (seen.has(path)) return;
    seen.add(path);
    const text = await readText(path);
    if (text === undefined) {
      state.problems.push({
        source: path,
        message: 'file listed in a kustomization does not exist',
      });
      return;
    }
    const parsed = parseKubernetesYaml(text, path);
    for (const item of parsed.objects) {
      if (namespace && !CLUSTER_SCOPED.has(item.object.kind))
        item.object.metadata.namespace = namespace;
      state.objects.push(item);
    }
    state.problems.push(...parsed.problems);
  }

  /** `trail`: the directories being visited, outermost first, to catch a cycle. */
  async function visit(
    dir: string,
    namespace: string | undefined,
    trail: string[],
  ): Promise<void> {
    // Files are read once anyway; reading a shared folder again would only repeat its
    // warnings, and bases shared level after level would take exponential time.
    if (visited.has(dir)) return;
    visited.add(dir);
    const entries = await tree.list(dir);
    if (!entries) {
      state.problems.push({ source: dir || '.', message: 'not a directory' });
      return;
    }
    const kustomizationName = KUSTOMIZATION_FILES.find(f =>
      entries.some(e => !e.directory && e.name === f),
    );
    if (kustomizationName) {
      const path = join(dir, kustomizationName)!;
      let k: Record<string, any>;
      try {
        k =
          parseYaml((await readText(path)) ?? '', { maxAliasCount: 100 }) ?? {};
      } catch (error) {
        state.problems.push({
          source: path,
          message: `invalid kustomization: ${
            (error as Error).message.split('\n')[0]
          }`,
        });
        return;
      }
      for (const field of NOT_APPLIED.filter(f => k[f] !== undefined)) {
        state.warnings.push(
          `${path}: kustomize "${field}" is not applied; the audit compares the resources as written`,
        );
      }
      if (k.helmCharts)
        state.warnings.push(
          `${path}: Helm charts are not rendered outside Argo CD; their resources are not audited`,
        );
      const ns = k.namespace ?? namespace;
      for (const resource of [...(k.resources ?? []), ...(k.bases ?? [])]) {
        if (typeof resource !== 'string') continue;
        if (/^[a-z]+:\/\/|^github\.com\/|^git@|\?ref=/.test(resource)) {
          state.warnings.push(
            `${path}: remote resource "${resource}" is not fetched; its objects are not audited`,
          );
          continue;
        }
        const target = join(dir, resource);
        if (target === undefined) {
          state.problems.push({
            source: path,
            message: `resource "${resource}" points outside the directory being audited`,
          });
          continue;
        }
        if (!(await tree.list(target))) await addFile(target, ns);
        else if (trail.includes(target)) {
          // A folder that (through others) lists itself would be read forever.
          const cycle = [...trail.slice(trail.indexOf(target)), target];
          state.problems.push({
            source: path,
            message: `kustomization cycle: ${cycle
              .map(d => d || '.')
              .join(' -> ')}`,
          });
        } else await visit(target, ns, [...trail, target]);
      }
      return;
    }
    if (entries.some(e => !e.directory && e.name === 'Chart.yaml')) {
      state.warnings.push(
        `${
          dir || '.'
        }: a Helm chart is not rendered outside Argo CD; its resources are not audited`,
      );
      return;
    }
    for (const entry of [...entries].sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name)!;
      if (entry.directory) await visit(path, namespace, [...trail, path]);
      else if (/\.ya?ml$/i.test(entry.name)) await addFile(path, namespace);
    }
  }

  // Normalised like every path joined below, so a cycle back to the root is recognised.
  const start = join(root, '.') ?? root;
  await visit(start, undefined, [start]);
  return state;
}
