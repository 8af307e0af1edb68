import { parseDuration, parseQuantity } from './quantity';
import { matchesStringPattern } from './values';
import { substituteVariables } from './variables';
import { wildcardMatch } from './wildcard';

export interface Condition {
  key: unknown;
  operator: string;
  value?: unknown;
  message?: string;
}

/** `{ any, all }` or the legacy plain list (all must hold). */
export type Conditions = Condition[] | { any?: Condition[]; all?: Condition[] };

/** Thrown for an operator Kyverno does not know. */
export class ConditionError extends Error {}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Go duration string other than the bare "0" (which Kyverno does not treat as one here). */
function durationOf(v: unknown): number | undefined {
  return typeof v === 'string' && v.trim() !== '0'
    ? parseDuration(v)
    : undefined;
}

/** Duration comparison when one side is a duration and the other a duration or seconds. */
function durationPair(
  key: unknown,
  value: unknown,
): [number, number] | undefined {
  const kd = durationOf(key);
  const vd = durationOf(value);
  if (kd === undefined && vd === undefined) return undefined;
  const k = kd ?? (typeof key === 'number' ? key * 1000 : undefined);
  const v = vd ?? (typeof value === 'number' ? value * 1000 : undefined);
  return k !== undefined && v !== undefined ? [k, v] : undefined;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Kyverno's Equals, driven by the key's type; undefined when the key has no usable type. */
function equals(key: unknown, value: unknown): boolean | undefined {
  if (typeof key === 'boolean')
    return typeof value === 'boolean' && key === value;
  if (typeof key === 'number') {
    if (typeof value === 'number') return key === value;
    if (typeof value === 'string' && value.trim() !== '')
      return Number(value) === key;
    return false;
  }
  if (isMap(key)) return isMap(value) && deepEqual(key, value);
  if (Array.isArray(key)) return Array.isArray(value) && deepEqual(key, value);
  if (typeof key !== 'string') return undefined;
  const durations = durationPair(key, value);
  if (durations) return durations[0] === durations[1];
  const kq = parseQuantity(key);
  if (kq !== undefined && typeof value === 'string') {
    const vq = parseQuantity(value);
    return vq !== undefined && kq === vq;
  }
  // Wildcards count in the value only.
  return typeof value === 'string' ? wildcardMatch(value, key) : false;
}

/** Go's fmt.Sprint for the scalars that appear in conditions. */
function sprint(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

const RANGE = /^[-+]?\d+(?:\.\d+)?[A-Za-z]*-[-+]?\d+(?:\.\d+)?[A-Za-z]*$/;

/** Wildcards apply in both directions for the set operators. */
function setMatch(a: string, b: string): boolean {
  return wildcardMatch(a, b) || wildcardMatch(b, a);
}

/** The set a value describes: a list, a range, a JSON list in a string, or a single value. */
function valueSet(
  value: unknown,
): { items: string[]; range?: string } | undefined {
  if (Array.isArray(value))
    return { items: value.map(v => sprint(v) ?? JSON.stringify(v)) };
  if (typeof value === 'number' || typeof value === 'boolean')
    return { items: [String(value)] };
  if (typeof value !== 'string') return undefined;
  if (RANGE.test(value)) return { items: [value], range: value };
  if (value.trim().startsWith('[')) {
    try {
      const parsed = JSON.parse(value);
      if (Array.isArray(parsed)) return { items: parsed.map(v => String(v)) };
    } catch {
      // not JSON: a single value
    }
  }
  return { items: [value] };
}

function inSet(
  item: string,
  set: { items: string[]; range?: string },
): boolean {
  if (set.range && matchesStringPattern(item, set.range)) return true;
  return set.items.some(candidate => setMatch(candidate, item));
}

function setOperator(operator: string, key: unknown, value: unknown): boolean {
  const keys = Array.isArray(key)
    ? key.map(k => sprint(k) ?? JSON.stringify(k))
    : sprint(key);
  const set = valueSet(value);
  if (keys === undefined || set === undefined) return false;
  const list = Array.isArray(keys) ? keys : [keys];
  switch (operator) {
    case 'anyin':
      return list.some(k => inSet(k, set));
    case 'allin':
      return list.every(k => inSet(k, set));
    case 'anynotin':
      return list.some(k => !inSet(k, set));
    default:
      return list.every(k => !inSet(k, set));
  }
}

/** The deprecated In / NotIn: exact membership for list keys. */
function legacyIn(key: unknown, value: unknown, negate: boolean): boolean {
  if (Array.isArray(key)) {
    if (!Array.isArray(value)) return false;
    const set = new Set(value.map(String));
    const allIn = key.every(k => set.has(String(k)));
    return negate ? !allIn : allIn;
  }
  const k = sprint(key);
  const set = valueSet(value);
  if (k === undefined || set === undefined) return false;
  return negate ? !inSet(k, set) : inSet(k, set);
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isNaN(n) ? undefined : n;
}

function semver(v: string): number[] | undefined {
  const m =
    /^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function ordered(a: number, b: number, operator: string): boolean {
  switch (operator) {
    case 'greaterthan':
      return a > b;
    case 'greaterthanorequals':
      return a >= b;
    case 'lessthan':
      return a < b;
    default:
      return a <= b;
  }
}

function numericOperator(
  operator: string,
  key: unknown,
  value: unknown,
): boolean {
  if (typeof key !== 'number' && typeof key !== 'string') return false;
  const durations = durationPair(key, value);
  if (durations) return ordered(durations[0], durations[1], operator);
  if (typeof key === 'string' && typeof value === 'string') {
    const kq = parseQuantity(key);
    const vq = parseQuantity(value);
    if (kq !== undefined && vq !== undefined) return ordered(kq, vq, operator);
  }
  const k = toNumber(key);
  if (k !== undefined) {
    const v = toNumber(value);
    return v === undefined ? false : ordered(k, v, operator);
  }
  const ks = typeof key === 'string' ? semver(key) : undefined;
  const vs = typeof value === 'string' ? semver(value) : undefined;
  if (ks && vs) {
    const cmp = ks[0] - vs[0] || ks[1] - vs[1] || ks[2] - vs[2];
    return ordered(cmp, 0, operator);
  }
  return false;
}

function durationOperator(
  operator: string,
  key: unknown,
  value: unknown,
): boolean {
  const asMs = (v: unknown) => {
    if (typeof v === 'number') return Math.trunc(v) * 1000;
    return typeof v === 'string' ? parseDuration(v) : undefined;
  };
  const a = asMs(key);
  const b = asMs(value);
  if (a === undefined || b === undefined) return false;
  return ordered(a, b, operator.replace('duration', ''));
}

/** Evaluates one condition whose key and value are already substituted. */
export function evaluateCondition(condition: Condition): boolean {
  return holds(condition.operator, condition.key, condition.value);
}

// Operators are few and written in mixed case: each is lowered once.
const lowered = new Map<string, string>();

function holds(written: string, key: unknown, value: unknown): boolean {
  let operator = lowered.get(written);
  if (operator === undefined) {
    // Not a string (hostile YAML): the same TypeError as lowering it always gave.
    if (typeof written !== 'string') {
      const condition = { operator: written as any };
      condition.operator.toLowerCase();
    }
    operator = written.toLowerCase();
    if (lowered.size >= 1000) lowered.clear();
    lowered.set(written, operator);
  }
  switch (operator) {
    case 'equals':
    case 'equal':
      return equals(key, value) ?? false;
    case 'notequals':
    case 'notequal': {
      const eq = equals(key, value);
      return eq === undefined ? false : !eq;
    }
    case 'in':
      return legacyIn(key, value, false);
    case 'notin':
      return legacyIn(key, value, true);
    case 'anyin':
    case 'allin':
    case 'anynotin':
    case 'allnotin':
      return setOperator(operator, key, value);
    case 'greaterthan':
    case 'greaterthanorequals':
    case 'lessthan':
    case 'lessthanorequals':
      return numericOperator(operator, key, value);
    case 'durationgreaterthan':
    case 'durationgreaterthanorequals':
    case 'durationlessthan':
    case 'durationlessthanorequals':
      return durationOperator(operator, key, value);
    default:
      throw new ConditionError(`unknown condition operator "${written}"`);
  }
}

export interface ConditionsOutcome {
  holds: boolean;
  /** Messages of the conditions that decided the outcome, joined into reports. */
  messages: string[];
}

/**
 * Evaluates `any`/`all` conditions after substituting variables: `any` holds when one of its
 * conditions holds (an explicitly empty `any` never does), `all` when every one does, and
 * the block when both do. No conditions at all hold.
 */
export function evaluateConditions(
  conditions: Conditions | undefined,
  context: object,
): ConditionsOutcome {
  if (!conditions) return { holds: true, messages: [] };
  const any = Array.isArray(conditions) ? undefined : conditions.any;
  const all = Array.isArray(conditions) ? conditions : conditions.all;
  // Messages are collected only when a condition has one: most have none.
  let whenTrue: string[] | undefined;
  let whenFalse: string[] | undefined;
  let anyHolds = true;
  if (any !== undefined) {
    anyHolds = false;
    for (const c of any) {
      if (run(c, context)) {
        anyHolds = true;
        if (c.message) (whenTrue ??= []).push(c.message);
        break;
      }
      if (c.message) (whenFalse ??= []).push(c.message);
    }
  }
  let allHold = true;
  for (const c of all ?? []) {
    if (!run(c, context)) {
      allHold = false;
      if (c.message) (whenFalse ??= []).push(c.message);
      break;
    }
    if (c.message) (whenTrue ??= []).push(c.message);
  }
  const holdsAll = anyHolds && allHold;
  return {
    holds: holdsAll,
    messages: (holdsAll ? whenTrue : whenFalse) ?? [],
  };
}

function run(c: Condition, context: object): boolean {
  const key = substituteVariables(c.key, context);
  const value = substituteVariables(c.value, context);
  return holds(c.operator, key, value);
}
