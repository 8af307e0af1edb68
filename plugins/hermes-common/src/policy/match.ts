import { KubernetesObject } from './documents';
import { wildcardMatch } from './wildcard';

/** The admission operation a check simulates; offline checks default to CREATE. */
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

/** `resources` of a Kyverno match/exclude filter. */
export interface ResourceDescription {
  kinds?: string[];
  name?: string;
  names?: string[];
  namespaces?: string[];
  annotations?: Record<string, string>;
  selector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  operations?: string[];
}

export interface ResourceFilter {
  resources?: ResourceDescription;
  subjects?: unknown[];
  roles?: string[];
  clusterRoles?: string[];
}

/** A rule's `match` or `exclude` block, in either the any/all or the legacy form. */
export interface MatchBlock extends ResourceFilter {
  any?: ResourceFilter[];
  all?: ResourceFilter[];
}

/** The filters of a block, and whether all of them (rather than any) must match. */
export function filtersOf(block: MatchBlock): {
  filters: ResourceFilter[];
  requireAll: boolean;
} {
  if (block.any?.length) return { filters: block.any, requireAll: false };
  if (block.all?.length) return { filters: block.all, requireAll: true };
  return { filters: [block], requireAll: true };
}

function splitApiVersion(apiVersion: string): {
  group: string;
  version: string;
} {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : {
        group: apiVersion.slice(0, slash),
        version: apiVersion.slice(slash + 1),
      };
}

/**
 * Matches one entry of `kinds`: `Kind`, `Version/Kind`, `Group/Version/Kind` (each part may
 * use wildcards). A `/subresource` suffix never matches a whole object.
 */
export function kindMatches(
  selector: string,
  object: KubernetesObject,
): boolean {
  const { group, version } = splitApiVersion(object.apiVersion);
  const parts = selector.split('/');
  if (parts.length === 1) return wildcardMatch(parts[0], object.kind);
  if (parts.length === 2) {
    return (
      wildcardMatch(parts[0], version) && wildcardMatch(parts[1], object.kind)
    );
  }
  if (parts.length === 3) {
    return (
      wildcardMatch(parts[0], group) &&
      wildcardMatch(parts[1], version) &&
      wildcardMatch(parts[2], object.kind)
    );
  }
  return false;
}

/** Kubernetes label selector semantics; Kyverno also allows wildcards in matchLabels values. */
export function selectorMatches(
  selector: LabelSelector,
  labels: Record<string, string>,
): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (
      !Object.hasOwn(labels, key) ||
      !wildcardMatch(String(value), labels[key])
    )
      return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(labels, expression.key);
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (!present || !values.includes(labels[expression.key])) return false;
        break;
      case 'NotIn':
        if (present && values.includes(labels[expression.key])) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function namespaceOf(object: KubernetesObject): string | undefined {
  // For a Namespace, Kyverno's namespaces filter applies to the namespace's own name.
  return object.kind === 'Namespace'
    ? object.metadata.name
    : object.metadata.namespace;
}

/**
 * What a namespace selector sees: the labels of the object's namespace when known. When
 * they are not, `whenUnknown` decides: a match block treats the selector as matching (and
 * warns), an exclude block sees no labels, as the Kyverno CLI does without values.
 */
export interface NamespaceContext {
  labels?: Record<string, string>;
  whenUnknown: 'match' | 'empty';
}

function namespaceSelectorMatches(
  selector: LabelSelector,
  object: KubernetesObject,
  namespace: NamespaceContext | undefined,
): boolean {
  // Kyverno skips the namespace selector for a Namespace itself.
  if (object.kind === 'Namespace') return true;
  if (object.metadata.namespace === undefined)
    return selectorMatches(selector, {});
  const labels = namespace?.labels;
  if (labels) return selectorMatches(selector, labels);
  return (namespace?.whenUnknown ?? 'match') === 'match'
    ? true
    : selectorMatches(selector, {});
}

// Whether a filter's kinds select an apiVersion and kind, remembered per filter: resources
// of a few kinds meet the same filters again and again.
const kindResults = new WeakMap<object, Map<string, Map<string, boolean>>>();

function kindsMatch(
  description: ResourceDescription,
  kinds: string[],
  object: KubernetesObject,
): boolean {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string')
    return kinds.some(k => kindMatches(k, object));
  let byVersion = kindResults.get(description);
  if (!byVersion) {
    byVersion = new Map();
    kindResults.set(description, byVersion);
  }
  let byKind = byVersion.get(apiVersion);
  if (!byKind) {
    byKind = new Map();
    byVersion.set(apiVersion, byKind);
  }
  let result = byKind.get(kind);
  if (result === undefined) {
    result = kinds.some(k => kindMatches(k, object));
    byKind.set(kind, result);
  }
  return result;
}

function resourceDescriptionMatches(
  description: ResourceDescription,
  object: KubernetesObject,
  operation: Operation,
  namespace?: NamespaceContext,
): boolean {
  const { kinds, name, names, namespaces, annotations, selector, operations } =
    description;
  const objectName = object.metadata.name ?? '';
  if (kinds?.length && !kindsMatch(description, kinds, object)) return false;
  if (name && !wildcardMatch(name, objectName)) return false;
  if (names?.length && !names.some(n => wildcardMatch(n, objectName)))
    return false;
  if (namespaces?.length) {
    const ns = namespaceOf(object);
    if (ns === undefined || !namespaces.some(n => wildcardMatch(n, ns)))
      return false;
  }
  if (annotations) {
    const actual = object.metadata.annotations ?? {};
    for (const [key, value] of Object.entries(annotations)) {
      if (
        !Object.hasOwn(actual, key) ||
        !wildcardMatch(String(value), actual[key])
      )
        return false;
    }
  }
  if (selector && !selectorMatches(selector, object.metadata.labels ?? {}))
    return false;
  if (operations?.length && !operations.includes(operation)) return false;
  if (
    description.namespaceSelector &&
    !namespaceSelectorMatches(description.namespaceSelector, object, namespace)
  )
    return false;
  return true;
}

function filterMatches(
  filter: ResourceFilter,
  object: KubernetesObject,
  operation: Operation,
  namespace?: NamespaceContext,
) {
  return filter.resources
    ? resourceDescriptionMatches(filter.resources, object, operation, namespace)
    : true;
}

/** Whether a match or exclude block selects the object. An empty block selects nothing. */
export function blockMatches(
  block: MatchBlock | undefined,
  object: KubernetesObject,
  operation: Operation,
  namespace?: NamespaceContext,
): boolean {
  if (!block) return false;
  const { filters, requireAll } = filtersOf(block);
  if (filters.length === 1 && !filters[0].resources) return false;
  for (const filter of filters) {
    if (filterMatches(filter, object, operation, namespace) !== requireAll)
      return !requireAll;
  }
  return requireAll;
}

/**
 * Fields a match block uses that need cluster or request context an offline check does not
 * have (user info, namespace labels); the caller reports them as warnings.
 */
export function offlineUnsupportedFields(
  block: MatchBlock | undefined,
): string[] {
  if (!block) return [];
  const fields = new Set<string>();
  for (const filter of filtersOf(block).filters) {
    if (filter.subjects?.length) fields.add('subjects');
    if (filter.roles?.length) fields.add('roles');
    if (filter.clusterRoles?.length) fields.add('clusterRoles');
    if (filter.resources?.namespaceSelector) fields.add('namespaceSelector');
  }
  return [...fields];
}
