import { parseQuantity } from '../policy/quantity';
import { PathSegment } from './managedFields';

/** A field that differs, before attribution. */
export interface RawChange {
  path: string;
  segments: PathSegment[];
  desired: unknown;
  live: unknown;
}

export const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON pointer escaping: `~` → `~0`, `/` → `~1`. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointer(segments: PathSegment[]): string {
  return `/${segments
    .map(s => ('key' in s ? escapePointer(s.key) : String(s.index)))
    .join('/')}`;
}

/**
 * Scalars the API server treats as the same: `500m` and `0.5`, `1Gi` and `1024Mi`, `8080` and
 * "8080". Everything else must be equal (maps and lists are walked, not compared here).
 */
function sameScalar(desired: unknown, live: unknown): boolean {
  if (desired === live) return true;
  if (
    (typeof desired === 'number' || typeof desired === 'string') &&
    (typeof live === 'number' || typeof live === 'string')
  ) {
    const a = parseQuantity(String(desired));
    const b = parseQuantity(String(live));
    if (a !== undefined && b !== undefined) return a === b;
  }
  return false;
}

/** The key that identifies elements of a list, as Kubernetes merges them. */
function mergeKeyOf(
  items: unknown[],
): ((item: Record<string, unknown>) => string) | undefined {
  if (items.length === 0 || !items.every(isMap)) return undefined;
  const maps = items as Record<string, unknown>[];
  if (maps.every(m => typeof m.name === 'string')) return m => String(m.name);
  if (maps.every(m => m.containerPort !== undefined))
    return m => `${m.containerPort}/${m.protocol ?? 'TCP'}`;
  if (maps.every(m => typeof m.ip === 'string')) return m => String(m.ip);
  return undefined;
}

/**
 * Top-level and metadata fields the server owns; never compared. managedFields and the
 * last-applied annotation are stripped before diffing (withoutSecrets), with Secret values.
 */
const SERVER_METADATA = new Set([
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
  'ownerReferences',
  'finalizers',
  'name',
  'namespace',
  'generateName',
]);
const SERVER_ANNOTATIONS = new Set(['deployment.kubernetes.io/revision']);

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  (Array.isArray(v) && v.length === 0) ||
  (isMap(v) && Object.keys(v).length === 0);

function walk(
  desired: unknown,
  live: unknown,
  segments: PathSegment[],
  out: RawChange[],
  skip: (p: string) => boolean,
) {
  const path = pointer(segments);
  if (skip(path)) return;
  // `field: null` declares the field empty (kubectl apply deletes it), so an absent or empty
  // live field agrees: an empty `annotations:` against kubectl's own annotation is no drift.
  if (desired === null && isEmpty(live)) return;
  if (isMap(desired)) {
    if (!isMap(live)) {
      out.push({ path, segments, desired, live });
      return;
    }
    for (const [key, value] of Object.entries(desired)) {
      if (
        segments.length === 0 &&
        (key === 'status' || key === 'apiVersion' || key === 'kind')
      )
        continue;
      if (
        segments.length === 1 &&
        'key' in segments[0] &&
        segments[0].key === 'metadata' &&
        SERVER_METADATA.has(key)
      )
        continue;
      if (
        segments.length === 2 &&
        'key' in segments[1] &&
        segments[1].key === 'annotations' &&
        SERVER_ANNOTATIONS.has(key)
      )
        continue;
      walk(value, live[key], [...segments, { key }], out, skip);
    }
    return;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) {
      out.push({ path, segments, desired, live });
      return;
    }
    const keyOf = mergeKeyOf(desired);
    if (keyOf && mergeKeyOf(live) === undefined && live.length > 0) {
      out.push({ path, segments, desired, live });
      return;
    }
    if (keyOf) {
      const liveByKey = new Map(
        (live as Record<string, unknown>[]).map((item, index) => [
          keyOf(item),
          { item, index },
        ]),
      );
      desired.forEach((item, i) => {
        const match = liveByKey.get(keyOf(item as Record<string, unknown>));
        if (!match) {
          const missing: PathSegment[] = [
            ...segments,
            { index: live.length + i, element: item },
          ];
          out.push({
            path: `${path}/-`,
            segments: missing,
            desired: item,
            live: undefined,
          });
        } else {
          walk(
            item,
            match.item,
            [...segments, { index: match.index, element: match.item }],
            out,
            skip,
          );
        }
      });
      return;
    }
    // Lists without a merge key (atomic lists) compare element by element when the lengths
    // agree, so a change points at the element; otherwise the whole list differs.
    if (desired.length !== live.length) {
      out.push({ path, segments, desired, live });
      return;
    }
    desired.forEach((item, i) =>
      walk(
        item,
        live[i],
        [...segments, { index: i, element: live[i] }],
        out,
        skip,
      ),
    );
    return;
  }
  if (!sameScalar(desired, live)) out.push({ path, segments, desired, live });
}

/**
 * Compares only the fields the desired state declares (as Argo CD does), ignoring
 * server-populated metadata and `status`. Lists of named items
 * (containers, env, volumes, ports) are matched by their merge key, not by position.
 */
export function diffDeclaredFields(
  desired: Record<string, unknown>,
  live: Record<string, unknown>,
  ignorePointer: (pointer: string) => boolean = () => false,
): RawChange[] {
  const out: RawChange[] = [];
  walk(desired, live, [], out, p => p !== '/' && ignorePointer(p));
  return out;
}
