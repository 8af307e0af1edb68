// Kyverno's json and yaml libraries: `json.unmarshal(s)`, `json.marshal(value)`, `yaml.parse(s)`.
// Parsed values reach CEL like a resource does (whole numbers as ints). Parsing cannot be
// interrupted, so the text is bounded first; YAML is read by the project's reader (alias
// expansion bounded), and what comes out is measured like any value an expression builds.
import type { Environment } from '@marcbachmann/cel-js';
import { isRead, parseYaml, quickYamlDocuments } from '../../yaml';
import {
  checkStringLength,
  checkValueSize,
  RuleAbortedError,
  spend,
} from '../limits';
import { toCelOnce } from './values';

/**
 * Longest text json.unmarshal and yaml.parse read, in characters: what Kubernetes allows for
 * all annotations of one object together, where such text usually comes from.
 */
export const MAX_PARSED_TEXT = 256 * 1024;
/**
 * Longest YAML text read by the positional parser, used for anchors, tags and errors: it is
 * about ten times slower than the quick reader (half a second for this much hostile text).
 */
export const MAX_PRECISE_YAML_TEXT = 32 * 1024;
/** Deepest nesting they accept; what walks values later (sizes, conversion) recurses. */
export const MAX_PARSED_DEPTH = 1000;

/** Whether `value` nests deeper than the limit, found without recursing. */
function tooDeep(value: unknown): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= MAX_PARSED_DEPTH) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

class JsonNamespace {}
class YamlNamespace {}

// The yaml package's first line ends with a colon that introduced the source excerpt.
function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .split('\n')[0]
    .replace(/:$/, '');
}

function parseBounded(
  what: string,
  text: string,
  parse: (text: string) => unknown,
): unknown {
  if (text.length > MAX_PARSED_TEXT)
    throw new RuleAbortedError(
      `${what}: the text is ${text.length} characters long, more than the limit of ${MAX_PARSED_TEXT}`,
    );
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    // The yaml package reports its own stack overflow as a parse error.
    if (
      error instanceof RangeError ||
      /Maximum call stack/.test(String((error as Error)?.message))
    )
      throw new RuleAbortedError(`${what}: the text is nested too deeply`);
    if (error instanceof RuleAbortedError) throw error;
    // The yaml package's answer to an alias bomb.
    if (error instanceof ReferenceError)
      throw new RuleAbortedError(`${what}: ${firstLine(error)}`);
    throw new Error(`${what}: ${firstLine(error)}`);
  }
  if (tooDeep(value))
    throw new RuleAbortedError(
      `${what}: the value is nested more than ${MAX_PARSED_DEPTH} levels deep`,
    );
  spend(1 + (text.length >> 4));
  checkValueSize(value, `the value ${what} read`);
  return toCelOnce(value);
}

/** One YAML document: read quickly when the quick reader can vouch for it, else precisely. */
function parseOneYaml(text: string): unknown {
  const quick = quickYamlDocuments(text);
  if (quick?.every(isRead)) {
    if (quick.length > 1)
      throw new Error(
        `the text holds ${quick.length} documents, yaml.parse reads one`,
      );
    return quick.length ? quick[0].value : null;
  }
  if (text.length > MAX_PRECISE_YAML_TEXT)
    throw new RuleAbortedError(
      `yaml.parse: the text uses anchors, tags or directives, or is not valid YAML, and is ${text.length} characters long, more than the limit of ${MAX_PRECISE_YAML_TEXT} for such text`,
    );
  return parseYaml(text);
}

// Go's encoding/json escapes these even inside strings, so the output is safe in HTML.
const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const escapeHtml = (c: string) =>
  `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

function toJson(value: unknown, depth: number): string {
  if (depth > 1000)
    throw new RuleAbortedError('json.marshal: the value is nested too deeply');
  spend();
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new Error(`json.marshal: unsupported value: ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean')
    return JSON.stringify(value);
  // Bytes are base64, as Go marshals a []byte.
  if (value instanceof Uint8Array) {
    let binary = '';
    for (const byte of value) binary += String.fromCharCode(byte);
    return JSON.stringify(btoa(binary));
  }
  if (Array.isArray(value))
    return `[${value.map(v => toJson(v, depth + 1)).join(',')}]`;
  let entries: Array<readonly [string, unknown]> | undefined;
  if (value instanceof Map)
    entries = [...value].map(([k, v]) => [String(k), v] as const);
  else if (
    Object.getPrototypeOf(value) === Object.prototype ||
    Object.getPrototypeOf(value) === null
  )
    entries = Object.entries(value);
  if (!entries)
    throw new Error(
      `json.marshal: cannot marshal a value of type ${
        (value as object).constructor?.name ?? typeof value
      }`,
    );
  // Go sorts map keys.
  entries.sort(([a], [b]) => Number(a > b) - Number(a < b));
  return `{${entries
    .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v, depth + 1)}`)
    .join(',')}}`;
}

function marshal(value: unknown): string {
  const text = toJson(value, 0).replace(HTML_UNSAFE, escapeHtml);
  checkStringLength(text.length, 'json.marshal');
  return text;
}

export function registerJsonYaml(env: Environment): void {
  env
    .registerType('JsonNamespace', JsonNamespace)
    .registerConstant('json', 'JsonNamespace', new JsonNamespace())
    .registerFunction(
      'JsonNamespace.unmarshal(string): dyn',
      (_: unknown, text: string) =>
        parseBounded('json.unmarshal', text, JSON.parse),
    )
    .registerFunction(
      'JsonNamespace.marshal(dyn): string',
      (_: unknown, value: unknown) => marshal(value),
    )
    .registerType('YamlNamespace', YamlNamespace)
    .registerConstant('yaml', 'YamlNamespace', new YamlNamespace())
    .registerFunction(
      'YamlNamespace.parse(string): dyn',
      (_: unknown, text: string) =>
        parseBounded('yaml.parse', text, parseOneYaml),
    );
}
