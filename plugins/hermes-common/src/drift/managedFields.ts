import { Attribution, ManagerClass } from './types';

/** One entry of `metadata.managedFields`. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  time?: string;
  fieldsV1?: Record<string, unknown>;
}

const HUMAN = [
  'kubectl',
  'kubectl-edit',
  'kubectl-patch',
  'kubectl-client-side-apply',
  'kubectl-create',
  'kubectl-replace',
  'kubectl-set',
  'kubectl-label',
  'kubectl-annotate',
  'kubectl-scale',
  'kubectl-rollout',
  'k9s',
  'lens',
  'Mozilla',
];
const GITOPS = [
  'argocd-controller',
  'argocd-application-controller',
  'argocd',
  'kustomize-controller',
  'helm-controller',
  'flux',
  'flux-client-side-apply',
];

/** human (kubectl and friends), gitops (Argo CD, Flux), or controller (everything else). */
export function classifyManager(manager: string): ManagerClass {
  if (HUMAN.includes(manager) || manager.startsWith('kubectl')) return 'human';
  if (
    GITOPS.includes(manager) ||
    manager.startsWith('argocd') ||
    manager.startsWith('flux')
  ) {
    return 'gitops';
  }
  return 'controller';
}

/** A step of a path: a map key, or a list element identified by its merge key or index. */
export type PathSegment = { key: string } | { index: number; element: unknown };

/** JSON with map keys sorted, so equal values compare equal whatever their key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map(
        k =>
          `${JSON.stringify(k)}:${canonical(
            (value as Record<string, unknown>)[k],
          )}`,
      );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function elementMatches(
  trieKey: string,
  segment: Extract<PathSegment, { index: number }>,
): boolean {
  if (trieKey.startsWith('i:'))
    return Number(trieKey.slice(2)) === segment.index;
  if (trieKey.startsWith('v:')) {
    try {
      return (
        JSON.stringify(JSON.parse(trieKey.slice(2))) ===
        JSON.stringify(segment.element)
      );
    } catch {
      return false;
    }
  }
  if (trieKey.startsWith('k:')) {
    let keys: Record<string, unknown>;
    try {
      keys = JSON.parse(trieKey.slice(2));
    } catch {
      return false;
    }
    const element = segment.element as Record<string, unknown> | null;
    return (
      typeof element === 'object' &&
      element !== null &&
      Object.entries(keys).every(
        ([k, v]) => JSON.stringify(element[k]) === JSON.stringify(v),
      )
    );
  }
  return false;
}

/** How deep into `path` a manager's field set reaches (0: not at all). */
function ownedDepth(
  fields: Record<string, unknown> | undefined,
  path: PathSegment[],
): number {
  let node: Record<string, unknown> | undefined = fields;
  let depth = 0;
  for (const segment of path) {
    if (!node) break;
    let next: unknown;
    if ('key' in segment) next = node[`f:${segment.key}`];
    else {
      const trieKey = Object.keys(node).find(k => elementMatches(k, segment));
      next = trieKey ? node[trieKey] : undefined;
    }
    if (next === undefined) break;
    node = next as Record<string, unknown>;
    depth++;
  }
  return depth;
}

/**
 * Finds who owns a field by walking each manager's `fieldsV1` trie (`f:` fields, `k:` keyed
 * list elements, `v:` set values, `i:` indexes). The manager owning the deepest part of the
 * path wins; on a tie, the most recent write.
 */
export function attributeField(
  managedFields: ManagedFieldsEntry[] | undefined,
  path: PathSegment[],
): Attribution | undefined {
  let best: { entry: ManagedFieldsEntry; depth: number } | undefined;
  for (const entry of managedFields ?? []) {
    if (!entry.manager) continue;
    const depth = ownedDepth(entry.fieldsV1, path);
    if (depth === 0) continue;
    const better =
      !best ||
      depth > best.depth ||
      (depth === best.depth && (entry.time ?? '') > (best.entry.time ?? ''));
    if (better) best = { entry, depth };
  }
  if (!best) return undefined;
  const { manager, operation, subresource, time } = best.entry;
  return {
    manager: manager!,
    operation: operation ?? 'Update',
    ...(subresource ? { subresource } : {}),
    ...(time ? { time } : {}),
    class: classifyManager(manager!),
  };
}
