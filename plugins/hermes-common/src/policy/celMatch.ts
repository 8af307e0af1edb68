// Admission-style matching (`matchConstraints` of ValidatingPolicy and ValidatingAdmissionPolicy,
// `matchResources` of a binding): resource rules by API group, version, resource (plural) and
// operation, label selectors on the object and its namespace.
import { KubernetesObject } from './documents';
import { LabelSelector, Operation, selectorMatches } from './match';

export interface ResourceRule {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  operations?: string[];
  resourceNames?: string[];
  scope?: string;
}

export interface MatchResources {
  resourceRules?: ResourceRule[];
  excludeResourceRules?: ResourceRule[];
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  matchPolicy?: string;
}

/** Plural resource names that are not the lowercase kind plus "s". */
const PLURALS: Record<string, string> = {
  Endpoints: 'endpoints',
  Ingress: 'ingresses',
  IngressClass: 'ingressclasses',
  NetworkPolicy: 'networkpolicies',
  PodSecurityPolicy: 'podsecuritypolicies',
  PriorityClass: 'priorityclasses',
  StorageClass: 'storageclasses',
  RuntimeClass: 'runtimeclasses',
  PodDisruptionBudget: 'poddisruptionbudgets',
  ResourceQuota: 'resourcequotas',
  ClusterPolicy: 'clusterpolicies',
  Policy: 'policies',
};

/** The resource (plural, lowercase) the API server serves a kind under. */
export function resourceOf(kind: string): string {
  if (Object.hasOwn(PLURALS, kind)) return PLURALS[kind];
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

export function groupVersionOf(object: KubernetesObject): {
  group: string;
  version: string;
} {
  const slash = object.apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: object.apiVersion }
    : {
        group: object.apiVersion.slice(0, slash),
        version: object.apiVersion.slice(slash + 1),
      };
}

const listMatches = (list: string[] | undefined, value: string) =>
  !list || list.length === 0
    ? false
    : list.includes('*') || list.includes(value);

function ruleMatches(
  rule: ResourceRule,
  object: KubernetesObject,
  operation: Operation,
): boolean {
  const { group, version } = groupVersionOf(object);
  const resource = resourceOf(object.kind);
  if (!listMatches(rule.apiGroups, group)) return false;
  if (!listMatches(rule.apiVersions, version)) return false;
  // "pods/status" names a subresource; "*/*" or "pods/*" would also cover the object itself.
  const resources = (rule.resources ?? []).filter(
    r => !r.includes('/') || r.endsWith('/*'),
  );
  if (
    !resources.some(
      r => r === '*' || r === '*/*' || r.split('/')[0] === resource,
    )
  )
    return false;
  if (!listMatches(rule.operations, operation)) return false;
  if (
    rule.resourceNames?.length &&
    !rule.resourceNames.includes(object.metadata.name ?? '')
  )
    return false;
  const namespaced =
    object.kind !== 'Namespace' && object.metadata.namespace !== undefined;
  if (rule.scope === 'Namespaced' && !namespaced) return false;
  if (rule.scope === 'Cluster' && namespaced) return false;
  return true;
}

const selectsAll = (selector: LabelSelector | undefined) =>
  !selector ||
  (!Object.keys(selector.matchLabels ?? {}).length &&
    !selector.matchExpressions?.length);

/**
 * Whether `match` selects the object. `namespaceLabels` are the labels of the object's
 * namespace when known; when they are not, a namespace selector is treated as matching
 * (the compile step warns about it).
 */
export function matchResources(
  match: MatchResources | undefined,
  object: KubernetesObject,
  operation: Operation,
  namespaceLabels: Record<string, string> | undefined,
): boolean {
  if (!match) return false;
  if (!(match.resourceRules ?? []).some(r => ruleMatches(r, object, operation)))
    return false;
  if (
    (match.excludeResourceRules ?? []).some(r =>
      ruleMatches(r, object, operation),
    )
  )
    return false;
  if (
    !selectsAll(match.objectSelector) &&
    !selectorMatches(match.objectSelector!, object.metadata.labels ?? {})
  )
    return false;
  if (!selectsAll(match.namespaceSelector)) {
    // For a Namespace, the selector applies to the namespace's own labels.
    const labels =
      object.kind === 'Namespace'
        ? object.metadata.labels ?? {}
        : namespaceLabels;
    if (object.kind !== 'Namespace' && object.metadata.namespace === undefined)
      return true;
    if (labels && !selectorMatches(match.namespaceSelector!, labels))
      return false;
  }
  return true;
}

/** Warnings about a match block an offline check cannot fully honour. */
export function matchWarnings(
  match: MatchResources | undefined,
  path: string,
): string[] {
  const out: string[] = [];
  if (match && !selectsAll(match.namespaceSelector))
    out.push(
      `${path}.namespaceSelector needs namespace labels; without a Namespace object or test values for the namespace it is treated as matching`,
    );
  return out;
}
