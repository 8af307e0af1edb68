// Policies over resources: which rules may apply to each resource (ruleIndex.ts), each one
// evaluated (ruleEvaluation.ts), and the results in Kyverno's order and shape.
import { SourcedObject } from './documents';
import { Operation } from './match';
import { CompiledPolicy, CompiledRule } from './policies';
import { FailureAction, RuleStatus } from './types';
import { EvaluationLimits } from './limits';
import {
  missResult,
  ruleIndex,
  RuleRef,
  Subject,
  subjectOf,
} from './ruleIndex';
import { evaluateRuleSafely, NamespaceLabels } from './ruleEvaluation';

/** One (policy, rule, resource) result, as Kyverno reports it. */
export interface PolicyCheckResult {
  policy: string;
  rule: string;
  resource: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name: string;
  };
  /** File or URL the resource came from, and its line. */
  source?: string;
  line?: number;
  /** Kyverno's rule status. A failing rule of an unscored policy stays `fail`; see `scored`. */
  result: RuleStatus;
  message: string;
  /** The offending field, e.g. `/spec/containers/0/image/`, where Hermes can tell. */
  path?: string;
  /** Audit annotations a CEL policy added (`<policy>/<key>` → value); reported only. */
  auditAnnotations?: Record<string, string>;
  failureAction: FailureAction;
  /** `policies.kyverno.io/scored: "false"` policies report failures as warnings. */
  scored: boolean;
  /**
   * False when Kyverno would produce no response for the rule: it does not select the
   * resource (match, exclude, namespace), or a foreach found no element to check.
   */
  applies: boolean;
}

export interface CheckOptions {
  /** The admission operation to simulate. Default CREATE. */
  operation?: Operation;
  /**
   * Extra context values for a (policy, rule, resource), as a kyverno-test values file gives
   * them; dotted keys such as `request.operation` set nested values.
   */
  valuesFor?: (
    policy: string,
    rule: string,
    resourceName: string,
  ) => Record<string, unknown> | undefined;
  /** Time and size budget of each rule on each resource; over it, the rule is an error. */
  limits?: EvaluationLimits;
  /**
   * Labels of namespaces, for namespace selectors and `namespaceObject` of CEL policies.
   * Namespace objects among the resources are used too; these take precedence.
   */
  namespaceLabels?: Record<string, Record<string, string>>;
  /** Leave out the results of rules that do not apply (`applies: false`): they are not built. */
  onlyApplicable?: boolean;
}

function namespaceLabelsOf(
  resources: SourcedObject[],
  given: Record<string, Record<string, string>> | undefined,
): NamespaceLabels {
  const known = new Map<string, Record<string, string>>();
  for (const { object } of resources)
    if (object.kind === 'Namespace' && object.metadata.name)
      known.set(object.metadata.name, object.metadata.labels ?? {});
  for (const [name, labels] of Object.entries(given ?? {}))
    known.set(name, labels);
  return namespace =>
    namespace === undefined ? undefined : known.get(namespace);
}

export interface AsyncCheckOptions extends CheckOptions {
  /** Work done between two yields to the event loop, in milliseconds. Default 20. */
  yieldEveryMs?: number;
}

/** One rule on one resource; undefined when it does not apply and `onlyApplicable` is set. */
function resultOf(
  policy: CompiledPolicy,
  rule: CompiledRule,
  { entry, resource }: Subject,
  options: CheckOptions,
  namespaceLabels: NamespaceLabels,
): PolicyCheckResult | undefined {
  const outcome = evaluateRuleSafely(
    policy,
    rule,
    entry.object,
    options.operation ?? 'CREATE',
    options.valuesFor?.(policy.name, rule.name, resource.name),
    options.limits,
    namespaceLabels,
  );
  const applies = outcome.applies ?? !outcome.noResponse;
  if (options.onlyApplicable && !applies) return undefined;
  const result: PolicyCheckResult = {
    policy: policy.name,
    rule: rule.name,
    resource,
    source: entry.source,
    line: entry.line,
    result: outcome.result,
    message: outcome.message,
    path: outcome.path,
    failureAction: rule.failureAction,
    scored: policy.scored,
    applies,
  };
  // Present only when there are some, as before.
  if (outcome.auditAnnotations)
    result.auditAnnotations = outcome.auditAnnotations;
  return result;
}

