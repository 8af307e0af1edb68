/** The validate anchors Kyverno supports in patterns. */
export type AnchorKind =
  | 'condition'
  | 'global'
  | 'equality'
  | 'existence'
  | 'negation'
  | 'add';

export interface ParsedKey {
  key: string;
  anchor?: AnchorKind;
}

const ANCHORS: Array<[string, AnchorKind]> = [
  ['<(', 'global'],
  ['=(', 'equality'],
  ['^(', 'existence'],
  ['X(', 'negation'],
  ['+(', 'add'],
  ['(', 'condition'],
];

/** Splits `(key)`, `<(key)`, `=(key)`, `^(key)`, `X(key)` into the key and its anchor. */
export function parseKey(raw: string): ParsedKey {
  if (raw.endsWith(')')) {
    for (const [prefix, anchor] of ANCHORS) {
      if (raw.startsWith(prefix) && raw.length > prefix.length + 1) {
        return { key: raw.slice(prefix.length, -1), anchor };
      }
    }
  }
  return { key: raw };
}
