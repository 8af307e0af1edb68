// What CEL-based validation shares across Kyverno ValidatingPolicy, Kubernetes
// ValidatingAdmissionPolicy and `validate.cel` rules: match conditions, lazily evaluated
// variables, validations with messages, and the admission bindings they see.
import {
  CelEvaluationError,
  CelProgram,
  CelUnsupportedError,
  celToString,
  compileCel,
  toCel,
  toCelOnce,
} from './cel';
import { KubernetesObject } from './documents';
import { groupVersionOf, resourceOf } from './celMatch';
import { Operation } from './match';
import { Outcome } from './outcomes';
import { RuleAbortedError } from './limits';
import { CompiledException, exceptionOutcome } from './celExceptions';

/**
 * A budget overrun stops the whole rule (the engine reports it naming policy and rule); this
 * says which expression was running. Any other error is returned for the caller to report.
 */
function rethrowAborted(
  error: unknown,
  where: string,
  expression: string,
): unknown {
  if (!(error instanceof RuleAbortedError)) return error;
  const text =
    expression.length > 100 ? `${expression.slice(0, 100)}...` : expression;
  throw new RuleAbortedError(`${where} "${text}": ${error.message}`);
}

interface CompiledValidation {
  program: CelProgram;
  message?: string;
  messageProgram?: CelProgram;
}

export interface ValidationSet {
  matchConditions: Array<{ name: string; program: CelProgram }>;
  /**
   * The scope the set's expressions see for these bindings: the bindings and `variables`,
   * each computed on first use. Undefined when the set declares no variables.
   */
  scopeWithVariables?: (
    bindings: Record<string, unknown>,
  ) => Record<string, unknown>;
  validations: CompiledValidation[];
  auditAnnotations: Array<{ key: string; program: CelProgram }>;
  /** Prefix of audit annotation keys: the policy's name. */
  annotationPrefix: string;
  /** Kyverno PolicyExceptions naming the policy, checked once the match conditions hold. */
  exceptions?: CompiledException[];
  /** `Ignore`: a match condition that fails to evaluate counts as not matching. */
  failurePolicy: string;
  /** The message of a failed validation without one (Kyverno and Kubernetes differ). */
  defaultMessage: (index: number, expression: string) => string;
}

/** Compiles the expressions; unsupported or invalid ones make the whole set unusable. */
export function compileValidationSet(
  spec: {
    matchConditions?: unknown;
    variables?: unknown;
    validations?: unknown;
    auditAnnotations?: unknown;
    failurePolicy?: unknown;
  },
  path: string,
  defaultMessage: ValidationSet['defaultMessage'],
  annotationPrefix = '',
): { set?: ValidationSet; unsupported?: string; error?: string } {
  const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);
  try {
    const set: ValidationSet = {
      matchConditions: list(spec.matchConditions).map((c, i) => ({
        name: String(c?.name ?? `matchConditions[${i}]`),
        program: compileCel(c?.expression),
      })),
      scopeWithVariables: lazyVariables(
        list(spec.variables).map(v => ({
          name: String(v?.name ?? ''),
          program: compileCel(v?.expression),
        })),
      ),
      validations: list(spec.validations).map(v => ({
        program: compileCel(v?.expression),
        message: typeof v?.message === 'string' ? v.message : undefined,
        messageProgram: v?.messageExpression
          ? compileCel(v.messageExpression)
          : undefined,
      })),
      auditAnnotations: list(spec.auditAnnotations).map((a, i) => ({
        key: String(a?.key ?? `auditAnnotations[${i}]`),
        program: compileCel(a?.valueExpression),
      })),
      annotationPrefix,
      failurePolicy:
        typeof spec.failurePolicy === 'string' ? spec.failurePolicy : 'Fail',
      defaultMessage,
    };
    if (set.validations.length === 0 && set.auditAnnotations.length === 0)
      return { error: `${path}: no validations to evaluate` };
    return { set };
  } catch (error) {
    if (error instanceof CelUnsupportedError)
      return {
        unsupported: `unsupported: ${error.message}: ${error.expression}`,
      };
    return { error: `${path}: ${(error as Error).message}` };
  }
}

export interface AdmissionInput {
  object: KubernetesObject;
  operation: Operation;
  /** Labels of the object's namespace, when known. */
  namespaceLabels?: Record<string, string>;
  params?: unknown;
}

/**
 * The bindings last built, for the object they were built for. One is enough: the engine
 * checks a resource against all its rules before the next, and keeping every resource's
 * converted copy to the end of a large check cost more in garbage collection than it saved.
 */
