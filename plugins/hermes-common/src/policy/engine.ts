import { ConditionError, evaluateConditions } from './conditions';
import { KubernetesObject, SourcedObject } from './documents';
import { imagesOf } from './images';
import { blockMatches, Operation } from './match';
import { matchPattern, PatternOutcome } from './pattern';
import { CompiledPolicy, CompiledRule } from './policies';
import { ForEachValidation, RuleStatus } from './types';
import {
  evaluateExpression,
  hasVariables,
  substituteVariables,
  VariableError,
} from './variables';

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

interface Outcome {
  result: RuleStatus;
  message: string;
  path?: string;
  /** No rule response at all (Kyverno's "excluded"). */
  noResponse?: boolean;
}

type Context = Record<string, unknown>;

const passed = (rule: CompiledRule): Outcome => ({
  result: 'pass',
  message: `validation rule '${rule.name}' passed.`,
});

function setPath(target: Record<string, any>, dotted: string, value: unknown) {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key];
  }
  node[keys[keys.length - 1]] = value;
}

/** The rule message with variables resolved in the current context (element included). */
function ruleMessage(rule: CompiledRule, context: Context): string {
  const message = rule.definition.validate?.message ?? '';
  const resolved = substituteVariables(message, context);
  return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
}

function withPeriod(message: string): string {
  return message.endsWith('.') ? message : `${message}.`;
}

function resolvePattern(pattern: unknown, context: Context): unknown {
  return hasVariables(pattern)
    ? substituteVariables(pattern, context)
    : pattern;
}

function patternOutcome(
  rule: CompiledRule,
  context: Context,
  outcome: PatternOutcome,
  base = '',
): Outcome {
  if (outcome.status === 'pass') return passed(rule);
  if (outcome.status === 'skip')
    return { result: 'skip', message: outcome.reason };
  const message = ruleMessage(rule, context);
  return {
    result: 'fail',
    message: `validation error: ${
      message ? `${withPeriod(message)} ` : ''
    }rule ${rule.name} failed at path ${outcome.path}`,
    path: `${base}${outcome.path}`.replace(/\/\/+/g, '/'),
  };
}

function anyPatternOutcome(
  rule: CompiledRule,
  context: Context,
  target: unknown,
  patterns: unknown[],
  base = '',
): Outcome {
  if (patterns.length === 0)
    return { result: 'pass', message: ruleMessage(rule, context) };
  const resolved = patterns.map(p => resolvePattern(p, context));
  const failed: string[] = [];
  const skipped: string[] = [];
  let firstPath: string | undefined;
  for (let i = 0; i < resolved.length; i++) {
    const outcome = matchPattern(target, resolved[i]);
    if (outcome.status === 'pass') {
      return {
        result: 'pass',
        message: `validation rule '${rule.name}' anyPattern[${i}] passed.`,
      };
    }
    if (outcome.status === 'skip')
      skipped.push(`rule ${rule.name}[${i}] skipped: ${outcome.reason}`);
    else {
      failed.push(`rule ${rule.name}[${i}] failed at path ${outcome.path}`);
      firstPath ??= outcome.path;
    }
  }
  if (failed.length === 0)
    return { result: 'skip', message: skipped.join(' ') };
  const message = ruleMessage(rule, context);
  return {
    result: 'fail',
    message: `validation error: ${
      message ? `${withPeriod(message)} ` : ''
    }${failed.join(' ')}`,
    path: `${base}${firstPath}`.replace(/\/\/+/g, '/'),
  };
}

function denyOutcome(
  rule: CompiledRule,
  context: Context,
  conditions: unknown,
): Outcome {
  let outcome;
  try {
    outcome = evaluateConditions(conditions as any, context);
  } catch (error) {
    return {
      result: 'error',
      message: `failed to check deny conditions: ${(error as Error).message}`,
    };
  }
  if (!outcome.holds) return passed(rule);
  const parts = [ruleMessage(rule, context), ...outcome.messages].filter(
    Boolean,
  );
  if (parts.length === 0)
    return {
      result: 'fail',
      message: `validation error: rule ${rule.name} failed`,
    };
  const message = substituteVariables(parts.join('; '), context);
  return { result: 'fail', message: String(message) };
}

