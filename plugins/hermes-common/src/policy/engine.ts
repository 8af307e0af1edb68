import { ConditionError, evaluateConditions } from './conditions';
import { KubernetesObject, SourcedObject } from './documents';
import { imagesOf } from './images';
import { blockMatches, Operation } from './match';
import { matchPattern } from './pattern';
import { CompiledPolicy, CompiledRule } from './policies';
import { FailureAction, RuleStatus } from './types';
import { VariableError } from './variables';
import {
  EvaluationLimits,
  refuseForbiddenKey,
  enterLimits,
  leaveLimits,
  RuleAbortedError,
} from './limits';
import { evaluateForEach } from './foreach';
import { missResult, ruleIndex, Subject, subjectOf } from './ruleIndex';
import {
  Outcome,
  Context,
  resolvePattern,
  patternOutcome,
  anyPatternOutcome,
  denyOutcome,
  variableValue,
} from './outcomes';

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

type NamespaceLabels = (
  namespace: string | undefined,
) => Record<string, string> | undefined;

function namespaceOf(object: KubernetesObject): string | undefined {
  return object.kind === 'Namespace' ? undefined : object.metadata.namespace;
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

/** Sets a dotted path such as `request.operation`; keys that reach a prototype are refused. */
function setPath(target: Record<string, any>, dotted: string, value: unknown) {
  const keys = dotted.split('.');
  for (const key of keys) refuseForbiddenKey(key, `values key "${dotted}"`);
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (
      !Object.hasOwn(node, key) ||
      typeof node[key] !== 'object' ||
      node[key] === null
    )
      node[key] = {};
    node = node[key];
  }
  node[keys[keys.length - 1]] = value;
}

function evaluateValidate(
  rule: CompiledRule,
  object: KubernetesObject,
  context: Context,
  operation: Operation,
  namespaceLabels: Record<string, string> | undefined,
): Outcome {
  const validate = rule.definition.validate!;
  if (rule.celValidate)
    return rule.celValidate({ object, operation, namespaceLabels });
  if (validate.deny)
    return denyOutcome(rule, context, validate.deny.conditions);
  if (validate.pattern !== undefined || validate.anyPattern) {
    try {
      return validate.pattern !== undefined
        ? patternOutcome(
            rule,
            context,
            matchPattern(object, resolvePattern(validate.pattern, context)),
          )
        : anyPatternOutcome(rule, context, object, validate.anyPattern!);
    } catch (error) {
      if (error instanceof VariableError) {
        return {
          result: 'error',
          message: `variable substitution failed: ${error.message}`,
        };
      }
      throw error;
    }
  }
  return evaluateForEach(rule, validate.foreach ?? [], context, 0);
}

/** `applies` is left out when it is `!noResponse`, to spare a copy of every outcome. */
type RuleOutcome = Outcome & { applies?: boolean };

const notApplied = (message: string): RuleOutcome => ({
  result: 'skip',
  message,
  applies: false,
});

// The `images` of the resource last checked, shared by its rules; the engine checks a
// resource against all its rules before the next. Not shared when test values may write
// into the context.
let lastImages:
  | { object: KubernetesObject; images: ReturnType<typeof imagesOf> }
  | undefined;

function sharedImagesOf(object: KubernetesObject): ReturnType<typeof imagesOf> {
  if (lastImages?.object !== object)
    lastImages = { object, images: imagesOf(object) };
  return lastImages.images;
}

