// Kubernetes objects reach CEL the way the API server gives them: whole numbers are CEL ints
// (bigint here), other numbers doubles. Results come back as plain JSON-like values.

const converted = new WeakMap<object, unknown>();

/** A JSON-like value as CEL sees it; objects are converted once and remembered. */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number')
    return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array || value instanceof Date) return value;
  const known = converted.get(value);
  if (known !== undefined) return known;
  let out: unknown;
  if (Array.isArray(value)) out = value.map(toCel);
  else if (
    Object.getPrototypeOf(value) === Object.prototype ||
    Object.getPrototypeOf(value) === null
  ) {
    const map: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // Defined, not assigned: a key named __proto__ stays an ordinary key.
      Object.defineProperty(map, key, {
        value: toCel(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    out = map;
  } else return value;
  converted.set(value, out);
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
