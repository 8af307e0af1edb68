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

type Check = (value: unknown) => boolean;

/**
 * A comparison with one operand, in Kyverno's interpretation order: duration, then quantity,
 * then (for equality) wildcard text. The operand's readings are worked out once.
 */
function comparison(operand: string, operator: Operator): Check {
  const duration = parseDuration(operand);
  const quantity = parseQuantity(operand);
  return value => {
    const text = numericText(value);
    if (text !== undefined) {
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
  };
}

const PREFIXES = [
  ['>=', '>='],
  ['<=', '<='],
  ['>', '>'],
  ['<', '<'],
  ['!', '!='],
] as const;

/** One condition: an operator form, a range, or a (wildcard) literal. */
function conditionCheck(condition: string): Check {
  if (condition.length >= 2) {
    for (const [prefix, operator] of PREFIXES) {
      if (condition.startsWith(prefix))
        return comparison(condition.slice(prefix.length).trim(), operator);
    }
    const outside = NOT_IN_RANGE.exec(condition);
    if (outside) {
      const below = conditionCheck(`<${outside[1]}`);
      const above = conditionCheck(`>${outside[2]}`);
      return value => below(value) || above(value);
    }
    const inside = IN_RANGE.exec(condition);
    if (inside) {
      const from = conditionCheck(`>=${inside[1]}`);
      const to = conditionCheck(`<=${inside[2]}`);
      return value => from(value) && to(value);
    }
  }
  return comparison(condition, '==');
}

/** `|` separates alternatives, `&` joins conditions that must all hold. */
function patternCheck(pattern: string): Check {
  const alternatives = pattern.split('|').map(alternative =>
    alternative
      .trim()
      .split('&')
      .map(condition => conditionCheck(condition.trim())),
  );
  if (alternatives.length === 1 && alternatives[0].length === 1)
    return alternatives[0][0];
  return value => {
    for (const conditions of alternatives) {
      let all = true;
      for (const check of conditions) {
        if (!check(value)) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  };
}

// Patterns are the same for every resource: each pattern text is compiled once.
const checks = new Map<string, Check>();

/**
 * Kyverno's comparison of a resource value with a string pattern: `|` separates
 * alternatives, `&` joins conditions that must all hold.
 */
export function matchesStringPattern(value: unknown, pattern: string): boolean {
  if (typeof value === 'string' && value === pattern) return true;
  let check = checks.get(pattern);
  if (!check) {
    check = patternCheck(pattern);
    if (checks.size >= 10_000) checks.clear();
    checks.set(pattern, check);
  }
  return check(value);
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
