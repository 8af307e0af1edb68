import {
  registerFunction,
  isRegistered,
  TYPE_ANY,
  TYPE_ARRAY,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_STRING,
} from '@jmespath-community/jmespath';
import { parse as parseYaml } from 'yaml';
import { selectorMatches } from './match';
import { wildcardMatch } from './wildcard';

type Fn = (args: any[]) => unknown;

// Kyverno's custom JMESPath functions that policies commonly use, with Kyverno's names and
// argument orders. Standard JMESPath functions (contains, starts_with, length, to_string, ...)
// come from the library.
const kyvernoFunctions: Array<
  [string, Fn, Array<{ types: any[]; optional?: boolean }>]
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
    'replace_all',
    ([s, from, to]) => s.split(from).join(to),
    [
      { types: [TYPE_STRING] },
      { types: [TYPE_STRING] },
      { types: [TYPE_STRING] },
    ],
  ],
  [
    'regex_match',
    ([re, s]) => new RegExp(re).test(String(s)),
    [{ types: [TYPE_STRING] }, { types: [TYPE_STRING, TYPE_NUMBER] }],
  ],
  [
    'regex_replace_all',
    ([re, s, to]) =>
      String(s).replace(
        new RegExp(re, 'g'),
        String(to).replace(/\$\{?(\d+)\}?/g, '$$$1'),
      ),
    [
      { types: [TYPE_STRING] },
      { types: [TYPE_STRING, TYPE_NUMBER] },
      { types: [TYPE_STRING, TYPE_NUMBER] },
    ],
  ],
  [
    'regex_replace_all_literal',
    ([re, s, to]) => String(s).replace(new RegExp(re, 'g'), () => String(to)),
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
  ['parse_json', ([s]) => JSON.parse(s), [{ types: [TYPE_STRING] }]],
  [
    'parse_yaml',
    ([s]) => parseYaml(s, { maxAliasCount: 100 }),
    [{ types: [TYPE_STRING] }],
  ],
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
  const m = /^\s*(>=|<=|>|<|=|!=)?\s*(\S+)\s*$/.exec(range);
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

let registered = false;

/** Registers Kyverno's functions with the JMESPath library once per process. */
export function registerKyvernoFunctions(): void {
  if (registered) return;
  registered = true;
  for (const [name, fn, signature] of kyvernoFunctions) {
    if (!isRegistered(name))
      registerFunction(name, fn as any, signature as any);
  }
}
