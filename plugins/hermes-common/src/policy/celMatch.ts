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

// Resources of the kinds seen: a check asks for the same few kinds again and again.
const resourceByKind = new Map<string, string>();

/** The resource (plural, lowercase) the API server serves a kind under. */
export function resourceOf(kind: string): string {
  let resource = resourceByKind.get(kind);
  if (resource === undefined) {
    resource = pluralOf(kind);
    if (resourceByKind.size >= 1000) resourceByKind.clear();
    resourceByKind.set(kind, resource);
  }
  return resource;
}

function pluralOf(kind: string): string {
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

/** The API group, version and resource part of a resource rule: it depends on apiVersion and kind only. */
function resourceMatches(
  rule: ResourceRule,
  group: string,
  version: string,
  resource: string,
): boolean {
  if (!listMatches(rule.apiGroups, group)) return false;
  if (!listMatches(rule.apiVersions, version)) return false;
  // "pods/status" names a subresource; "*/*" or "pods/*" would also cover the object itself.
  const resources = (rule.resources ?? []).filter(
    r => !r.includes('/') || r.endsWith('/*'),
  );
  return resources.some(
    r => r === '*' || r === '*/*' || r.split('/')[0] === resource,
  );
}

function ruleMatches(
  rule: ResourceRule,
  object: KubernetesObject,
  operation: Operation,
): boolean {
  const { group, version } = groupVersionOf(object);
  if (!resourceMatches(rule, group, version, resourceOf(object.kind)))
    return false;
  return restMatches(rule, object, operation);
}

/** The parts of a resource rule that depend on more than the apiVersion and kind. */
function restMatches(
  rule: ResourceRule,
  object: KubernetesObject,
  operation: Operation,
): boolean {
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

// Per list of resource rules, per apiVersion and kind: the rules whose group, version and
// resource take it (null when one of them cannot be judged). Every resource of a kind asks.
const rulesByKind = new WeakMap<
  ResourceRule[],
  Map<string, Map<string, ResourceRule[] | null>>
>();
/** Kinds remembered per list of rules and apiVersion, so that odd input cannot grow it without end. */
const REMEMBERED_KINDS = 256;

function kindRules(
  rules: ResourceRule[],
  apiVersion: string,
  kind: string,
): ResourceRule[] | null {
  let byVersion = rulesByKind.get(rules);
  if (!byVersion) {
    byVersion = new Map();
    rulesByKind.set(rules, byVersion);
  }
  // Two levels rather than one key joining both: that string was built for every resource
  // and rule.
  let byKind = byVersion.get(apiVersion);
  if (!byKind) {
    if (byVersion.size >= REMEMBERED_KINDS) byVersion.clear();
    byKind = new Map();
    byVersion.set(apiVersion, byKind);
  }
  let found = byKind.get(kind);
  if (found === undefined) {
    try {
      const { group, version } = groupVersionOf({
        apiVersion,
        kind,
      } as KubernetesObject);
      const resource = resourceOf(kind);
      found = rules.filter(r => resourceMatches(r, group, version, resource));
    } catch {
      found = null;
    }
    if (byKind.size >= REMEMBERED_KINDS) byKind.clear();
    byKind.set(kind, found);
  }
  return found;
}

/** Whether some rule of `rules` takes the object, in order (the first that does decides). */
function someRuleMatches(
  rules: ResourceRule[],
  object: KubernetesObject,
  operation: Operation,
): boolean {
  const { apiVersion, kind } = object;
  const candidates =
    typeof apiVersion === 'string' && typeof kind === 'string'
      ? kindRules(rules, apiVersion, kind)
      : null;
  // Rules that cannot be judged by kind are evaluated in full, errors included.
  if (!candidates) return rules.some(r => ruleMatches(r, object, operation));
  return candidates.some(r => restMatches(r, object, operation));
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
  // Lists not shaped as expected are left to the plain test, which reports them.
  const { resourceRules, excludeResourceRules } = match;
  if (
    !(Array.isArray(resourceRules)
      ? someRuleMatches(resourceRules, object, operation)
      : (match.resourceRules ?? []).some(r =>
          ruleMatches(r, object, operation),
        ))
  )
    return false;
  if (
    Array.isArray(excludeResourceRules)
      ? someRuleMatches(excludeResourceRules, object, operation)
      : (match.excludeResourceRules ?? []).some(r =>
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

/**
 * Whether `match` may select objects of this apiVersion and kind: false only when
 * {@link matchResources} is false for every such object (no resource rule takes the group,
 * version and resource), whatever its name, labels, namespace or the operation. A match
 * block it cannot judge (not shaped as expected) may match: the full evaluation reports it.
 */
export function kindMayMatch(
  match: MatchResources | undefined,
  apiVersion: string,
  kind: string,
): boolean {
  if (!match) return false;
  try {
    const { group, version } = groupVersionOf({
      apiVersion,
      kind,
    } as KubernetesObject);
    const resource = resourceOf(kind);
    return (match.resourceRules ?? []).some(r =>
      resourceMatches(r, group, version, resource),
    );
  } catch {
    return true;
  }
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
