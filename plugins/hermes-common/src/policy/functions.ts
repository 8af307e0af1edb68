import {
  register,
  TreeInterpreter,
  TYPE_ANY,
  TYPE_ARRAY,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_STRING,
} from '@jmespath-community/jmespath';
import { Matcher, RE2JS } from 're2js';
import { parseYaml } from '../yaml';
import {
  checkStringLength,
  checkValueSize,
  refuseForbiddenKey,
  RuleAbortedError,
  spend,
} from './limits';
import { selectorMatches } from './match';
import { wildcardMatch } from './wildcard';

type Fn = (args: any[]) => unknown;

const trimSignature = [
  { types: [TYPE_STRING] },
  { types: [TYPE_STRING], optional: true },
];

// Kyverno's custom JMESPath functions that policies commonly use, with Kyverno's names and
// argument orders. Standard JMESPath functions (contains, starts_with, length, to_string, ...)
// come from the library; its `replace` and `trim` functions are replaced by Kyverno's (Go's
// strings.Replace and strings.Trim), its `trim_left`/`trim_right` by linear versions (the
// library's build a regex that backtracks quadratically on long runs of spaces), and its
// `merge` by one that keeps a `__proto__` key of the data as data (Object.assign would make
// it the result's prototype).
const kyvernoFunctions: Array<
  [string, Fn, Array<{ types: any[]; optional?: boolean; variadic?: boolean }>]
