import {
  DEFAULT_MAX_ALIAS_COUNT,
  isRead,
  isScalar,
  parseYamlDocuments,
  quickYamlDocuments,
} from '../yaml';

/** A Kubernetes object as read from YAML. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A Kubernetes object and where it came from. */
export interface SourcedObject {
  object: KubernetesObject;
  /** File name or URL the object was read from. */
  source: string;
  /** 1-based line of the document start in the source. */
  line: number;
}

/** A document that could not be used, with where and why. */
export interface DocumentProblem {
  source: string;
  line?: number;
  column?: number;
  message: string;
}

export interface ParseOptions {
  /** Sources larger than this are refused before parsing. Default 5 MiB. */
  maxBytes?: number;
  /** YAML alias expansions allowed per document (defends against alias bombs). Default 100. */
  maxAliasCount?: number;
}

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** UTF-8 bytes of a text, as TextEncoder writes it, without building the encoding. */
function utf8Length(text: string): number {
  if (!NON_ASCII.test(text)) return text.length;
  let size = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) size += 1;
    else if (code < 0x800) size += 2;
    else if (
      code >= 0xd800 &&
      code <= 0xdbff &&
      (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    ) {
      size += 4; // a surrogate pair; a lone surrogate becomes U+FFFD, 3 bytes
      i++;
    } else size += 3;
  }
  return size;
}

/** A problem when `text` is over `maxBytes` (UTF-8), so it is refused before parsing. */
export function sizeProblem(
  text: string,
  source: string,
  maxBytes = DEFAULT_MAX_BYTES,
): DocumentProblem | undefined {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: a text this short is not counted.
  if (text.length * 3 <= maxBytes) return undefined;
  const size = utf8Length(text);
  return size > maxBytes
    ? {
        source,
        message: `file is ${size} bytes, over the limit of ${maxBytes} bytes; refused`,
      }
    : undefined;
}

/** Maps offsets to 1-based line numbers; offsets must be asked for in increasing order. */
function lineCounter(text: string) {
  let line = 1;
  let position = 0;
  return (offset: number) => {
    for (; position < offset && position < text.length; position++) {
      if (text.charCodeAt(position) === 10) line++;
    }
    return line;
  };
}

/**
 * Parses multi-document YAML into Kubernetes objects (expanding `kind: List`). Every
 * unusable document is reported with its source, line and column; the rest are kept.
 * Keys such as `__proto__` become plain own properties, never prototypes.
 */
export function parseKubernetesYaml(
  text: string,
  source: string,
  options: ParseOptions = {},
): { objects: SourcedObject[]; problems: DocumentProblem[] } {
  const objects: SourcedObject[] = [];
  const problems: DocumentProblem[] = [];
  const tooLarge = sizeProblem(text, source, options.maxBytes);
  if (tooLarge) return { objects, problems: [tooLarge] };

  // The quick reader takes plain manifests; a document it cannot vouch for is read with
  // positions (and a text it cannot split, whole).
  const quick = quickYamlDocuments(text);
  const documents = quick
    ? quick.flatMap(doc =>
        isRead(doc)
          ? [doc]
          : readPrecisely(doc.text, source, options, problems, doc.line - 1),
      )
    : readPrecisely(text, source, options, problems, 0);
  for (const { value, line } of documents) {
    // An empty document, e.g. after a trailing "---".
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push({
        source,
        line,
        message: 'not a Kubernetes object: the document is not a map',
      });
      continue;
    }
    const items =
      (value as KubernetesObject).kind === 'List'
        ? (value as any).items
        : [value];
    if (!Array.isArray(items)) {
      problems.push({
        source,
        line,
        message: 'not a Kubernetes List: items is not a list',
      });
      continue;
    }
    for (const item of items) {
      // A kustomization is how a directory is built, not an object anything admits.
      if (isKustomization(item)) continue;
      const problem = checkObject(item);
      if (problem)
        problems.push({
          source,
          line,
          message: `not a Kubernetes object: ${problem}`,
        });
      else objects.push({ object: item as KubernetesObject, source, line });
    }
  }
  return { objects, problems };
}

/**
 * Documents read with the `yaml` package: each YAML error becomes a problem with its place.
 * `text` starts `lineOffset` lines into the source.
 */
function readPrecisely(
  text: string,
  source: string,
  options: ParseOptions,
  problems: DocumentProblem[],
  lineOffset: number,
): Array<{ value: unknown; line: number }> {
  const documents: Array<{ value: unknown; line: number }> = [];
  const lineOf = lineCounter(text);
  for (const doc of parseYamlDocuments(text)) {
    const line =
      lineOffset +
      lineOf(
        (doc.contents as { range?: number[] } | null)?.range?.[0] ??
          doc.range?.[0] ??
          0,
      );
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const errorLine = error.linePos?.[0].line;
      problems.push({
        source,
        line: errorLine === undefined ? line : lineOffset + errorLine,
        column: error.linePos?.[0].col,
        // The message names the line too, counted in `text`: in the source here.
        message: `invalid YAML: ${error.message
          .split('\n')[0]
          .replace(
            /\bat line (\d+)/,
            (_, n) => `at line ${lineOffset + Number(n)}`,
          )}`,
      });
      continue;
    }
    if (
      doc.contents === null ||
      (isScalar(doc.contents) && doc.contents.value === null)
    )
      continue;
    try {
      documents.push({
        value: doc.toJS({
          maxAliasCount: options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT,
        }),
        line,
      });
    } catch (error) {
      problems.push({
        source,
        line,
        message: `refused: ${(error as Error).message}`,
      });
    }
  }
  return documents;
}

function isKustomization(value: unknown): boolean {
  const apiVersion = (value as { apiVersion?: unknown } | null)?.apiVersion;
  return (
    typeof apiVersion === 'string' &&
    apiVersion.startsWith('kustomize.config.k8s.io/')
  );
}

function checkObject(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'not a map';
  const obj = value as Record<string, unknown>;
  if (typeof obj.apiVersion !== 'string' || !obj.apiVersion)
    return 'missing apiVersion';
  if (typeof obj.kind !== 'string' || !obj.kind) return 'missing kind';
  const metadata = obj.metadata as Record<string, unknown> | undefined;
  if (typeof metadata !== 'object' || metadata === null)
    return `${obj.kind} has no metadata`;
  if (
    typeof metadata.name !== 'string' &&
    typeof metadata.generateName !== 'string'
  ) {
    return `${obj.kind} has no metadata.name`;
  }
  return undefined;
}