let lastBindings:
  | {
      object: KubernetesObject;
      operation: Operation;
      namespaceLabels?: Record<string, string>;
      params: unknown;
      bindings: Record<string, unknown>;
    }
  | undefined;

/**
 * The variables an admission expression sees: object, oldObject, request, namespaceObject,
 * params. Built once per object (every CEL rule checking it in turn shares them): converting
 * a resource for CEL costs more than most expressions do. Expressions never change them.
 */
export function admissionBindings(
  input: AdmissionInput,
): Record<string, unknown> {
  const params = input.params ?? null;
  const known = lastBindings;
  if (
    known &&
    known.object === input.object &&
    known.operation === input.operation &&
    known.namespaceLabels === input.namespaceLabels &&
    known.params === params
  )
    return known.bindings;
  const bindings = buildBindings(input);
  lastBindings = {
    object: input.object,
    operation: input.operation,
    namespaceLabels: input.namespaceLabels,
    params,
    bindings,
  };
  return bindings;
}

function buildBindings(input: AdmissionInput): Record<string, unknown> {
  const { object, operation } = input;
  const { group, version } = groupVersionOf(object);
  const namespace =
    object.kind === 'Namespace' ? '' : object.metadata.namespace ?? '';
  const gvk = { group, version, kind: object.kind };
  const resource = { group, version, resource: resourceOf(object.kind) };
  // Strings and booleans only: already what CEL sees, no conversion needed.
  const request = {
    operation,
    name: object.metadata.name ?? '',
    namespace,
    kind: gvk,
    requestKind: gvk,
    resource,
    requestResource: { ...resource },
    subResource: '',
    userInfo: { username: '', groups: [] },
    dryRun: false,
  };
  const namespaceObject = namespace
    ? {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace, labels: input.namespaceLabels ?? {} },
      }
    : null;
  // The resource and its namespace are converted for this resource's rules only; params are
  // shared by every resource, and their conversion is remembered.
  const converted = toCelOnce(object);
  return {
    object: operation === 'DELETE' ? null : converted,
    oldObject: operation === 'CREATE' ? null : converted,
    request,
    namespaceObject: toCelOnce(namespaceObject),
    params: toCel(input.params ?? null),
  };
}

class VariableFailure {
  constructor(readonly message: string) {}
}

const UNSET = Symbol('not evaluated');

/**
 * The scopes of a set with variables: `variables.<name>` is an own, enumerable getter (CEL
 * reads own properties) that evaluates the variable on first use and remembers it for the
 * bindings. One scope and one `variables` object per set, made once and brought up to date
 * when the bindings change: a new `variables` object for every rule and resource, with
 * getters of its own, cost 7% of a CEL check, and getters closing over one evaluation
 * gave each object a hidden class of its own, kept by V8 in the old generation, through
 * which every resource's converted copy outlived the young generation. Evaluations of a set
 * never overlap (each runs to its end), and nothing keeps a scope past one.
 */
function lazyVariables(
  variables: Array<{ name: string; program: CelProgram }>,
): ValidationSet['scopeWithVariables'] {
  if (variables.length === 0) return undefined;
  const values: unknown[] = variables.map(() => UNSET);
  const lazy: Record<string, unknown> = {};
  let scope: Record<string, unknown> = { variables: lazy };
  variables.forEach(({ name, program }, index) => {
    if (Object.hasOwn(lazy, name))
      throw new Error(`variables: the name "${name}" is declared twice`);
    Object.defineProperty(lazy, name, {
      enumerable: true,
      get() {
        let value = values[index];
        if (value === UNSET) {
          value = evaluateOrFailure(name, program, scope);
          values[index] = value;
        }
        if (value instanceof VariableFailure)
          throw new Error(`variable "${name}": ${value.message}`);
        return value;
      },
    });
  });
  let current: Record<string, unknown> | undefined;
  return bindings => {
    if (bindings !== current) {
      current = bindings;
      scope = { ...bindings, variables: lazy };
      values.fill(UNSET);
    }
    return scope;
  };
}

function evaluateOrFailure(
  name: string,
  program: CelProgram,
  bindings: Record<string, unknown>,
) {
  try {
    return program.evaluate(bindings);
  } catch (error) {
    rethrowAborted(error, `variables.${name}`, program.expression);
    return new VariableFailure((error as Error).message);
  }
}

// The scope last made for a set without variables, and the bindings it was made from:
// nothing in it is evaluated lazily, and expressions never change it, so the rules checking
// one resource share it. (Not a WeakMap keyed by bindings: its entries kept every resource's
// bindings through the young generation.)
let lastPlainScope:
  | { bindings: Record<string, unknown>; scope: Record<string, unknown> }
  | undefined;

