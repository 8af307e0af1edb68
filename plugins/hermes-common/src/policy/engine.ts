import { ConditionError, evaluateConditions } from './conditions';
import { KubernetesObject, SourcedObject } from './documents';
import { imagesOf } from './images';
import { blockMatches, Operation } from './match';
import { matchPattern } from './pattern';
import { CompiledPolicy, CompiledRule } from './policies';
import { RuleStatus } from './types';
import { VariableError } from './variables';
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
  failureAction: 'Enforce' | 'Audit';
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
}

function setPath(target: Record<string, any>, dotted: string, value: unknown) {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key];
  }
  node[keys[keys.length - 1]] = value;
}

function evaluateValidate(
  rule: CompiledRule,
  object: KubernetesObject,
  context: Context,
): Outcome {
  const validate = rule.definition.validate!;
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

function evaluateRule(
  policy: CompiledPolicy,
  rule: CompiledRule,
  object: KubernetesObject,
  operation: Operation,
  values: Record<string, unknown> | undefined,
): Outcome & { applies: boolean } {
  const notApplied = (message: string) => ({
    result: 'skip' as const,
    message,
    applies: false,
  });
  if (policy.namespace && object.metadata.namespace !== policy.namespace) {
    return notApplied(
      `Policy ${policy.namespace}/${policy.name} applies only to namespace ${policy.namespace}`,
    );
  }
  if (!blockMatches(rule.definition.match, object, operation))
    return notApplied('rule does not match the resource');
  if (blockMatches(rule.definition.exclude, object, operation))
    return notApplied('resource is excluded by the rule');
  if (rule.unsupported)
    return { result: 'skip', message: rule.unsupported, applies: true };

  const context: Context = {
    request: { operation, object, namespace: object.metadata.namespace ?? '' },
  };
  Object.defineProperty(context, 'images', {
    get: () => imagesOf(object),
    enumerable: true,
  });
  for (const [key, value] of Object.entries(values ?? {}))
    setPath(context, key, value);
  try {
    for (const entry of rule.definition.context ?? []) {
      context[entry.name] = variableValue(entry.variable!, context);
    }
  } catch (error) {
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
    const outcome = evaluateValidate(rule, object, context);
    return { ...outcome, applies: !outcome.noResponse };
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

/**
 * Evaluates every rule of every policy against every resource. Rules Kyverno would give no
 * response for are included with `applies: false`.
 */
export function checkResources(
  policies: CompiledPolicy[],
  resources: SourcedObject[],
  options: CheckOptions = {},
): PolicyCheckResult[] {
  const operation = options.operation ?? 'CREATE';
  const results: PolicyCheckResult[] = [];
  for (const { object, source, line } of resources) {
    const resource = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name ?? object.metadata.generateName ?? '',
    };
    for (const policy of policies) {
      for (const rule of policy.rules) {
        const values = options.valuesFor?.(
          policy.name,
          rule.name,
          resource.name,
        );
        const outcome = evaluateRule(policy, rule, object, operation, values);
        results.push({
          policy: policy.name,
          rule: rule.name,
          resource,
          source,
          line,
          result: outcome.result,
          message: outcome.message,
          path: outcome.path,
          failureAction: rule.failureAction,
          scored: policy.scored,
          applies: outcome.applies,
        });
      }
    }
  }
  return results;
}
