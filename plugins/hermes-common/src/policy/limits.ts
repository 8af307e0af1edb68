// What one rule's evaluation on one resource may cost. Hostile policies and manifests can ask
// for unbounded work (a JMESPath result that doubles, a pattern walked over a huge list); a
// budget turns that into an error for that rule instead of a stalled or crashed server.

/** Limits for evaluating one rule against one resource. */
export interface EvaluationLimits {
  /** Wall-clock milliseconds one rule may take on one resource. Default 500. */
  timeoutMs?: number;
  /**
   * Largest value one expression may produce, counted as JSON elements plus string
   * characters (roughly its size as JSON). Default 16 Mi.
   */
  maxValueSize?: number;
  /**
   * Longest list a CEL expression may build (lists.range, split, map, concatenation).
   * Default 1 Mi elements: building a list costs far more per element than a string does.
   */
  maxListLength?: number;
}

export const DEFAULT_EVALUATION_LIMITS: Required<EvaluationLimits> = {
  timeoutMs: 500,
  maxValueSize: 16 * 1024 * 1024,
  maxListLength: 1024 * 1024,
};

/**
 * The rule cannot be evaluated: it is over budget, or the policy asks for something that
 * cannot run (an invalid RE2 pattern, a refused key). The rule's result is an error; code on
 * the way up rethrows it rather than treating it as an ordinary failure.
 */
export class RuleAbortedError extends Error {
  constructor(message: string, readonly expression?: string) {
    super(
      expression
        ? `${message} (in {{ ${
            expression.length > 100
              ? `${expression.slice(0, 100)}...`
              : expression
          } }})`
        : message,
    );
    this.name = 'RuleAbortedError';
  }
}

/** Keys that would reach or replace an object's prototype when set from input. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Throws when `key` may not be set on an object; `what` names it for the message. */
export function refuseForbiddenKey(key: string, what: string): void {
  if (FORBIDDEN_KEYS.has(key))
    throw new RuleAbortedError(
      `${what} is refused: __proto__, constructor and prototype cannot be set`,
    );
}

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

export interface Budget {
  limits: Required<EvaluationLimits>;
  deadline: number;
  work: number;
  /** Characters of text built from variables so far. */
  produced: number;
  /**
   * Set once the deadline has passed; every later check throws it again at once, so code
   * that catches errors and carries on (CEL's `exists`, `||`) cannot keep the rule running.
   */
  aborted?: RuleAbortedError;
  /** Deep sizes of the objects measured so far in this evaluation (see sizeOf). */
  sizes?: Map<object, number>;
}

// One budget at a time: rule evaluation is synchronous, and JMESPath's custom functions
// have no way to receive one, so the budget in force lives here.
let current: Budget | undefined;

/** The limits with their defaults filled in. */
function resolveLimits(
  limits: EvaluationLimits | undefined,
): Required<EvaluationLimits> {
  if (!limits) return DEFAULT_EVALUATION_LIMITS;
  return {
    timeoutMs: limits.timeoutMs ?? DEFAULT_EVALUATION_LIMITS.timeoutMs,
    maxValueSize: limits.maxValueSize ?? DEFAULT_EVALUATION_LIMITS.maxValueSize,
    maxListLength:
      limits.maxListLength ?? DEFAULT_EVALUATION_LIMITS.maxListLength,
  };
}

/** Runs `evaluate` under the given limits; nested calls get their own budget. */
export function withinLimits<T>(
  limits: EvaluationLimits | undefined,
  evaluate: () => T,
): T {
  const outer = enterLimits(limits);
  try {
    return evaluate();
  } finally {
    leaveLimits(outer);
  }
}

/**
 * withinLimits without a closure, for the engine's hot loop: starts a budget and returns
 * the one it replaces, which must be passed to leaveLimits (in a `finally`).
 */
export function enterLimits(
  limits: EvaluationLimits | undefined,
): Budget | undefined {
  const resolved = resolveLimits(limits);
  const outer = current;
  current = {
    limits: resolved,
    deadline: performance.now() + resolved.timeoutMs,
    work: 0,
    produced: 0,
  };
  return outer;
}

export function leaveLimits(outer: Budget | undefined): void {
  current = outer;
}