/** The bindings with `variables` (computed on first use). */
function scopeOf(
  set: ValidationSet,
  bindings: Record<string, unknown>,
): Record<string, unknown> {
  if (set.scopeWithVariables) return set.scopeWithVariables(bindings);
  if (lastPlainScope?.bindings !== bindings)
    lastPlainScope = { bindings, scope: { ...bindings, variables: {} } };
  return lastPlainScope.scope;
}

const errorOutcome = (message: string): Outcome => ({
  result: 'error',
  message,
});

/**
 * Evaluates a validation set: `skip` when a match condition is false, `fail` with the first
 * failed validation's message, `error` when an expression cannot be evaluated, else `pass`.
 */
export function evaluateValidationSet(
  set: ValidationSet,
  bindings: Record<string, unknown>,
  passMessage: string,
): Outcome {
  const scope = scopeOf(set, bindings);
  const matchErrors: string[] = [];
  for (const condition of set.matchConditions) {
    let value: unknown;
    try {
      value = condition.program.evaluate(scope);
    } catch (error) {
      rethrowAborted(
        error,
        `matchConditions "${condition.name}"`,
        condition.program.expression,
      );
      matchErrors.push(
        `match condition "${condition.name}": ${(error as Error).message}`,
      );
      continue;
    }
    if (value === false)
      return {
        result: 'skip',
        message: `match condition "${condition.name}" is not met`,
      };
    if (value !== true)
      matchErrors.push(
        `match condition "${condition.name}" did not return a bool`,
      );
  }
  if (matchErrors.length > 0) {
    if (set.failurePolicy === 'Ignore')
      return {
        result: 'skip',
        message: `match conditions could not be evaluated (failurePolicy Ignore): ${matchErrors.join(
          '; ',
        )}`,
      };
    return errorOutcome(matchErrors.join('; '));
  }
  if (set.exceptions?.length) {
    const excepted = exceptionOutcome(set.exceptions, scope);
    if (excepted) return excepted;
  }
  for (let index = 0; index < set.validations.length; index++) {
    const validation = set.validations[index];
    let value: unknown;
    try {
      value = validation.program.evaluate(scope);
    } catch (error) {
      rethrowAborted(
        error,
        `validations[${index}]`,
        validation.program.expression,
      );
      const reason =
        error instanceof CelEvaluationError
          ? error.message
          : String((error as Error).message);
      return errorOutcome(
        `expression "${validation.program.expression}" failed: ${reason}`,
      );
    }
    if (typeof value !== 'boolean')
      return errorOutcome(
        `expression "${validation.program.expression}" returned ${celToString(
          value,
        )}, not a bool`,
      );
    if (value) continue;
    let message = validation.message ?? '';
    if (validation.messageProgram) {
      try {
        message = celToString(validation.messageProgram.evaluate(scope));
      } catch (error) {
        rethrowAborted(
          error,
          `validations[${index}].messageExpression`,
          validation.messageProgram.expression,
        );
        message = `failed to evaluate message expression: ${
          (error as Error).message
        }`;
      }
    }
    return withAnnotations(set, scope, {
      result: 'fail',
      message:
        message || set.defaultMessage(index, validation.program.expression),
    });
  }
  return withAnnotations(set, scope, { result: 'pass', message: passMessage });
}

/**
 * Adds the audit annotations to an outcome. As in Kubernetes they are computed whatever the
 * validations decided; a value expression that cannot be evaluated makes the rule an error.
 */
function withAnnotations(
  set: ValidationSet,
  scope: Record<string, unknown>,
  outcome: Outcome,
): Outcome {
  if (set.auditAnnotations.length === 0) return outcome;
  const annotations: Record<string, string> = {};
  for (const { key, program } of set.auditAnnotations) {
    let value: unknown;
    try {
      value = program.evaluate(scope);
    } catch (error) {
      rethrowAborted(error, `auditAnnotations "${key}"`, program.expression);
      return errorOutcome(
        `auditAnnotations "${key}": expression "${
          program.expression
        }" failed: ${(error as Error).message}`,
      );
    }
    if (value === null) continue;
    if (typeof value !== 'string')
      return errorOutcome(
        `auditAnnotations "${key}": valueExpression returned ${celToString(
          value,
        )}, not a string or null`,
      );
    Object.defineProperty(annotations, `${set.annotationPrefix}/${key}`, {
      value,
      enumerable: true,
    });
  }
  return Object.keys(annotations).length
    ? { ...outcome, auditAnnotations: annotations }
    : outcome;
}
