// Which rules can apply to a resource, decided once per distinct apiVersion and kind: a rule
// whose match block cannot select the kind is not evaluated at all. Most (rule, resource)
// pairs of a large check are such misses.
import { KubernetesObject, SourcedObject } from './documents';
import type { PolicyCheckResult } from './engine';
import { filtersOf, kindMatches, MatchBlock } from './match';
import { CompiledPolicy, CompiledRule } from './policies';

export interface RuleRef {
  policy: CompiledPolicy;
  rule: CompiledRule;
}

/**
 * Whether the `kinds` of a match block may select the object: a necessary condition of
 * `blockMatches`, which also checks names, namespaces, selectors and operations.
 */
function kindsMayMatch(
  block: MatchBlock | undefined,
  object: KubernetesObject,
): boolean {
  if (!block) return false;
  const { filters, requireAll } = filtersOf(block);
  if (filters.length === 1 && !filters[0].resources) return false;
  const ok = (filter: (typeof filters)[number]) => {
    const kinds = filter.resources?.kinds;
    return !kinds?.length || kinds.some(k => kindMatches(k, object));
  };
  return requireAll ? filters.every(ok) : filters.some(ok);
}

function mayApply(rule: CompiledRule, object: KubernetesObject): boolean {
  // CEL rules: those their kind test did not rule out are evaluated.
  if (rule.evaluate) return true;
  try {
    return kindsMayMatch(rule.definition.match, object);
  } catch {
    return true;
  }
}

/** The rules that may apply to objects of one apiVersion and kind. */
export interface KindRules {
  /** In rule order. */
  candidates: RuleRef[];
  /** CEL rules that cannot apply: the message of their skip result. */
  celMisses: Map<RuleRef, (object: KubernetesObject) => string>;
}

/**
 * All rules in order, and a function giving the rules that may apply to an object (those a
 * full evaluation could find applicable), also in order.
 */
export function ruleIndex(policies: CompiledPolicy[]): {
  all: RuleRef[];
  forObject: (object: KubernetesObject) => KindRules;
} {
  const all: RuleRef[] = [];
  for (const policy of policies)
    for (const rule of policy.rules) all.push({ policy, rule });
  const everything: KindRules = { candidates: all, celMisses: new Map() };
  const byKind = new Map<string, KindRules>();
  return {
    all,
    forObject(object) {
      const { apiVersion, kind } = object;
      // Anything unusual goes through the full evaluation, which reports it.
      if (typeof apiVersion !== 'string' || typeof kind !== 'string')
        return everything;
      const key = `${apiVersion}\n${kind}`;
      let rules = byKind.get(key);
      if (!rules) {
        rules = { candidates: [], celMisses: new Map() };
        for (const ref of all) {
          const miss = ref.rule.evaluate
            ? ref.rule.kindMiss?.(apiVersion, kind)
            : undefined;
          if (miss) rules.celMisses.set(ref, miss);
          else if (mayApply(ref.rule, object)) rules.candidates.push(ref);
        }
        byKind.set(key, rules);
      }
      return rules;
    },
  };
}

/** What is the same for every rule checked on one resource. */
export interface Subject {
  entry: SourcedObject;
  resource: PolicyCheckResult['resource'];
}

export function subjectOf(entry: SourcedObject): Subject {
  const { object } = entry;
  return {
    entry,
    resource: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name ?? object.metadata.generateName ?? '',
    },
  };
}

/**
 * The result of a rule whose kinds cannot select the resource, as the full evaluation gives
 * it: the namespace of a namespaced policy is checked first, then the match block (a CEL
 * rule's message is the one its kind test gave).
 */
export function missResult(
  { policy, rule }: RuleRef,
  { entry, resource }: Subject,
  celMessage?: (object: KubernetesObject) => string,
): PolicyCheckResult {
  let message: string;
  if (celMessage) message = celMessage(entry.object);
  else if (
    policy.namespace &&
    entry.object.metadata.namespace !== policy.namespace
  )
    message = `Policy ${policy.namespace}/${policy.name} applies only to namespace ${policy.namespace}`;
  else message = 'rule does not match the resource';
  return {
    policy: policy.name,
    rule: rule.name,
    resource,
    source: entry.source,
    line: entry.line,
    result: 'skip',
    message,
    path: undefined,
    failureAction: rule.failureAction,
    scored: policy.scored,
    applies: false,
  };
}