/**
 * The rules to go through for one resource, in rule order, and the result of each in turn
 * (undefined: left out). Rules whose kinds cannot select the resource are not evaluated; with
 * `onlyApplicable` they are not even gone through. (A step function rather than a generator:
 * a generator step per result cost as much as building the result.)
 */
function rulesFor(
  entry: SourcedObject,
  rules: ReturnType<typeof ruleIndex>,
  options: CheckOptions,
  namespaceLabels: NamespaceLabels,
): {
  refs: RuleRef[];
  resultFor: (ref: RuleRef) => PolicyCheckResult | undefined;
} {
  const subject = subjectOf(entry);
  const { candidates, celMisses } = rules.forObject(entry.object);
  if (options.onlyApplicable)
    return {
      refs: candidates,
      resultFor: ({ policy, rule }) =>
        resultOf(policy, rule, subject, options, namespaceLabels),
    };
  // Candidates come in rule order: the next one is the only one the next rule can be.
  let next = 0;
  return {
    refs: rules.all,
    resultFor: ref => {
      if (candidates[next] !== ref)
        return missResult(
          ref,
          subject,
          celMisses.size ? celMisses.get(ref) : undefined,
        );
      next++;
      return resultOf(ref.policy, ref.rule, subject, options, namespaceLabels);
    },
  };
}

/** What every resource of a check shares: its rules gone through by {@link rulesFor}. */
function checkPlan(
  policies: CompiledPolicy[],
  resources: SourcedObject[],
  options: CheckOptions,
): (entry: SourcedObject) => ReturnType<typeof rulesFor> {
  const namespaceLabels = namespaceLabelsOf(resources, options.namespaceLabels);
  const rules = ruleIndex(policies);
  return entry => rulesFor(entry, rules, options, namespaceLabels);
}

/**
 * Evaluates every rule of every policy against every resource. Rules Kyverno would give no
 * response for are included with `applies: false` (left out, and not even built, with
 * `onlyApplicable`); a rule over its budget (`limits`) or that cannot be evaluated is an
 * `error` naming the policy and rule.
 */
export function checkResources(
  policies: CompiledPolicy[],
  resources: SourcedObject[],
  options: CheckOptions = {},
): PolicyCheckResult[] {
  const results: PolicyCheckResult[] = [];
  visitResults(policies, resources, options, result => results.push(result));
  return results;
}

/**
 * {@link checkResources} without the list: `visit` gets each result in the same order, and
 * nothing is kept. A report that only counts the passes need not hold them: on 10,000
 * manifests, holding every result made the check a third slower (the young generation
 * copied each one before promoting it).
 */
export function visitResults(
  policies: CompiledPolicy[],
  resources: SourcedObject[],
  options: CheckOptions,
  visit: (result: PolicyCheckResult) => void,
): void {
  const rulesOf = checkPlan(policies, resources, options);
  for (const entry of resources) {
    const { refs, resultFor } = rulesOf(entry);
    for (let i = 0; i < refs.length; i++) {
      const result = resultFor(refs[i]);
      if (result) visit(result);
    }
  }
}

/**
 * {@link checkResources} for servers: the same results, but it yields to the event loop
 * after every `yieldEveryMs` of work, so a large check does not hold up other requests. One
 * rule on one resource runs without a pause, bounded by `limits.timeoutMs`.
 */
export async function checkResourcesAsync(
  policies: CompiledPolicy[],
  resources: SourcedObject[],
  options: AsyncCheckOptions = {},
): Promise<PolicyCheckResult[]> {
  const yieldEveryMs = options.yieldEveryMs ?? 20;
  const rulesOf = checkPlan(policies, resources, options);
  const results: PolicyCheckResult[] = [];
  let sliceStart = performance.now();
  for (const entry of resources) {
    const { refs, resultFor } = rulesOf(entry);
    for (const ref of refs) {
      const result = resultFor(ref);
      if (result) results.push(result);
      if (performance.now() - sliceStart >= yieldEveryMs) {
        await new Promise(resolve => setTimeout(resolve, 0));
        sliceStart = performance.now();
      }
    }
  }
  return results;
}