function evaluateRule(
  policy: CompiledPolicy,
  rule: CompiledRule,
  object: KubernetesObject,
  operation: Operation,
  values: Record<string, unknown> | undefined,
  namespaceLabels: NamespaceLabels | undefined,
): RuleOutcome {
  const labels = namespaceLabels?.(namespaceOf(object));
  if (rule.evaluate)
    return rule.evaluate({ object, operation, namespaceLabels: labels });
  if (policy.namespace && object.metadata.namespace !== policy.namespace) {
    return notApplied(
      `Policy ${policy.namespace}/${policy.name} applies only to namespace ${policy.namespace}`,
    );
  }
  if (
    !blockMatches(rule.definition.match, object, operation, {
      labels,
      whenUnknown: 'match',
    })
  )
    return notApplied('rule does not match the resource');
  if (
    blockMatches(rule.definition.exclude, object, operation, {
      labels,
      whenUnknown: 'empty',
    })
  )
    return notApplied('resource is excluded by the rule');
  if (rule.unsupported)
    return { result: 'skip', message: rule.unsupported, applies: true };

  // A plain data property: a getter computing images on first use made every context a new
  // closure and accessor, and each check of a large set about a third slower. Images are
  // worked out once per resource, for all its rules.
  const context: Context = {
    request: { operation, object, namespace: object.metadata.namespace ?? '' },
    images: values ? imagesOf(object) : sharedImagesOf(object),
  };
  if (values)
    for (const [key, value] of Object.entries(values))
      setPath(context, key, value);
  try {
    for (const entry of rule.definition.context ?? []) {
      refuseForbiddenKey(entry.name, `context entry "${entry.name}"`);
      context[entry.name] = variableValue(entry.variable!, context);
    }
  } catch (error) {
    if (error instanceof RuleAbortedError) throw error;
    return {
      result: 'error',
      message: `failed to load context: ${(error as Error).message}`,
      applies: true,
    };
  }
  if (rule.definition.preconditions) {
    let outcome;
    try {
      outcome = evaluateConditions(rule.definition.preconditions, context);
    } catch (error) {
      if (!(error instanceof VariableError || error instanceof ConditionError))
        throw error;
      return {
        result: 'error',
        message: `failed to evaluate preconditions: ${error.message}`,
        applies: true,
      };
    }
    if (!outcome.holds) {
      const reasons = outcome.messages.filter(Boolean).join('; ');
      return {
        result: 'skip',
        message: `preconditions not met${reasons ? `; ${reasons}` : ''}`,
        applies: true,
      };
    }
  }
  try {
    const outcome: RuleOutcome = evaluateValidate(
      rule,
      object,
      context,
      operation,
      labels,
    );
    return outcome.applies === undefined
      ? outcome
      : { ...outcome, applies: !outcome.noResponse };
  } catch (error) {
    if (error instanceof VariableError || error instanceof ConditionError) {
      const message =
        error instanceof VariableError
          ? `validation error: variables substitution error in rule ${rule.name} execution error: ${error.message}`
          : error.message;
      return { result: 'error', message, applies: true };
    }
    throw error;
  }
}

/** A rule that could not be evaluated is an error for that rule, naming policy and rule. */
function evaluateRuleSafely(
  policy: CompiledPolicy,
  rule: CompiledRule,
  object: KubernetesObject,
  operation: Operation,
  values: Record<string, unknown> | undefined,
  limits: EvaluationLimits | undefined,
  namespaceLabels: NamespaceLabels | undefined,
): RuleOutcome {
  // withinLimits without its closure: this runs for every rule on every resource.
  const outer = enterLimits(limits);
  try {
    return evaluateRule(
      policy,
      rule,
      object,
      operation,
      values,
      namespaceLabels,
    );
  } catch (error) {
    // Hostile input can also exhaust the stack or the maximum string length.
    return {
      result: 'error',
      message: `policy "${policy.name}", rule "${rule.name}": ${
        (error as Error).message
      }`,
      applies: true,
    };
  } finally {
    leaveLimits(outer);
  }
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

/** The results of every rule on one resource, in rule order; rules that cannot apply are not evaluated. */
function* resultsFor(
  entry: SourcedObject,
  rules: ReturnType<typeof ruleIndex>,
  options: CheckOptions,
  namespaceLabels: NamespaceLabels,
): Generator<PolicyCheckResult> {
  const subject = subjectOf(entry);
  const { candidates, celMisses } = rules.forObject(entry.object);
  if (options.onlyApplicable) {
    for (const { policy, rule } of candidates) {
      const result = resultOf(policy, rule, subject, options, namespaceLabels);
      if (result) yield result;
    }
    return;
  }
  let next = 0;
  for (const ref of rules.all) {
    if (candidates[next] === ref) {
      next++;
      yield resultOf(ref.policy, ref.rule, subject, options, namespaceLabels)!;
    } else
      yield missResult(
        ref,
        subject,
        celMisses.size ? celMisses.get(ref) : undefined,
      );
  }
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
  const namespaceLabels = namespaceLabelsOf(resources, options.namespaceLabels);
  const rules = ruleIndex(policies);
  const results: PolicyCheckResult[] = [];
  // Without the generator when only applicable results are wanted: a step of it per result
  // cost as much as building the result.
  if (options.onlyApplicable) {
    for (const entry of resources) {
      const subject = subjectOf(entry);
      for (const { policy, rule } of rules.forObject(entry.object).candidates) {
        const result = resultOf(
          policy,
          rule,
          subject,
          options,
          namespaceLabels,
        );
        if (result) results.push(result);
      }
    }
    return results;
  }
  for (const entry of resources)
    for (const result of resultsFor(entry, rules, options, namespaceLabels))
      results.push(result);
  return results;
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
  const namespaceLabels = namespaceLabelsOf(resources, options.namespaceLabels);
  const rules = ruleIndex(policies);
  const results: PolicyCheckResult[] = [];
  let sliceStart = performance.now();
  for (const entry of resources)
    for (const result of resultsFor(entry, rules, options, namespaceLabels)) {
      results.push(result);
      if (performance.now() - sliceStart >= yieldEveryMs) {
        await new Promise(resolve => setTimeout(resolve, 0));
        sliceStart = performance.now();
      }
    }
  return results;
}
