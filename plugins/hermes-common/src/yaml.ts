import { CORE_SCHEMA, load } from 'js-yaml';
import type { Document, LineCounter, Scalar } from 'yaml';

/**
 * The `yaml` package, loaded when first needed: plain manifests are read by js-yaml alone,
 * and a command-line check should not pay for loading a parser it does not use.
 */
let yamlModule: typeof import('yaml') | undefined;
function yamlPackage(): typeof import('yaml') {
  // Kept once loaded: each `require` resolves the module path again (file system stats),
  // which cost seconds when called per YAML node.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (yamlModule ??= require('yaml'));
}

/** The `yaml` package's `isScalar`, without loading the package up front. */
export function isScalar(node: unknown): node is Scalar {
  return yamlPackage().isScalar(node);
}

// Duplicate map keys are an error (Kubernetes and Kyverno reject them), but the `yaml`
// package's own `uniqueKeys` check compares every key with all earlier keys of its map,
// which took 25 s for one map of 40,000 keys. So it is turned off and each map's keys go
// through a Set instead.
const OPTIONS = { prettyErrors: true, uniqueKeys: false } as const;

/** Alias expansions allowed per document by default (defends against alias bombs). */
export const DEFAULT_MAX_ALIAS_COUNT = 100;

function reportDuplicateKeys(doc: Document.Parsed, lineCounter: LineCounter) {
  const { visit, YAMLParseError } = yamlPackage();
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        // As with `uniqueKeys`: scalar keys compare by value, other keys never clash.
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) {
          const start = key.range?.[0] ?? 0;
          const { line, col } = lineCounter.linePos(start);
          const error = new YAMLParseError(
            [start, start + 1],
            'DUPLICATE_KEY',
            `Map keys must be unique at line ${line}, column ${col}`,
          );
          error.linePos = [{ line, col }];
          doc.errors.push(error);
        }
        seen.add(key.value);
      }
    },
  });
}

/**
 * Parses multi-document YAML; each document's `errors` include its duplicate keys, with
 * line and column.
 */
export function parseYamlDocuments(text: string): Document.Parsed[] {
  const { LineCounter: Counter, parseAllDocuments } = yamlPackage();
  const lineCounter = new Counter();
  const docs = parseAllDocuments(text, { ...OPTIONS, lineCounter });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) reportDuplicateKeys(doc, lineCounter);
  return list;
}

/**
 * Parses one YAML document to plain data, like the `yaml` package's `parse`, and throws its
 * first error, duplicate keys included. Keys such as `__proto__` become own properties.
 */
export function parseYaml(
  text: string,
  options: { maxAliasCount?: number } = {},
): unknown {
  const { LineCounter: Counter, parseDocument } = yamlPackage();
  const lineCounter = new Counter();
  const doc = parseDocument(text, { ...OPTIONS, lineCounter });
  reportDuplicateKeys(doc, lineCounter);
  if (doc.errors.length > 0) throw doc.errors[0];
  return doc.toJS({
    maxAliasCount: options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT,
  });
}

// A document the quick reader leaves to the positional parser, because js-yaml would read it
// differently: null keys ("" in the `yaml` package), signed hex and binary numbers (strings
// in YAML 1.2 core).
const NOT_QUICK =
  /[-+]0x|(?:^|[^\w.])0b[01]|(?:^|[\s{,?-])(?:~|null|Null|NULL)\s*:(?:\s|$)/m;
// Text that may hold a tag or an anchor, or only looks so: `&&` and `!has(...)` in a CEL
// expression, `a && b` in a container's shell command. Of such a document, data that an alias
// shares is left to the positional parser, which bounds alias bombs; a tag js-yaml's core
// schema does not know fails the read, and the ones it knows read alike.
const MAYBE_PROPERTY = /(?:^|[\s:[{,-])[!&]/m;
// Directives apply to the document after them: a text with any is read whole, precisely.
const DIRECTIVE = /^%/m;
const MARKER = /^(---|\.\.\.)(?=\s|$)(.*?)\r?$/;
const BLANK = /^\s*(#.*?)?\r?$/;

/** Whether some list or map is reached twice in `value`: js-yaml reads an alias as the same object. */
function sharesObjects(value: unknown): boolean {
  const seen = new Set<object>();
  const pending = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    if (seen.has(next)) return true;
    seen.add(next);
    for (const item of Object.values(next)) pending.push(item);
  }
  return false;
}

/** A document's data, or undefined when the quick reader cannot vouch for it. */
function quickRead(text: string): { value: unknown } | undefined {
  if (NOT_QUICK.test(text)) return undefined;
  let value: unknown;
  try {
    value = load(text, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  return MAYBE_PROPERTY.test(text) && sharesObjects(value)
    ? undefined
    : { value };
}

/**
 * A document of a text: its data and the line its content starts on, or, when the quick
 * reader cannot vouch for it, its text and the line that text starts on in the whole, for
 * the positional parser.
 */
export type QuickDocument =
  | { value: unknown; line: number }
  | { text: string; line: number };

/** Whether the quick reader read the document itself. */
export const isRead = (
  doc: QuickDocument,
): doc is { value: unknown; line: number } => 'value' in doc;

/**
 * Every non-empty document of `text`, read by js-yaml (about ten times faster than the
 * `yaml` package on large inputs) where the quick reader can vouch for it; a document with
 * a YAML error, duplicate key, anchor, unknown tag or a scalar js-yaml reads differently is
 * left as text, for `parseYamlDocuments` to say where and why. One such document no longer
 * costs the whole file the slow parser. Undefined when the text cannot be split quickly:
 * directives, or content on a document marker line.
 */
export function quickYamlDocuments(text: string): QuickDocument[] | undefined {
  if (DIRECTIVE.test(text)) return undefined;
  const documents: QuickDocument[] = [];
  // The document between offsets [from, to) of the text, whose first line is `line` (0-based).
  // The text is walked line by line without splitting it: an 11 MB file has 500,000 lines.
  const flush = (from: number, to: number, firstLine: number) => {
    for (let start = from, line = firstLine; start <= to; line++) {
      const newline = text.indexOf('\n', start);
      const end = newline < 0 || newline > to ? to : newline;
      if (!BLANK.test(text.slice(start, end))) {
        const slice = text.slice(from, to);
        const read = quickRead(slice);
        documents.push(
          read
            ? { value: read.value, line: line + 1 }
            : { text: slice, line: firstLine + 1 },
        );
        return;
      }
      start = end + 1;
    }
  };
  let from = 0;
  let fromLine = 0;
  let start = 0;
  for (let line = 0; ; line++) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const first = text.charCodeAt(start);
    // Only a line starting with "-" or "." can be a marker.
    const marker =
      first === 45 || first === 46 ? MARKER.exec(text.slice(start, end)) : null;
    if (marker) {
      // Content on the marker line itself (`--- {a: 1}`, `--- |`) is rare: read it precisely.
      if (!BLANK.test(marker[2])) return undefined;
      if (start > from) flush(from, start - 1, fromLine);
      from = end + 1;
      fromLine = line + 1;
    }
    if (newline < 0) break;
    start = newline + 1;
  }
  if (from <= text.length) flush(from, text.length, fromLine);
  return documents;
}