/** Counts work; every so often checks the clock (checking on every step would cost more). */
export function spend(work = 1): void {
  if (!current) return;
  if (current.aborted) throw current.aborted;
  current.work += work;
  if (current.work < 1024) return;
  current.work = 0;
  if (performance.now() > current.deadline) {
    current.aborted = new RuleAbortedError(
      `evaluation took longer than ${current.limits.timeoutMs} ms`,
    );
    throw current.aborted;
  }
}

/** Whether a budget is in force (CEL programs evaluated on their own get a default one). */
export function hasBudget(): boolean {
  return current !== undefined;
}

/** The error that stopped the current budget, once its deadline has passed. */
export function budgetAborted(): RuleAbortedError | undefined {
  return current?.aborted;
}

/** The longest list a CEL expression may build. */
export function listLengthLimit(): number {
  return (current?.limits ?? DEFAULT_EVALUATION_LIMITS).maxListLength;
}

/** Throws before building a list of `length` elements when that is over the limit. */
export function checkListLength(length: number, what: string): void {
  const limit = listLengthLimit();
  if (length > limit)
    throw new RuleAbortedError(
      `${what} would have ${length} elements, more than the limit of ${limit}`,
    );
}

/** The largest value (elements plus characters) an expression may build. */
function maxValueSize(): number {
  return (current?.limits ?? DEFAULT_EVALUATION_LIMITS).maxValueSize;
}

function tooLarge(what: string): RuleAbortedError {
  return new RuleAbortedError(
    `${what} is larger than the limit of ${maxValueSize()} elements and characters`,
  );
}

// Sizes of objects already measured in this evaluation. Shared references count each time
// they occur, as they would once serialised (`[@,@]` doubles the size without copying
// anything); remembering each object's size keeps measuring linear in the number of distinct
// objects. Values are not changed once measured. Kept per evaluation, not in one WeakMap for
// the process: most measured values are built by the evaluation and die with it, and a
// WeakMap's entries carried them through V8's young generation (the CEL check of 10,000
// manifests took a tenth longer). A policy's own values are measured once, in variables.ts.
const REMEMBERED_SIZE = 64;

function rememberedSizes(): Map<object, number> {
  return current ? (current.sizes ??= new Map()) : new Map();
}

/**
 * The size of a value as JSON elements plus characters (a string or key counts its length
 * and one), counting no further than just past `limit`.
 */
function sizeOf(
  value: unknown,
  limit: number,
  sizes: Map<object, number>,
): number {
  if (typeof value === 'string') return 1 + value.length;
  if (typeof value !== 'object' || value === null) return 1;
  const known = sizes.get(value);
  if (known !== undefined) return known;
  let total = 1;
  if (value instanceof Uint8Array) total += value.length;
  else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      total += sizeOf(value[i], limit, sizes);
      if (total > limit) return total;
    }
  } else if (value instanceof Map) {
    for (const [key, item] of value) {
      total += sizeOf(key, limit, sizes) + sizeOf(item, limit, sizes);
      if (total > limit) return total;
    }
  } else {
    // Own enumerable string keys, as Object.entries gives them, without its pairs.
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      total +=
        1 +
        keys[i].length +
        sizeOf((value as Record<string, unknown>)[keys[i]], limit, sizes);
      if (total > limit) return total;
    }
  }
  // Small values are cheaper to measure again than to remember.
  if (total >= REMEMBERED_SIZE) sizes.set(value, total);
  return total;
}

/** Throws when a value a policy built (`what`) is over the size limit. */
export function checkValueSize(value: unknown, what: string): void {
  const limit = maxValueSize();
  if (sizeOf(value, limit, rememberedSizes()) > limit) throw tooLarge(what);
}

/** The size of a value as checkValueSize counts it, however large. */
export function measureSize(value: unknown): number {
  return sizeOf(value, Infinity, rememberedSizes());
}

/** checkValueSize for a value whose size (see measureSize) is known. */
export function checkMeasuredSize(size: number, what: string): void {
  if (size > maxValueSize()) throw tooLarge(what);
}

/** Throws before building a string of `length` characters when that is over the limit. */
export function checkStringLength(length: number, what: string): void {
  if (length > maxValueSize()) throw tooLarge(what);
}

/** Counts text built from variables, which adds up over a rule's messages and patterns. */
export function produceText(length: number): void {
  const budget = current;
  if (!budget) {
    checkStringLength(length, 'text built from variables');
    return;
  }
  budget.produced += length;
  if (budget.produced > budget.limits.maxValueSize)
    throw tooLarge('text built from variables');
}
