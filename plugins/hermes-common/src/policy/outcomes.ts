// What a validate rule's pattern, anyPattern or deny conditions produce for one resource (or
// one foreach element), with Kyverno's messages.
import { evaluateConditions } from './conditions';
import { RuleAbortedError } from './limits';
import { matchPattern, PatternOutcome } from './pattern';
import { CompiledRule } from './policies';
import { RuleStatus } from './types';
import {
  evaluateExpression,
  hasVariables,
  substituteVariables,
} from './variables';

export interface Outcome {
  result: RuleStatus;
  message: string;
  path?: string;
  /** No rule response at all (Kyverno's "excluded"). */
  noResponse?: boolean;
  /**
   * `auditAnnotations` of a CEL policy: key `<policy>/<key>` → value. Reported, never
   * enforced; an annotation whose value expression gives null is left out.
   */
  auditAnnotations?: Record<string, string>;
}

export type Context = Record<string, unknown>;

// Most results are passes: each rule's message is built once and shared by its results.
const passMessages = new WeakMap<CompiledRule, string>();

export const passed = (rule: CompiledRule): Outcome => {
  let message = passMessages.get(rule);
  if (message === undefined) {
    message = `validation rule '${rule.name}' passed.`;
    passMessages.set(rule, message);
  }
  return { result: 'pass', message };
};

/** The rule message with variables resolved in the current context (element included). */
export function ruleMessage(rule: CompiledRule, context: Context): string {
  const message = rule.definition.validate?.message ?? '';
  const resolved = substituteVariables(message, context);
  return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
}

export function withPeriod(message: string): string {
  return message.endsWith('.') ? message : `${message}.`;
}

// A policy's patterns are the same objects for every resource: whether one holds variables
// is worked out once.
const holdsVariables = new WeakMap<object, boolean>();

export function resolvePattern(pattern: unknown, context: Context): unknown {
  let variables: boolean;
  if (pattern && typeof pattern === 'object') {
    let known = holdsVariables.get(pattern);
    if (known === undefined) {
      known = hasVariables(pattern);
      holdsVariables.set(pattern, known);
    }
    variables = known;
  } else variables = hasVariables(pattern);
  return variables ? substituteVariables(pattern, context) : pattern;
}

export function patternOutcome(
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

export function anyPatternOutcome(
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

export function denyOutcome(
  rule: CompiledRule,
  context: Context,
  conditions: unknown,
): Outcome {
  let outcome;
  try {
    outcome = evaluateConditions(conditions as any, context);
  } catch (error) {
    if (error instanceof RuleAbortedError) throw error;
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
export function variableValue(
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
      if (variable.default === undefined || error instanceof RuleAbortedError)
        throw error;
      value = undefined;
    }
  }
  return value ?? variable.default ?? null;
}
