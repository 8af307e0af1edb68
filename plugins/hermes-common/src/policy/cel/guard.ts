// Runtime bounds for CEL. The evaluator has limits on the parsed expression only, so a
// short expression can still ask for unbounded work (nested comprehensions, `lists.range`,
// doubling a string with `+`). Every node of a compiled expression is wrapped: evaluating it
// counts against the rule's time budget (limits.ts), and what it produces is measured, so an
// expensive expression ends as an error for its rule instead of a stalled event loop.
import {
  checkListLength,
  checkStringLength,
  RuleAbortedError,
  spend,
  valueSizeLimit,
} from '../limits';

interface Node {
  op: string;
  args: unknown;
  meta?: { alternate?: unknown; macro?: Record<string, unknown> };
  evaluate: (ev: unknown, ast: unknown, ctx: unknown) => unknown;
}

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Node).op === 'string' &&
  'args' in value &&
  typeof (value as Node).evaluate === 'function';

// Nodes whose result is the comprehension's accumulator, still being filled: measuring it
// deeply at each step would be quadratic, and its size is not final yet.
const ACCUMULATOR_OPS = new Set(['accuPush', 'accuValue', 'accuInc', '?:']);

// Nodes that only hand on a value that exists already: a variable (bound, or computed by an
// expression that was measured), a field or element of one, a literal. They build nothing, and
// measuring the whole resource each time `object` is named would cost more than the rule.
const SELECTION_OPS = new Set(['id', 'value', '.', '.?', '[]', '[?]']);

// Deep sizes of finished values. Shared references count each time they occur, as they
// would when compared or printed (`[a, a, a]`); remembering sizes keeps measuring linear.
const sizes = new WeakMap<object, number>();
const REMEMBERED_SIZE = 64;

function deepSize(value: unknown, limit: number): number {
  if (typeof value === 'string') return 1 + value.length;
  if (typeof value !== 'object' || value === null) return 1;
  const known = sizes.get(value);
  if (known !== undefined) return known;
  let total = 1;
  const add = (item: unknown) => {
    total += deepSize(item, limit);
    return total > limit;
  };
  if (value instanceof Uint8Array) total += value.length;
  else if (Array.isArray(value)) {
    for (const item of value) if (add(item)) return total;
  } else if (value instanceof Map) {
    for (const [key, item] of value) if (add(key) || add(item)) return total;
  } else {
    for (const [key, item] of Object.entries(value))
      if (add(key) || add(item)) return total;
  }
  // Small values are cheaper to measure again than to remember (a WeakMap entry each).
  if (total >= REMEMBERED_SIZE) sizes.set(value, total);
  return total;
}

function checkResult(node: Node, value: unknown): void {
  if (typeof value === 'string') {
    checkStringLength(value.length, 'a string built by the expression');
    return;
  }
  if (Array.isArray(value)) {
    checkListLength(value.length, 'a list built by the expression');
    // Building a list costs in proportion to its length (an accumulator is counted as it grows).
    if (!ACCUMULATOR_OPS.has(node.op)) spend(value.length);
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    !ACCUMULATOR_OPS.has(node.op)
  ) {
    const limit = valueSizeLimit();
    if (deepSize(value, limit) > limit)
      throw new RuleAbortedError(
        `a value built by the expression is larger than the limit of ${limit} elements and characters`,
      );
  }
}

function wrap(node: Node): void {
  // The evaluator replaces a node's `evaluate` with the resolved operator on first use; the
  // setter keeps that replacement behind the guard.
  let inner = node.evaluate;
  const guarded = SELECTION_OPS.has(node.op)
    ? (ev: unknown, ast: unknown, ctx: unknown) => {
        spend();
        return inner.call(node, ev, ast, ctx);
      }
    : (ev: unknown, ast: unknown, ctx: unknown) => {
        spend();
        const value = inner.call(node, ev, ast, ctx);
        if (value instanceof Promise) return value;
        checkResult(node, value);
        return value;
      };
  Object.defineProperty(node, 'evaluate', {
    configurable: true,
    get: () => guarded,
    set: (fn: Node['evaluate']) => {
      inner = fn;
    },
  });
}

/** Wraps every node of a checked expression tree with the budget and size checks. */
export function guardProgram(ast: unknown): void {
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (isNode(value)) {
      wrap(value);
      visit(value.args);
      visit(value.meta?.alternate);
      visit(value.meta?.macro);
      return;
    }
    if (Object.getPrototypeOf(value) === Object.prototype)
      Object.values(value).forEach(visit);
  };
  visit(ast);
}
