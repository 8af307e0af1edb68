// Runtime bounds for CEL. The evaluator has limits on the parsed expression only, so a
// short expression can still ask for unbounded work (nested comprehensions, `lists.range`,
// doubling a string with `+`). A compiled expression is wrapped so that evaluating it counts
// against the rule's time budget (limits.ts), and what it builds is measured, so an expensive
// expression ends as an error for its rule instead of a stalled event loop.
import {
  checkListLength,
  checkStringLength,
  checkValueSize,
  spend,
} from '../limits';

type Evaluate = (ev: unknown, ast: unknown, ctx: unknown) => unknown;

interface Node {
  op: string;
  args: unknown;
  meta?: {
    alternate?: unknown;
    macro?: Record<string, unknown>;
    evaluate?: unknown;
  };
  evaluate: Evaluate;
  checkedType?: { name?: string; hasDynType?: boolean };
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
  )
    checkValueSize(value, 'a value built by the expression');
}

// Nodes that cannot build a value: they give a bool, or hand on a value some other node
// built or measured (an accumulator is measured as it grows, by accuPush).
const NOTHING_BUILT_OPS = new Set([
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  '&&',
  '||',
  '!_',
  '?:',
  'accuValue',
  'accuInc',
]);
const SCALAR_TYPES = new Set(['bool', 'int', 'uint', 'double']);

/** Whether the node's result needs measuring. */
function builds(node: Node): boolean {
  if (SELECTION_OPS.has(node.op) || NOTHING_BUILT_OPS.has(node.op))
    return false;
  // A literal list of literals is no larger than the expression's text.
  if (
    node.op === 'list' &&
    Array.isArray(node.args) &&
    node.args.every(item => isNode(item) && item.op === 'value')
  )
    return false;
  // A bool or a number, as the type checker proved (functions declare their result).
  const type = node.checkedType;
  return !(type && type.hasDynType === false && SCALAR_TYPES.has(type.name!));
}

/**
 * What the evaluator would run for the node: on its first call it resolves `evaluate` to
 * its alternate (a macro expanded into other nodes), its macro, or its operator. Undefined
 * when the node is not shaped as expected.
 */
function resolved(node: Node): Evaluate | undefined {
  const meta = node.meta;
  if (!meta) return undefined;
  const alternate = meta.alternate;
  if (alternate) {
    if (!isNode(alternate)) return undefined;
    return (ev, _ast, ctx) => alternate.evaluate(ev, alternate, ctx);
  }
  const macro = meta.macro;
  if (macro) {
    if (typeof macro.evaluate !== 'function') return undefined;
    return (ev, _ast, ctx) =>
      (macro.evaluate as Evaluate).call(macro, ev, macro, ctx);
  }
  return typeof meta.evaluate === 'function'
    ? (meta.evaluate as Evaluate)
    : undefined;
}

/**
 * Wraps the node: `work` is counted against the budget before each evaluation (0: none),
 * and with `check` its result is measured.
 */
function wrap(node: Node, work: number, check: boolean): void {
  const evaluate = resolved(node);
  let inner: Evaluate = evaluate ?? node.evaluate;
  const run: Evaluate = check
    ? (ev, _ast, ctx) => {
        if (work) spend(work);
        const value = inner.call(node, ev, node, ctx);
        if (value instanceof Promise) return value;
        checkResult(node, value);
        return value;
      }
    : (ev, _ast, ctx) => {
        spend(work);
        return inner.call(node, ev, node, ctx);
      };
  if (evaluate) {
    // An own data property, as the evaluator sets itself: an accessor on every node made
    // each node an object of its own shape, and every evaluation step a slow lookup.
    node.evaluate = run;
    return;
  }
  // Not shaped as expected: the evaluator replaces a node's `evaluate` with the resolved
  // operator on first use; the setter keeps that replacement behind the guard.
  Object.defineProperty(node, 'evaluate', {
    configurable: true,
    get: () => run,
    set: (fn: Evaluate) => {
      inner = fn;
    },
  });
}

/** The nodes of a tree (each once), in no particular order. */
function nodesOf(root: unknown): Node[] {
  const seen = new Set<unknown>();
  const nodes: Node[] = [];
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (isNode(value)) {
      nodes.push(value);
      visit(value.args);
      visit(value.meta?.alternate);
      visit(value.meta?.macro);
      return;
    }
    if (Object.getPrototypeOf(value) === Object.prototype)
      Object.values(value).forEach(visit);
  };
  visit(root);
  return nodes;
}

/**
 * Guards a checked expression tree. Work is counted where evaluation can repeat: once per
 * evaluation for the whole tree, and once per iteration of each comprehension for the nodes
 * of its step (as many units as the step has nodes, so the clock is checked as often as
 * counting each node would). Every node that may build a value has it measured.
 */
export function guardProgram(ast: unknown): void {
  const nodes = nodesOf(ast);
  const work = new Map<Node, number>();
  if (isNode(ast)) work.set(ast, nodes.length);
  for (const node of nodes) {
    const step = (node.args as { step?: unknown } | undefined)?.step;
    if (node.op === 'comprehension' && isNode(step))
      work.set(step, (work.get(step) ?? 0) + nodesOf(step).length);
  }
  for (const node of nodes) {
    const units = work.get(node) ?? 0;
    // A node that hands on to its alternate needs nothing of its own: the alternate is guarded.
    const check = !node.meta?.alternate && builds(node);
    if (units || check) wrap(node, units, check);
  }
}
