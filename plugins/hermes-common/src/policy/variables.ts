import { search } from '@jmespath-community/jmespath';
import { registerKyvernoFunctions } from './functions';

/** A `{{ }}` expression that could not be evaluated. */
export class VariableError extends Error {
  constructor(readonly expression: string, reason: string) {
    super(`variable "{{ ${expression} }}" ${reason}`);
    this.name = 'VariableError';
  }
}

const VARIABLE = /(\\)?\{\{(.+?)\}\}(?!\})/g;
// A plain field path (`request.object.metadata.labels."app.kubernetes.io/name"`): Kyverno's
// JMESPath raises "Unknown key" when such a lookup misses, where standard JMESPath gives null.
const FIELD_PATH = /^[A-Za-z_@][\w]*(?:\.(?:"[^"]*"|[A-Za-z_][\w]*)|\[\d+\])*$/;
const ONLY_VARIABLE = /^\{\{(.+?)\}\}$/s;

/** Evaluates one JMESPath expression against the context, Kyverno style. */
export function evaluateExpression(
  expression: string,
  context: object,
): unknown {
  registerKyvernoFunctions();
  let value: unknown;
  try {
    value = search(context as any, expression.trim());
  } catch (error) {
    throw new VariableError(
      expression.trim(),
      `is not valid JMESPath: ${(error as Error).message}`,
    );
  }
  if (
    (value === null || value === undefined) &&
    FIELD_PATH.test(expression.trim())
  ) {
    throw new VariableError(
      expression.trim(),
      'could not be resolved: no such field',
    );
  }
  return value ?? null;
}

function substituteString(text: string, context: object): unknown {
  const only = ONLY_VARIABLE.exec(text);
  if (only && !only[1].includes('{{'))
    return evaluateExpression(only[1], context);
  if (!text.includes('{{')) return text;
  return text.replace(
    VARIABLE,
    (whole, escaped: string | undefined, expression: string) => {
      if (escaped) return whole.slice(1);
      const value = evaluateExpression(expression, context);
      return typeof value === 'string' ? value : JSON.stringify(value);
    },
  );
}

/**
 * Replaces every `{{ expression }}` in strings inside `value`. A string that is exactly one
 * variable takes the variable's value and type; otherwise values are interpolated as text.
 * `\{{` escapes a literal `{{`. Throws {@link VariableError} for unresolvable variables.
 */
export function substituteVariables(value: unknown, context: object): unknown {
  if (typeof value === 'string') return substituteString(value, context);
  if (Array.isArray(value))
    return value.map(v => substituteVariables(v, context));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      Object.defineProperty(out, substituteString(key, context) as string, {
        value: substituteVariables(v, context),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** Whether a value contains any `{{ }}` variable (so substitution can be skipped). */
export function hasVariables(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(hasVariables);
  if (value && typeof value === 'object') {
    return Object.entries(value).some(
      ([k, v]) => k.includes('{{') || hasVariables(v),
    );
  }
  return false;
}
