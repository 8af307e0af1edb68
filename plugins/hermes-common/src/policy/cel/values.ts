// Kubernetes objects reach CEL the way the API server gives them: whole numbers are CEL ints
// (bigint here), other numbers doubles. Results come back as plain JSON-like values.

const converted = new WeakMap<object, unknown>();

/** A JSON-like value as CEL sees it; objects are converted once and remembered. */
export function toCel(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return convert(value);
  const known = converted.get(value);
  if (known !== undefined) return known;
  const out = convert(value, new Map());
  if (out !== value) converted.set(value, out);
  return out;
}

/**
 * Converts a value. `seen` holds the objects of this conversion already converted: YAML
 * aliases share them, and converting each occurrence anew could take exponential time. (A
 * Map for one conversion: remembering every nested object in a WeakMap cost more than
 * converting it.)
 */
function convert(value: unknown, seen?: Map<object, unknown>): unknown {
  if (typeof value === 'number')
    return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array || value instanceof Date) return value;
  const known = seen!.get(value);
  if (known !== undefined) return known;
  let out: unknown;
  if (Array.isArray(value)) {
    const list = new Array(value.length);
    for (let i = 0; i < value.length; i++) list[i] = convert(value[i], seen);
    out = list;
  } else if (
    Object.getPrototypeOf(value) === Object.prototype ||
    Object.getPrototypeOf(value) === null
  ) {
    const map: Record<string, unknown> = {};
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const item = convert((value as Record<string, unknown>)[key], seen);
      // Assigned (defining every key made conversion the costliest part of a CEL check),
      // except __proto__, which is defined so that it stays an ordinary key.
      if (key === '__proto__')
        Object.defineProperty(map, key, {
          value: item,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else map[key] = item;
    }
    out = map;
  } else return value;
  seen!.set(value, out);
  return out;
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
