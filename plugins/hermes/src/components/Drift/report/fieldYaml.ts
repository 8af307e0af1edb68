import { FieldChange } from '@hermes-backstage/plugin-hermes-common';
import { stringify } from 'yaml';

/** Shown for a Secret value: the backend sends only that it differs, never the value. */
export const WITHHELD = '(Secret value withheld)';
const WITHHELD_LIVE = '(Secret value withheld, differs from Git)';

/**
 * Stands in for list items before a changed index, on both sides, so `containers[2]` shows
 * as the third item without quoting the two unchanged ones.
 */
export const OMITTED = '…';

/** The segments of a JSON pointer (`/metadata/labels/app.kubernetes.io~1name`). */
export function pointerSegments(path: string): string[] {
  if (path === '') return [];
  return path
    .replace(/^\//, '')
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Node = Record<string, unknown> | unknown[];

const isIndex = (segment: string) => /^(0|[1-9]\d*)$/.test(segment);

function child(parent: Node, key: string, next: string): Node {
  const existing = Object.prototype.hasOwnProperty.call(parent, key)
    ? (parent as Record<string, unknown>)[key]
    : undefined;
  if (existing !== null && typeof existing === 'object')
    return existing as Node;
  // A numeric segment is a list index in Kubernetes objects (containers/0/image).
  const created: Node = isIndex(next) ? [] : {};
  set(parent, key, created);
  return created;
}

function set(parent: Node, key: string, value: unknown) {
  if (Array.isArray(parent) && isIndex(key)) {
    const index = Number(key);
    while (parent.length < index) parent.push(OMITTED);
    parent[index] = value;
  } else {
    // Defined, not assigned: a field named `__proto__` stays a field.
    Object.defineProperty(parent, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}

/**
 * The declared fields that differ, as one partial object per side: only the changed paths,
 * so the diff shows exactly what drifted. A side without the field leaves it out.
 */
export function partialObjects(changes: FieldChange[]): {
  desired: Record<string, unknown>;
  live: Record<string, unknown>;
} {
  const desired: Record<string, unknown> = {};
  const live: Record<string, unknown> = {};
  const put = (root: Node, segments: string[], value: unknown) => {
    if (value === undefined || segments.length === 0) return;
    let node = root;
    for (let i = 0; i < segments.length - 1; i++)
      node = child(node, segments[i], segments[i + 1]);
    set(node, segments[segments.length - 1], value);
  };
  for (const change of changes) {
    const segments = pointerSegments(change.path);
    if (change.redacted) {
      put(desired, segments, WITHHELD);
      put(live, segments, WITHHELD_LIVE);
    } else {
      put(desired, segments, change.desired);
      put(live, segments, change.live);
    }
  }
  return { desired, live };
}

/** YAML text of a partial object; empty when the side has none of the fields. */
export function toYaml(value: Record<string, unknown>): string {
  if (Object.keys(value).length === 0) return '';
  // Plain block style, keys in the order the changes came, long values kept on one line.
  return stringify(value, { lineWidth: 0, sortMapEntries: false });
}

/** The desired and live YAML of a finding's changed fields. */
export function fieldYaml(changes: FieldChange[]): {
  desired: string;
  live: string;
} {
  const { desired, live } = partialObjects(changes);
  return { desired: toYaml(desired), live: toYaml(live) };
}
