// Kubernetes' list library, cel-go's ext.Lists and ext.Sets (as `sets.contains(a, b)`).
import type { Environment } from '@marcbachmann/cel-js';
import { checkListLength, listLengthLimit, spend } from '../limits';

// Looked up once: a global looked up per element is slow in some hosts (vm contexts).
const toBigInt = BigInt;

type Comparable = bigint | number | string | boolean;

const order = <T>(a: T, b: T): number => {
  if (a < b) return -1;
  return a > b ? 1 : 0;
};

function compare(a: unknown, b: unknown): number {
  // Sorting and set operations can be quadratic: each comparison counts against the budget.
  spend();
  if (typeof a === 'bigint' || typeof a === 'number') {
    if (typeof b !== 'bigint' && typeof b !== 'number')
      throw new Error('list elements are not comparable');
    return order<bigint | number>(a, b);
  }
  if (
    typeof a !== typeof b ||
    (typeof a !== 'string' && typeof a !== 'boolean')
  )
    throw new Error('list elements are not comparable');
  return order(a as Comparable, b as Comparable);
}

/** CEL equality for the values lists hold (deep for lists and maps). */
export function celEquals(a: unknown, b: unknown): boolean {
  spend();
  if (
    (typeof a === 'bigint' || typeof a === 'number') &&
    (typeof b === 'bigint' || typeof b === 'number')
  )
    // eslint-disable-next-line eqeqeq
    return a == b;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (
    a &&
    b &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every(
        k => Object.hasOwn(b, k) && celEquals((a as any)[k], (b as any)[k]),
      )
    );
  }
  return a === b;
}

const indexOf = (list: unknown[], x: unknown) =>
  BigInt(list.findIndex(y => celEquals(x, y)));

function extreme(list: unknown[], sign: number, name: string): unknown {
  if (list.length === 0) throw new Error(`${name}() on an empty list`);
  return list.reduce((best, x) => (compare(x, best) * sign > 0 ? x : best));
}

function sum(list: unknown[]): unknown {
  if (list.length === 0) return 0n;
  if (typeof list[0] === 'bigint')
    return (list as bigint[]).reduce((a, b) => a + b, 0n);
  return (list as number[]).reduce((a, b) => a + Number(b), 0);
}

/** The flattened length, counted before building: shared sublists can multiply it. */
function flatLength(l: unknown[], depth: number, limit: number): number {
  if (depth <= 0) return l.length;
  let n = 0;
  for (const x of l) {
    spend();
    n += Array.isArray(x) ? flatLength(x, depth - 1, limit) : 1;
    if (n > limit) return n;
  }
  return n;
}

function flatten(l: unknown[], depth: number): unknown[] {
  checkListLength(flatLength(l, depth, listLengthLimit()), 'flatten');
  return (l as any[]).flat(depth);
}

/** Holder for namespaced functions `sets.*` and `lists.*`. */
export class SetsNamespace {}
export class ListsNamespace {}

export function registerLists(env: Environment): void {
  env
    .registerFunction('list.isSorted(): bool', (l: unknown[]) =>
      l.every((x, i) => i === 0 || compare(l[i - 1], x) <= 0),
    )
    .registerFunction('list.sum(): dyn', sum)
    .registerFunction('list.min(): dyn', (l: unknown[]) =>
      extreme(l, -1, 'min'),
    )
    .registerFunction('list.max(): dyn', (l: unknown[]) => extreme(l, 1, 'max'))
    .registerFunction('list.indexOf(dyn): int', indexOf)
    .registerFunction(
      'list.lastIndexOf(dyn): int',
      (l: unknown[], x: unknown) => {
        for (let i = l.length - 1; i >= 0; i--)
          if (celEquals(l[i], x)) return BigInt(i);
        return -1n;
      },
    )
    .registerFunction(
      'list.slice(int, int): list',
      (l: unknown[], a: bigint, b: bigint) => {
        if (a < 0n || b < a || Number(b) > l.length)
          throw new Error(
            `slice(${a}, ${b}) out of range for a list of ${l.length}`,
          );
        return l.slice(Number(a), Number(b));
      },
    )
    .registerFunction('list.flatten(): list', (l: unknown[]) => flatten(l, 1))
    .registerFunction(
      'list.flatten(int): list',
      (l: unknown[], depth: bigint) => {
        if (depth < 0n) throw new Error('flatten: depth must be non-negative');
        return flatten(l, Number(depth));
      },
    )
    .registerFunction('list.distinct(): list', (l: unknown[]) =>
      l.filter((x, i) => l.findIndex(y => celEquals(x, y)) === i),
    )
    .registerFunction('list.reverse(): list', (l: unknown[]) =>
      [...l].reverse(),
    )
    .registerFunction('list.sort(): list', (l: unknown[]) =>
      [...l].sort(compare),
    )
    .registerType('SetsNamespace', SetsNamespace)
    .registerConstant('sets', 'SetsNamespace', new SetsNamespace())
    .registerFunction(
      'SetsNamespace.contains(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) =>
        b.every(x => a.some(y => celEquals(x, y))),
    )
    .registerFunction(
      'SetsNamespace.equivalent(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) =>
        b.every(x => a.some(y => celEquals(x, y))) &&
        a.every(x => b.some(y => celEquals(x, y))),
    )
    .registerFunction(
      'SetsNamespace.intersects(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) =>
        b.some(x => a.some(y => celEquals(x, y))),
    )
    .registerType('ListsNamespace', ListsNamespace)
    .registerConstant('lists', 'ListsNamespace', new ListsNamespace())
    .registerFunction(
      'ListsNamespace.range(int): list<int>',
      (_: unknown, n: bigint) => {
        checkListLength(Number(n), `lists.range(${n})`);
        return Array.from({ length: Math.max(0, Number(n)) }, (__, i) =>
          toBigInt(i),
        );
      },
    );
}