/** `request.object.spec.containers` → `/spec/containers/`, for pointing at an element. */
function listPath(list: string): string {
  const match = /^request\.object\.([\w.]+)$/.exec(list.trim());
  return match ? `/${match[1].replace(/\./g, '/')}/` : '';
}

/** Kyverno's foreach: the first failing element decides; no applicable element, no response. */
function evaluateForEach(
  rule: CompiledRule,
  entries: ForEachValidation[],
  context: Context,
  nesting: number,
): Outcome {
  let applied = 0;
  let listError: string | undefined;
  for (const foreach of entries) {
    let list: unknown;
    try {
      list = evaluateExpression(foreach.list, context);
    } catch (error) {
      // A missing list (no initContainers, say) just has nothing to check.
      if (error instanceof VariableError && /no such field/.test(error.message))
        continue;
      listError = (error as Error).message;
      continue;
    }
    const elements = Array.isArray(list) ? list : [list];
    for (let index = 0; index < elements.length; index++) {
      const element = elements[index];
      if (element === null || element === undefined) continue;
      const elementContext: Context = {
        ...context,
        element,
        elementIndex: index,
        [`element${nesting}`]: element,
        [`elementIndex${nesting}`]: index,
      };
      const scoped =
        foreach.elementScope ??
        (typeof element === 'object' && !Array.isArray(element));
      if (
        foreach.elementScope === true &&
        (typeof element !== 'object' || Array.isArray(element))
      ) {
        return {
          result: 'error',
          message:
            'failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps',
        };
      }
      let outcome: Outcome;
      try {
        for (const entry of foreach.context ?? []) {
          if (entry.variable)
            elementContext[entry.name] = variableValue(
              entry.variable,
              elementContext,
            );
        }
        if (
          foreach.preconditions &&
          !evaluateConditions(foreach.preconditions, elementContext).holds
        )
          continue;
      } catch {
        continue; // an element whose preconditions cannot be evaluated is skipped, as in Kyverno
      }
      const target = scoped ? element : (context.request as any).object;
      const base = scoped ? `${listPath(foreach.list)}${index}/` : '';
      try {
        if (foreach.deny)
          outcome = denyOutcome(rule, elementContext, foreach.deny.conditions);
        else if (foreach.pattern !== undefined) {
          outcome = patternOutcome(
            rule,
            elementContext,
            matchPattern(
              target,
              resolvePattern(foreach.pattern, elementContext),
            ),
            base,
          );
        } else if (foreach.anyPattern)
          outcome = anyPatternOutcome(
            rule,
            elementContext,
            target,
            foreach.anyPattern,
            base,
          );
        else if (foreach.foreach)
          outcome = evaluateForEach(
            rule,
            foreach.foreach,
            elementContext,
            nesting + 1,
          );
        else continue;
      } catch (error) {
        if (error instanceof VariableError) {
          outcome = {
            result: 'error',
            message: `variable substitution failed: ${error.message}`,
          };
        } else throw error;
      }
      if (outcome.noResponse || outcome.result === 'skip') continue;
      if (outcome.result !== 'pass') {
        return {
          result: outcome.result,
          message: `validation failure: ${outcome.message}`,
          path:
            outcome.path ??
            (listPath(foreach.list)
              ? `${listPath(foreach.list)}${index}/`
              : undefined),
        };
      }
      applied++;
    }
  }
  if (applied === 0) {
    return listError
      ? { result: 'error', message: `failed to evaluate list: ${listError}` }
      : {
          result: 'skip',
          message: 'no element of the foreach list applies',
          noResponse: true,
        };
  }
  return { result: 'pass', message: 'rule passed' };
}

function variableValue(
  variable: { value?: unknown; jmesPath?: string; default?: unknown },
  context: object,
) {
  let value =
    variable.value === undefined
      ? undefined
      : substituteVariables(variable.value, context);
  if (variable.jmesPath) {
    try {
      value = evaluateExpression(
        variable.jmesPath,
        value === undefined ? context : (value as object),
      );
    } catch (error) {
      if (variable.default === undefined) throw error;
      value = undefined;
    }
  }
  return value ?? variable.default ?? null;
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
