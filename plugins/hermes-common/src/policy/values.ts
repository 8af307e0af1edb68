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

/** Kyverno's interpretation order: duration, then quantity, then (for equality) wildcard text. */
function compareWithOperand(
  value: unknown,
  operand: string,
  operator: Operator,
): boolean {
  const text = numericText(value);
  if (text !== undefined) {
    const patternDuration = parseDuration(operand);
    const valueDuration = parseDuration(text);
    if (patternDuration !== undefined && valueDuration !== undefined) {
      return compare(valueDuration, patternDuration, operator);
    }
    const patternQuantity = parseQuantity(operand);
    const valueQuantity = parseQuantity(text);
    if (patternQuantity !== undefined && valueQuantity !== undefined) {
      return compare(valueQuantity, patternQuantity, operator);
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
  return pattern.split('|').some(alternative =>
    alternative
      .trim()
      .split('&')
      .every(condition => matchesCondition(value, condition.trim())),
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
