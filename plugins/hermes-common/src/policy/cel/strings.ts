// The extended strings library (cel-go ext.Strings) beyond what the evaluator has built in.
import type { Environment } from '@marcbachmann/cel-js';
import { celToString } from './values';
import { checkListLength, checkStringLength, listLengthLimit } from '../limits';

/** The name the built-in `split` is rewritten to: it stops at the list length limit. */
export const SPLIT_BOUNDED = 'splitBounded';

function split(s: string, separator: string, limit: number): string[] {
  if (limit === 0) return [];
  if (limit < 0) {
    // One more than the limit is enough to know it is over; the rest is never built.
    const parts = s.split(separator, listLengthLimit() + 1);
    checkListLength(parts.length, 'split');
    return parts;
  }
  if (limit === 1) return [s];
  const head = s.split(separator, limit - 1);
  if (separator === '')
    return s.length > head.length ? [...head, s.slice(head.length)] : head;
  const offset =
    head.reduce((n, part) => n + part.length, 0) +
    head.length * separator.length;
  // Fewer parts than asked for, or nothing after the last one: the split is complete.
  if (head.length < limit - 1 || offset - separator.length >= s.length)
    return head;
  return [...head, s.slice(offset)];
}

function replace(s: string, from: string, to: string, limit: number): string {
  if (limit === 0) return s;
  const count = from === '' ? [...s].length + 1 : s.split(from).length - 1;
  const times = limit < 0 ? count : Math.min(count, limit);
  checkStringLength(
    s.length + times * Math.max(0, to.length - from.length),
    'replace',
  );
  if (from === '') {
    // Go inserts the replacement before every character and at the end.
    const chars = [...s];
    let out = '';
    for (let i = 0; i <= chars.length; i++) {
      if (limit < 0 || i < limit) out += to;
      out += chars[i] ?? '';
    }
    return out;
  }
  const parts = s.split(from);
  if (limit < 0 || parts.length - 1 <= limit) return parts.join(to);
  return (
    parts.slice(0, limit + 1).join(to) +
    from +
    parts.slice(limit + 1).join(from)
  );
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function formatValue(
  verb: string,
  precision: number | undefined,
  value: unknown,
): string {
  switch (verb) {
    case 's':
      return celToString(value);
    case 'd':
      if (typeof value !== 'bigint' && typeof value !== 'number')
        throw new Error(
          `format: %d needs an integer, got ${celToString(value)}`,
        );
      return String(typeof value === 'number' ? Math.trunc(value) : value);
    case 'f':
    case 'e':
      if (typeof value !== 'bigint' && typeof value !== 'number')
        throw new Error(
          `format: %${verb} needs a number, got ${celToString(value)}`,
        );
      return verb === 'f'
        ? Number(value).toFixed(precision ?? 6)
        : Number(value)
            .toExponential(precision ?? 6)
            .replace(/e([+-])(\d)$/, 'e$10$2');
    case 'x':
    case 'X': {
      const text =
        typeof value === 'string'
          ? [...new TextEncoder().encode(value)]
              .map(b => b.toString(16).padStart(2, '0'))
              .join('')
          : BigInt(value as bigint).toString(16);
      return verb === 'X' ? text.toUpperCase() : text;
    }
    case 'o':
      return BigInt(value as bigint).toString(8);
    case 'b':
      return typeof value === 'boolean'
        ? String(value)
        : BigInt(value as bigint).toString(2);
    default:
      throw new Error(`format: unrecognized formatting clause "%${verb}"`);
  }
}

/** `"%s has %d items".format([name, n])`, with the clauses cel-go supports. */
export function format(template: string, args: unknown[]): string {
  let next = 0;
  return template.replace(/%(?:\.(\d+))?([a-zA-Z%])/g, (_, precision, verb) => {
    if (verb === '%') return '%';
    if (next >= args.length)
      throw new Error(`format: index ${next} out of range`);
    return formatValue(
      verb,
      precision === undefined ? undefined : Number(precision),
      args[next++],
    );
  });
}

/** Holder for namespaced functions such as `strings.quote(s)`. */
export class StringsNamespace {}

export function registerStrings(env: Environment): void {
  env
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
      const n = Number(i);
      if (n < 0 || n > s.length) throw new Error(`index out of range: ${n}`);
      return s.charAt(n);
    })
    .registerFunction(
      'string.replace(string, string): string',
      (s: string, a: string, b: string) => replace(s, a, b, -1),
    )
    .registerFunction(
      'string.replace(string, string, int): string',
      (s: string, a: string, b: string, n: bigint) =>
        replace(s, a, b, Number(n)),
    )
    .registerFunction(
      `string.${SPLIT_BOUNDED}(string): list<string>`,
      (s: string, sep: string) => split(s, sep, -1),
    )
    .registerFunction(
      `string.${SPLIT_BOUNDED}(string, int): list<string>`,
      (s: string, sep: string, n: bigint) => split(s, sep, Number(n)),
    )
    .registerFunction('string.reverse(): string', (s: string) =>
      [...s].reverse().join(''),
    )
    .registerFunction(
      'string.format(list): string',
      (s: string, args: unknown[]) => format(s, args),
    )
    .registerType('StringsNamespace', StringsNamespace)
    .registerConstant('strings', 'StringsNamespace', new StringsNamespace())
    .registerFunction(
      'StringsNamespace.quote(string): string',
      (_: unknown, s: string) => quote(s),
    );
}
