// Kubernetes objects reach CEL the way the API server gives them: whole numbers are CEL ints
// (bigint here), other numbers doubles. Results come back as plain JSON-like values.

const converted = new WeakMap<object, unknown>();

/** A JSON-like value as CEL sees it; objects are converted once and remembered. */
export function toCel(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return convert(value);
  const known = converted.get(value);
  if (known !== undefined) return known;
  const out = toCelOnce(value);
  converted.set(value, out);
  return out;
}

// A resource is converted first as a tree, each object as often as it is reached: keeping a
// map of the objects converted cost about a twentieth of a CEL check. YAML aliases can make
// one object reached again and again (exponentially, nested), so past TREE_NODES objects,
// more than a large manifest holds, the conversion starts over remembering them, which keeps
// it linear in the distinct objects.
const TREE_NODES = 100_000;
let nodesLeft = 0;
const LARGER_THAN_A_TREE = new Error(
  'more objects than a tree conversion takes',
);

/** {@link toCel} for a value used once: its conversion is not remembered. */
export function toCelOnce(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return convert(value);
  nodesLeft = TREE_NODES;
  try {
    return convert(value, undefined);
  } catch (error) {
    if (error !== LARGER_THAN_A_TREE) throw error;
    return convert(value, new Map());
  }
}

/**
 * Converts a value. `seen`, when given, holds the objects of this conversion already
 * converted; without it, objects are counted against `nodesLeft`. A list or object with no
 * number inside is already what CEL sees and is used as it is: copying every resource cost
 * more than most expressions did. (Expressions never change the values they are given.)
 */
function convert(value: unknown, seen?: Map<object, unknown>): unknown {
  // Leaves first: most of a resource is strings.
  if (typeof value !== 'object')
    return typeof value === 'number' && Number.isInteger(value)
      ? BigInt(value)
      : value;
  if (value === null) return value;
  if (seen) {
    const known = seen.get(value);
    if (known !== undefined) return known;
  } else if (--nodesLeft < 0) throw LARGER_THAN_A_TREE;
  let out: unknown = value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = convert(value[i], seen);
      if (item === value[i]) continue;
      if (out === value) out = value.slice();
      (out as unknown[])[i] = item;
    }
  } else {
    const prototype = Object.getPrototypeOf(value);
    if (prototype === Object.prototype)
      out = convertObject(value as Record<string, unknown>, seen);
    // Copied even when unchanged: CEL's maps are objects with the ordinary prototype.
    else if (prototype === null)
      out = copyObject(value as Record<string, unknown>, seen, undefined);
    // Anything else (bytes, timestamps) is a CEL value already.
    else return value;
  }
  seen?.set(value, out);
  return out;
}

/** The object itself when nothing in it changes, else a converted copy. */
function convertObject(
  value: Record<string, unknown>,
  seen: Map<object, unknown> | undefined,
): Record<string, unknown> {
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = convert(value[key], seen);
    if (item !== value[key]) return copyObject(value, seen, key, item);
  }
  return value;
}

/**
 * A copy of `value` with its items converted; the items before `changed` are unchanged and
 * `changed` converts to `item`.
 */
function copyObject(
  value: Record<string, unknown>,
  seen: Map<object, unknown> | undefined,
  changed: string | undefined,
  item?: unknown,
): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  let before = changed !== undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    let copied: unknown;
    if (before) {
      if (key === changed) {
        before = false;
        copied = item;
      } else copied = value[key];
    } else copied = convert(value[key], seen);
    // Assigned (defining every key made conversion the costliest part of a CEL check),
    // except __proto__, which is defined so that it stays an ordinary key.
    if (key === '__proto__')
      Object.defineProperty(map, key, {
        value: copied,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else map[key] = copied;
  }
  return map;
}

/** A CEL result as a plain value (ints as numbers, Maps as objects), for messages and params. */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map)
    return Object.fromEntries(
      [...value].map(([k, v]) => [String(k), fromCel(v)]),
    );
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype
  )
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, fromCel(v)]),
    );
  return value;
}

/** How a CEL value reads in a message, as Go's CEL prints it (strings unquoted). */
export function celToString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (
    typeof value === 'bigint' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  )
    return String(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(fromCel(value));
}