> = [
  ['to_upper', ([s]) => s.toUpperCase(), [{ types: [TYPE_STRING] }]],
  ['to_lower', ([s]) => s.toLowerCase(), [{ types: [TYPE_STRING] }]],
  [
    'truncate',
    ([s, n]) => s.slice(0, Math.max(0, n)),
    [{ types: [TYPE_STRING] }, { types: [TYPE_NUMBER] }],
  ],
  [
    'equal_fold',
    ([a, b]) => a.toLowerCase() === b.toLowerCase(),
    [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
  ],
  [
    'replace',
    ([s, from, to, n]) => replaceGo(s, from, to, n ?? -1),
    [
      { types: [TYPE_STRING] },
      { types: [TYPE_STRING] },
      { types: [TYPE_STRING] },
      { types: [TYPE_NUMBER], optional: true },
    ],
  ],
  [
    'replace_all',
    ([s, from, to]) => replaceGo(s, from, to, -1),
    [
      { types: [TYPE_STRING] },
      { types: [TYPE_STRING] },
      { types: [TYPE_STRING] },
    ],
  ],
  ['trim', ([s, cutset]) => trim(s, cutset, true, true), trimSignature],
  ['trim_left', ([s, cutset]) => trim(s, cutset, true, false), trimSignature],
  ['trim_right', ([s, cutset]) => trim(s, cutset, false, true), trimSignature],
  [
    'regex_match',
    ([re, s]) => compileRegex('regex_match', re).test(String(s)),
    [{ types: [TYPE_STRING] }, { types: [TYPE_STRING, TYPE_NUMBER] }],
  ],
  [
    'regex_replace_all',
    ([re, s, to]) =>
      replaceRegex(compileRegex('regex_replace_all', re), String(s), m =>
        expandGo(String(to), m),
      ),
    [
      { types: [TYPE_STRING] },
      { types: [TYPE_STRING, TYPE_NUMBER] },
      { types: [TYPE_STRING, TYPE_NUMBER] },
    ],
  ],
  [
    'regex_replace_all_literal',
    ([re, s, to]) =>
      replaceRegex(
        compileRegex('regex_replace_all_literal', re),
        String(s),
        () => String(to),
      ),
    [
      { types: [TYPE_STRING] },
      { types: [TYPE_STRING, TYPE_NUMBER] },
      { types: [TYPE_STRING, TYPE_NUMBER] },
    ],
  ],
  [
    'pattern_match',
    ([pattern, s]) => wildcardMatch(pattern, String(s)),
    [{ types: [TYPE_STRING] }, { types: [TYPE_STRING, TYPE_NUMBER] }],
  ],
  [
    'label_match',
    ([selector, labels]) =>
      selectorMatches({ matchLabels: selector }, labels ?? {}),
    [{ types: [TYPE_OBJECT] }, { types: [TYPE_OBJECT] }],
  ],
  [
    'add',
    ([a, b]) => a + b,
    [{ types: [TYPE_NUMBER] }, { types: [TYPE_NUMBER] }],
  ],
  [
    'subtract',
    ([a, b]) => a - b,
    [{ types: [TYPE_NUMBER] }, { types: [TYPE_NUMBER] }],
  ],
  [
    'multiply',
    ([a, b]) => a * b,
    [{ types: [TYPE_NUMBER] }, { types: [TYPE_NUMBER] }],
  ],
  [
    'divide',
    ([a, b]) => a / b,
    [{ types: [TYPE_NUMBER] }, { types: [TYPE_NUMBER] }],
  ],
  [
    'modulo',
    ([a, b]) => a % b,
    [{ types: [TYPE_NUMBER] }, { types: [TYPE_NUMBER] }],
  ],
  [
    'compare',
    ([a, b]) => compareStrings(a, b),
    [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
  ],
  ['base64_decode', ([s]) => decodeBase64(s), [{ types: [TYPE_STRING] }]],
  ['base64_encode', ([s]) => encodeBase64(s), [{ types: [TYPE_STRING] }]],
  [
    'merge',
    objects => Object.fromEntries(objects.flatMap(o => Object.entries(o))),
    [{ types: [TYPE_OBJECT], variadic: true }],
  ],
  ['parse_json', ([s]) => JSON.parse(s), [{ types: [TYPE_STRING] }]],
  ['parse_yaml', ([s]) => parseYaml(s), [{ types: [TYPE_STRING] }]],
  [
    'object_from_lists',
    ([keys, values]) =>
      Object.fromEntries(
        keys.map((k: unknown, i: number) => [String(k), values[i] ?? null]),
      ),
    [{ types: [TYPE_ARRAY] }, { types: [TYPE_ARRAY] }],
  ],
  [
    'time_now_utc',
    () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    [],
  ],
  [
    'semver_compare',
    ([version, range]) => semverSatisfies(version, range),
    [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
  ],
  ['to_boolean', ([v]) => v === true || v === 'true', [{ types: [TYPE_ANY] }]],
];

// User patterns run on RE2JS, a pure-JavaScript port of RE2: matching takes time linear in
// the input (JavaScript's backtracking RegExp took 4.8 s for `^(a+)+$` on 28 characters),
// the syntax and semantics are Go's, which Kyverno uses, and being plain JavaScript it runs
// in the browser too and needs no native build (unlike the `re2` addon).
const regexes = new Map<string, RE2JS>();
// Compiling takes time in proportion to the pattern and cannot be interrupted; real
// policies' patterns are far shorter.
const MAX_PATTERN_LENGTH = 16 * 1024;

function compileRegex(fn: string, pattern: string): RE2JS {
  let re = regexes.get(pattern);
  if (!re) {
    if (pattern.length > MAX_PATTERN_LENGTH) {
      throw new RuleAbortedError(
        `${fn}: a pattern of ${pattern.length} characters is over the limit of ${MAX_PATTERN_LENGTH}`,
      );
    }
    try {
      re = RE2JS.compile(pattern);
    } catch (error) {
      throw new RuleAbortedError(
        `${fn}: "${pattern}" is not a valid RE2 regular expression (Kyverno uses Go's syntax): ${
          (error as Error).message
        }`,
      );
    }
    if (regexes.size >= 1000) regexes.clear();
    regexes.set(pattern, re);
  }
  return re;
}

/** UTF-16 units of the character at `index` (2 for an astral one). */
function charWidth(text: string, index: number): number {
  const code = text.codePointAt(index);
  return code !== undefined && code > 0xffff ? 2 : 1;
}

/**
 * Go's Regexp.ReplaceAllString: every match is replaced, except an empty match right after
 * the previous match.
 */
function replaceRegex(
  re: RE2JS,
  input: string,
  replacement: (match: Matcher) => string,
): string {
  const matcher = re.matcher(input);
  let out = '';
  let lastEnd = 0;
  let search = 0;
  while (search <= input.length && matcher.find(search)) {
    spend();
    const start = matcher.start();
    const end = matcher.end();
    out += input.slice(lastEnd, start);
    if (end > lastEnd || start === 0) out += replacement(matcher);
    checkStringLength(out.length, 'the result of a regex replacement');
    lastEnd = end;
    search = Math.max(end, search + charWidth(input, search));
  }
  return out + input.slice(lastEnd);
}

const GROUP_NAME = /[\p{L}\p{Nd}_]+/uy;

/**
 * Go's Regexp.Expand: `$1`, `${1}`, `$name` and `${name}` insert a group (nothing when there
 * is no such group; a name takes every letter, digit and underscore), `$$` a dollar sign.
 */
function expandGo(template: string, match: Matcher): string {
  const names = match.pattern().namedGroups();
  let out = '';
  let rest = 0;
  for (;;) {
    const dollar = template.indexOf('$', rest);
    if (dollar < 0) break;
    out += template.slice(rest, dollar);
    rest = dollar + 1;
    if (template[rest] === '$') {
      out += '$';
      rest++;
      continue;
    }
    const braced = template[rest] === '{';
    GROUP_NAME.lastIndex = braced ? rest + 1 : rest;
    const name = GROUP_NAME.exec(template)?.[0];
    const after = GROUP_NAME.lastIndex;
    if (!name || (braced && template[after] !== '}')) {
      out += '$'; // not a reference: the dollar sign stays
      continue;
    }
    rest = braced ? after + 1 : after;
    let group: number | undefined = Number(name);
    if (!/^(?:0|[1-9]\d*)$/.test(name))
      group = Object.hasOwn(names, name) ? names[name] : undefined;
    if (group !== undefined && group <= match.groupCount())
      out += match.group(group) ?? '';
  }
  return out + template.slice(rest);
}

/**
 * Go's strings.Replace: the first `n` occurrences (all when `n` is negative); an empty `old`
 * matches before every character and at the end. The result's size is checked first.
 */
function replaceGo(s: string, old: string, to: string, n: number): string {
  const parts = old === '' ? ['', ...Array.from(s), ''] : s.split(old);
  const count = n < 0 ? parts.length - 1 : Math.min(n, parts.length - 1);
  checkStringLength(
    s.length + count * (to.length - old.length),
    'the result of replace',
  );
  if (count === parts.length - 1) return parts.join(to);
  return `${parts.slice(0, count + 1).join(to)}${old}${parts
    .slice(count + 1)
    .join(old)}`;
}

/** Go's strings.Trim and friends: strips characters in `cutset` (default: whitespace). */
function trim(
  s: string,
  cutset: string | undefined,
  left: boolean,
  right: boolean,
): string {
  const chars = Array.from(s);
  const cut =
    cutset === undefined
      ? (c: string) => /^[\s\x85]$/.test(c)
      : (
          c => (ch: string) =>
            c.has(ch)
        )(new Set(Array.from(cutset)));
  let start = 0;
  let end = chars.length;
  while (left && start < end && cut(chars[start])) start++;
  while (right && end > start && cut(chars[end - 1])) end--;
  return chars.slice(start, end).join('');
}

/** Go's strings.Compare: -1, 0 or 1 by byte order. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function decodeBase64(text: string): string {
  const binary = atob(text);
  return new TextDecoder().decode(
    Uint8Array.from(binary, c => c.charCodeAt(0)),
  );
}

function encodeBase64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

function parseSemver(v: string): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Kyverno's semver_compare with a single comparator (`>=1.2.3`, `<2.0.0`, `1.2.3`). */
function semverSatisfies(version: string, range: string): boolean {
  // Trimmed first: `\s*` on both sides of the operator backtracks quadratically on spaces.
  const m = /^(>=|<=|>|<|=|!=)?\s*(\S+)$/.exec(range.trim());
  const a = parseSemver(version);
  const b = m ? parseSemver(m[2]) : undefined;
  if (!m || !a || !b) return false;
  const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  switch (m[1] ?? '=') {
    case '>=':
      return cmp >= 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '!=':
      return cmp !== 0;
    default:
      return cmp === 0;
  }
}

// Library functions whose result can be far larger than their arguments: the size is
// checked before the result is built.
const growth: Record<string, (args: any[]) => number> = {
  pad_left: ([, width]) => width,
  pad_right: ([, width]) => width,
  join: ([glue, list]) =>
    list.reduce((sum: number, item: string) => sum + item.length, 0) +
    Math.max(0, list.length - 1) * glue.length,
};

// The expression nodes that build new values; the others select from values already checked
// (or from the input, which the size limit on files bounds).
const BUILDERS = new Set([
  'MultiSelectList',
  'MultiSelectHash',
  'Projection',
  'ValueProjection',
  'FilterProjection',
  'Flatten',
  'Slice',
  'Function',
  'Arithmetic',
]);

type Visit = (
  node: { type: string; name?: string; children?: Array<{ name?: string }> },
  value: unknown,
) => unknown;

let installed = false;

/**
 * Registers Kyverno's functions with the JMESPath library once per process, and puts every
 * evaluation step under the current rule's limits (see limits.ts): each step counts as work,
 * no step may produce a value over the size limit, and fields are read only from a map's
 * own keys (as in Go, `constructor` or `__proto__` are no fields of a map).
 */
export function installKyvernoJmespath(): void {
  if (installed) return;
  installed = true;
  for (const [name, fn, signature] of kyvernoFunctions) {
    register(name as never, fn as any, signature as any, { override: true });
  }
  const table = TreeInterpreter.runtime._functionTable;
  for (const [name, resultSize] of Object.entries(growth)) {
    const builtin = table[name];
    register(
      name as never,
      args => {
        checkStringLength(resultSize(args), `the result of ${name}`);
        return builtin._func(args);
      },
      builtin._signature,
      { override: true },
    );
  }
  // The library's interpreters (including the ones `let` scopes create) share this prototype.
  const interpreter = Object.getPrototypeOf(TreeInterpreter) as {
    visit: Visit;
  };
  const visit = interpreter.visit;
  interpreter.visit = function guardedVisit(node, value) {
    spend();
    if (node.type === 'Field') return ownField(value, node.name!);
    if (node.type === 'MultiSelectHash') {
      for (const { name } of node.children ?? [])
        refuseForbiddenKey(name!, `JMESPath key "${name}"`);
    }
    const result = visit.call(this, node, value);
    if (BUILDERS.has(node.type)) checkValueSize(result, 'a JMESPath result');
    return result;
  };
}

function ownField(value: unknown, name: string): unknown {
  return typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.hasOwn(value, name)
    ? (value as Record<string, unknown>)[name] ?? null
    : null;
}
