import { parseDuration, parseQuantity } from './quantity';
import { wildcardMatch } from './wildcard';

type Operator = '==' | '!=' | '>' | '<' | '>=' | '<=';

const BOUND = '([-+]?\\d+(?:\\.\\d+)?[A-Za-z]*)';
const NOT_IN_RANGE = new RegExp(`^${BOUND}!-${BOUND}$`);
const IN_RANGE = new RegExp(`^${BOUND}-${BOUND}$`);

/** The value as the duration and quantity steps see it: a missing value counts as "0". */
function numericText(value: unknown): string | undefined {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** The value as the string step sees it; a missing value, map or list never matches. */
function stringText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

function compare(a: number, b: number, operator: Operator): boolean {
  switch (operator) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    default:
      return a <= b;
  }
}

/** A pattern operand with its readings as a duration and a quantity, worked out once. */
interface Operand {
  duration?: number;
  quantity?: number;
}

// Patterns are the same for every resource, so each operand and pattern text is parsed once.
const operands = new Map<string, Operand>();
const alternatives = new Map<string, string[][]>();
const CACHE_LIMIT = 10_000;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

function operandOf(text: string): Operand {
  return (
    operands.get(text) ??
    remember(operands, text, {
      duration: parseDuration(text),
      quantity: parseQuantity(text),
    })
  );
}

/** Kyverno's interpretation order: duration, then quantity, then (for equality) wildcard text. */
function compareWithOperand(
  value: unknown,
  operand: string,
  operator: Operator,
): boolean {
  const text = numericText(value);
  if (text !== undefined) {
    const { duration, quantity } = operandOf(operand);
    if (duration !== undefined) {
      const valueDuration = parseDuration(text);
      if (valueDuration !== undefined)
        return compare(valueDuration, duration, operator);
    }
    if (quantity !== undefined) {
      const valueQuantity = parseQuantity(text);
      if (valueQuantity !== undefined)
        return compare(valueQuantity, quantity, operator);
    }
  }
  const str = stringText(value);
  if (str === undefined) return false;
  if (operator === '==') return wildcardMatch(operand, str);
  if (operator === '!=') return !wildcardMatch(operand, str);
  return false; // ordering needs durations or quantities
}

/** One condition: an operator form, a range, or a (wildcard) literal. */
function matchesCondition(value: unknown, condition: string): boolean {
  if (condition.length >= 2) {
    for (const [prefix, operator] of [
      ['>=', '>='],
      ['<=', '<='],
      ['>', '>'],
      ['<', '<'],
      ['!', '!='],
    ] as const) {
      if (condition.startsWith(prefix)) {
        return compareWithOperand(
          value,
          condition.slice(prefix.length).trim(),
          operator,
        );
      }
    }
    const outside = NOT_IN_RANGE.exec(condition);
    if (outside) {
      return (
        matchesCondition(value, `<${outside[1]}`) ||
        matchesCondition(value, `>${outside[2]}`)
      );
    }
    const inside = IN_RANGE.exec(condition);
    if (inside) {
      return (
        matchesCondition(value, `>=${inside[1]}`) &&
        matchesCondition(value, `<=${inside[2]}`)
      );
    }
  }
  return compareWithOperand(value, condition, '==');
}

/**
 * Kyverno's comparison of a resource value with a string pattern: `|` separates
 * alternatives, `&` joins conditions that must all hold.
 */
export function matchesStringPattern(value: unknown, pattern: string): boolean {
  if (typeof value === 'string' && value === pattern) return true;
  const parsed =
    alternatives.get(pattern) ??
    remember(
      alternatives,
      pattern,
      pattern.split('|').map(alternative =>
        alternative
          .trim()
          .split('&')
          .map(condition => condition.trim()),
      ),
    );
  return parsed.some(conditions =>
    conditions.every(condition => matchesCondition(value, condition)),
  );
}

/** A scalar pattern (string, number, boolean or null) against a resource value. */
export function matchesScalarPattern(
  value: unknown,
  pattern: unknown,
): boolean {
  if (pattern === null || pattern === undefined) {
    // A null pattern accepts only an absent or zero value.
    return (
      value === null ||
      value === undefined ||
      value === '' ||
      value === 0 ||
      value === false
    );
  }
  if (typeof pattern === 'boolean') return value === pattern;
  if (typeof pattern === 'number') {
    if (typeof value === 'number') return value === pattern;
    if (typeof value === 'string' && value.trim() !== '')
      return Number(value) === pattern;
    return false;
  }
  if (typeof pattern === 'string') return matchesStringPattern(value, pattern);
  if (typeof pattern === 'object' && !Array.isArray(pattern)) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
  return false;
}
