// Kyverno PolicyExceptions for CEL policies (`policies.kyverno.io` PolicyException): an
// exception names policies in `policyRefs` and applies to a resource when all of its CEL
// `matchConditions` hold. Kyverno then reports the policy as skipped (or passed, with
// `reportResult: pass`) naming the exceptions, instead of evaluating the validations.
import { CelProgram, compileCel } from './cel';
import { DocumentProblem, KubernetesObject } from './documents';
import { RuleAbortedError } from './limits';
import { Outcome } from './outcomes';

export interface CompiledException {
  /** `namespace/name`, or `name` for an exception without a namespace. */
  key: string;
  refs: Array<{ name: string; kind: string }>;
  conditions: Array<{ name: string; program: CelProgram }>;
  reportResult: 'skip' | 'pass';
}

export function isCelException(object: KubernetesObject): boolean {
  return (
    object.kind === 'PolicyException' &&
    object.apiVersion.startsWith('policies.kyverno.io/')
  );
}

/** Compiles one exception; an invalid one is a problem and never applies. */
export function compileException(
  object: KubernetesObject,
  source: string,
): CompiledException | DocumentProblem {
  const spec = (object.spec ?? {}) as Record<string, any>;
  const key = object.metadata.namespace
    ? `${object.metadata.namespace}/${object.metadata.name}`
    : String(object.metadata.name);
  const refs = (Array.isArray(spec.policyRefs) ? spec.policyRefs : [])
    .filter((r: any) => typeof r?.name === 'string')
    .map((r: any) => ({ name: r.name, kind: String(r.kind ?? '') }));
  if (refs.length === 0)
    return {
      source,
      message: `PolicyException "${key}" has no spec.policyRefs; ignored`,
    };
  try {
    const conditions = (
      Array.isArray(spec.matchConditions) ? spec.matchConditions : []
    ).map((c: any, i: number) => ({
      name: String(c?.name ?? `matchConditions[${i}]`),
      program: compileCel(c?.expression),
    }));
    return {
      key,
      refs,
      conditions,
      reportResult: spec.reportResult === 'pass' ? 'pass' : 'skip',
    };
  } catch (error) {
    return {
      source,
      message: `PolicyException "${key}": ${(error as Error).message}; ignored`,
    };
  }
}

/** The exceptions that name a policy (by name and kind). */
export function exceptionsFor(
  exceptions: CompiledException[],
  name: string,
  kind: string,
): CompiledException[] {
  return exceptions.filter(e =>
    e.refs.some(r => r.name === name && r.kind === kind),
  );
}

/**
 * Checks the exceptions against one resource (after the policy's own match conditions):
 * the outcome when some apply, undefined when none does.
 */
export function exceptionOutcome(
  exceptions: CompiledException[],
  scope: Record<string, unknown>,
): Outcome | undefined {
  const applying: CompiledException[] = [];
  for (const exception of exceptions) {
    let holds = true;
    for (const { name, program } of exception.conditions) {
      let value: unknown;
      try {
        value = program.evaluate(scope);
      } catch (error) {
        if (error instanceof RuleAbortedError) throw error;
        return {
          result: 'error',
          message: `PolicyException "${
            exception.key
          }", match condition "${name}": ${(error as Error).message}`,
        };
      }
      if (value !== true) {
        holds = false;
        break;
      }
    }
    if (holds) applying.push(exception);
  }
  if (applying.length === 0) return undefined;
  const result = applying[0].reportResult;
  return {
    result,
    message: `rule is ${
      result === 'pass' ? 'passed' : 'skipped'
    } due to policy exception: ${applying.map(e => e.key).join(', ')}`,
  };
}
