// One rule on one resource: whether it selects the resource, its context, preconditions and
// validation (pattern, anyPattern, deny, foreach, or a CEL rule's own evaluation), under the
// rule's time and size budget. engine.ts runs this over every candidate rule and resource.
import { ConditionError, evaluateConditions } from './conditions';
import { KubernetesObject } from './documents';
import { imagesOf } from './images';
import { blockMatches, Operation } from './match';
import { matchPattern } from './pattern';
import { CompiledPolicy, CompiledRule } from './policies';
import { VariableError } from './variables';
import {
  EvaluationLimits,
  refuseForbiddenKey,
  enterLimits,
  leaveLimits,
  RuleAbortedError,
} from './limits';
import { evaluateForEach } from './foreach';
import {
  Outcome,
  Context,
  resolvePattern,
  patternOutcome,
  anyPatternOutcome,
  denyOutcome,
  variableValue,
} from './outcomes';

/** Labels of a namespace, when known. */
export type NamespaceLabels = (
  namespace: string | undefined,
) => Record<string, string> | undefined;

function namespaceOf(object: KubernetesObject): string | undefined {
  return object.kind === 'Namespace' ? undefined : object.metadata.namespace;
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
export type RuleOutcome = Outcome & { applies?: boolean };

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
export function evaluateRuleSafely(
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
