import { compile, TreeInterpreter } from '@jmespath-community/jmespath';
import { installKyvernoJmespath } from './functions';
import {
  checkMeasuredSize,
  checkValueSize,
  measureSize,
  produceText,
  RuleAbortedError,
  spend,
} from './limits';

/** A `{{ }}` expression that could not be evaluated. */
export class VariableError extends Error {
  constructor(readonly expression: string, reason: string) {
    super(`variable "{{ ${expression} }}" ${reason}`);
    this.name = 'VariableError';
  }
}

// A plain field path (`request.object.metadata.labels."app.kubernetes.io/name"`): Kyverno's
// JMESPath raises "Unknown key" when such a lookup misses, where standard JMESPath gives null.
const FIELD_PATH = /^[A-Za-z_@][\w]*(?:\.(?:"[^"]*"|[A-Za-z_][\w]*)|\[\d+\])*$/;
const ONLY_VARIABLE = /^\{\{(.+?)\}\}$/s;

/** A parsed expression, with what evaluating it needs to know, worked out once. */
interface Expression {
  text: string;
  ast: ReturnType<typeof compile>;
  fieldPath: boolean;
}

// A policy's expressions are evaluated for every resource: each is parsed once.
const compiled = new Map<string, Expression>();

/** The parsed expression; throws what the JMESPath parser throws for an invalid one. */
function expressionOf(raw: string): Expression {
  let expression = compiled.get(raw);
  if (!expression) {
    const text = raw.trim();
    expression = { text, ast: compile(text), fieldPath: FIELD_PATH.test(text) };
    if (compiled.size >= 10_000) compiled.clear();
    compiled.set(raw, expression);
  }
  return expression;
}

/** Evaluates one JMESPath expression against the context, Kyverno style. */
export function evaluateExpression(
  expression: string,
  context: object,
): unknown {
  installKyvernoJmespath();
  let parsed: Expression | undefined;
  let value: unknown;
  try {
    parsed = expressionOf(expression);
    value = TreeInterpreter.search(parsed.ast, context as any);
  } catch (error) {
    if (error instanceof RuleAbortedError)
      throw error.expression
        ? error
        : new RuleAbortedError(error.message, expression.trim());
    throw new VariableError(
      expression.trim(),
      `is not valid JMESPath: ${(error as Error).message}`,
    );
  }
  if ((value === null || value === undefined) && parsed.fieldPath) {
    throw new VariableError(
      parsed.text,
      'could not be resolved: no such field',
    );
  }
  return value ?? null;
}

const LINE_BREAK = /[\n\r\u2028\u2029]/g;

interface VariableMatch {
  /** Where the match starts: at the `{{`, or at the backslash that escapes it. */
  start: number;
  end: number;
  expression: string;
  escaped: boolean;
}

/**
 * The `{{ expression }}` occurrences in a text, left to right: an expression is the shortest
 * non-empty run of one line's characters that is followed by `}}` and then not by another
 * `}`; a backslash before `{{` escapes it. This is what `/(\\)?\{\{(.+?)\}\}(?!\})/g` finds,
 * but in linear time: that regex rescans the rest of the line from every unclosed `{{`.
 */
function* variablesIn(text: string): Generator<VariableMatch> {
  let from = 0;
  // The next line break and the next `}}` at or after a position; positions only grow, so
  // each is searched for once per occurrence.
  let lineBreak = -1;
  let close = -1;
  const nextLineBreak = (position: number) => {
    if (lineBreak < position && lineBreak !== Infinity) {
      LINE_BREAK.lastIndex = position;
      lineBreak = LINE_BREAK.exec(text)?.index ?? Infinity;
    }
    return lineBreak;
  };
  const nextClose = (position: number) => {
    if (close < position && close !== Infinity) {
      const found = text.indexOf('}}', position);
      close = found < 0 ? Infinity : found;
    }
    return close;
  };
  for (;;) {
    const open = text.indexOf('{{', from);
    if (open < 0) return;
    const body = open + 2;
    const limit = nextLineBreak(body);
    let end = nextClose(body + 1);
    while (end < limit && text[end + 2] === '}') end = nextClose(end + 1);
    if (end >= limit) {
      // No expression can close before the line ends, for this `{{` or any later one on it.
      from = limit === Infinity ? text.length : limit + 1;
      continue;
    }
    const escaped = open > from && text[open - 1] === '\\';
    yield {
      start: escaped ? open - 1 : open,
      end: end + 2,
      expression: text.slice(body, end),
      escaped,
    };
    from = end + 2;
  }
}

/** Whether a `{{` opens before the previous one closed: `{{ f('{{ x }}') }}`. */
function hasNestedVariables(text: string): boolean {
  let open = false;
  for (let i = 0; i + 1 < text.length; i++) {
    const pair = text[i] + text[i + 1];
    if (pair === '{{') {
      if (open) return true;
      open = true;
      i++;
    } else if (pair === '}}') {
      open = false;
      i++;
    }
  }
  return false;
}

// Kyverno's variable: `{{ }}` whose body has no braces other than `{...}` groups, so the
// innermost variables match first; not after a backslash. Each start scans at most to the
// next brace pair, so matching stays linear.
const INNERMOST_VARIABLE = /(?<!\\)\{\{(?:\{[^{}]*\}|[^{}])*\}\}/g;
const ESCAPED_VARIABLE = /\\(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;
/** Rounds of nested substitution; a resolved value that holds `{{ }}` could go on forever. */
const MAX_ROUNDS = 16;

/**
 * Kyverno's substitution for nested variables: the innermost variables are resolved first,
 * as text, and the string is scanned again until none is left, so
 * `{{ regex_match('^v', '{{ request.object.metadata.name }}') }}` sees the name. A string
 * that is exactly one variable at the start of a round takes that variable's value and type.
 */
function substituteNested(text: string, context: object): unknown {
  let value = text;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const found = value.match(INNERMOST_VARIABLE);
    if (!found) break;
    const original = value;
    for (const variable of found) {
      spend();
      const result = evaluateExpression(variable.slice(2, -2), context);
      if (variable === original) return result;
      const piece =
        typeof result === 'string' ? result : JSON.stringify(result);
      produceText(piece.length);
      value = value.replace(variable, () => piece);
    }
  }
  return value.replace(ESCAPED_VARIABLE, '$1');
}

/** How a string with `{{` is substituted, worked out once per string of a policy. */
type Template =
  | { kind: 'nested' }
  | { kind: 'only'; expression: string }
  | { kind: 'parts'; parts: VariableMatch[] };

const templates = new Map<string, Template>();

function templateOf(text: string): Template {
  let template = templates.get(text);
  if (!template) {
    const only = ONLY_VARIABLE.exec(text);
    if (hasNestedVariables(text)) template = { kind: 'nested' };
    else if (only && !only[1].includes('{{'))
      template = { kind: 'only', expression: only[1] };
    else template = { kind: 'parts', parts: [...variablesIn(text)] };
    if (templates.size >= 10_000) templates.clear();
    templates.set(text, template);
  }
  return template;
}

function substituteString(text: string, context: object): unknown {
  spend();
  // Most strings of a policy hold no variable: nothing below would change them.
  if (!text.includes('{{')) return text;
  const template = templateOf(text);
  if (template.kind === 'nested') return substituteNested(text, context);
  if (template.kind === 'only')
    return evaluateExpression(template.expression, context);
  let out = '';
  let copied = 0;
  for (const match of template.parts) {
    out += text.slice(copied, match.start);
    if (match.escaped) out += text.slice(match.start + 1, match.end);
    else {
      const value = evaluateExpression(match.expression, context);
      const piece = typeof value === 'string' ? value : JSON.stringify(value);
      produceText(piece.length);
      out += piece;
    }
    copied = match.end;
  }
  return out + text.slice(copied);
}

/**
 * Replaces every `{{ expression }}` in strings inside `value`. A string that is exactly one
 * variable takes the variable's value and type; otherwise values are interpolated as text.
 * `\{{` escapes a literal `{{`. Throws {@link VariableError} for unresolvable variables.
 */
export function substituteVariables(value: unknown, context: object): unknown {
  if (typeof value === 'string') return substituteString(value, context);
  if (!value || typeof value !== 'object') return value;
  const constant = constantSize(value);
  if (constant !== undefined) {
    // A copy would be equal: the value itself is used (nothing changes values of a policy).
    checkMeasuredSize(constant, 'a value built from variables');
    return value;
  }
  let out: unknown;
  if (Array.isArray(value))
    out = value.map(v => substituteVariables(v, context));
  else {
    const map: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      Object.defineProperty(map, substituteString(key, context) as string, {
        value: substituteVariables(v, context),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    out = map;
  }
  // Variables that each stand for a large value can make a value larger than any of them.
  checkValueSize(out, 'a value built from variables');
  return out;
}

// A policy's values are the same objects for every resource: whether one holds variables,
// and its size when it does not, are worked out once.
const constantSizes = new WeakMap<object, number | false>();

/** The size of a value that holds no variable; undefined when it holds some. */
function constantSize(value: object): number | undefined {
  let known = constantSizes.get(value);
  if (known === undefined) {
    known = hasVariables(value) ? false : measureSize(value);
    constantSizes.set(value, known);
  }
  return known === false ? undefined : known;
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
