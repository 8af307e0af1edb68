import { escapePointer, isMap, RawChange } from './diff';

// FNV-1a over the decoded bytes: enough to tell "same or different" without keeping values.
function digest(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${hash.toString(16)}:${text.length}`;
}

function decode(base64: unknown): string | undefined {
  if (typeof base64 !== 'string') return undefined;
  try {
    return atob(base64);
  } catch {
    return base64;
  }
}

/**
 * Compares a Secret's values by digest and names only the keys that differ. Neither value
 * leaves this function, so no report, store or log can contain one.
 */
export function diffSecretData(
  desired: Record<string, any>,
  live: Record<string, any>,
): RawChange[] {
  // A data or stringData that is not a map (a string, a list) can only be reported whole.
  const changes: RawChange[] = (['data', 'stringData'] as const)
    .filter(
      field =>
        desired[field] !== undefined &&
        desired[field] !== null &&
        !isMap(desired[field]),
    )
    .map(field => ({
      path: `/${field}`,
      segments: [{ key: field }],
      desired: undefined,
      live: '(redacted)',
    }));
  const mapOf = (value: unknown) => (isMap(value) ? value : {});
  const wanted = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(mapOf(desired.data)))
    wanted.set(key, decode(value));
  for (const [key, value] of Object.entries(mapOf(desired.stringData)))
    wanted.set(key, typeof value === 'string' ? value : undefined);
  const liveData = mapOf(live.data);
  for (const [key, value] of wanted) {
    const actual = decode(liveData[key]);
    if (
      value === undefined ||
      actual === undefined ||
      digest(value) !== digest(actual)
    ) {
      changes.push({
        path: `/data/${escapePointer(key)}`,
        segments: [{ key: 'data' }, { key }],
        desired: undefined,
        live: actual === undefined ? undefined : '(redacted)',
      });
    }
  }
  return changes;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * An object as the audit may compare and quote it: without a Secret's values (data,
 * stringData), the last-applied annotation (a copy of the applied document, Secret values
 * included) and managedFields (server-owned; its tries quote set values). Both sides are
 * stripped before diffing, so no change can carry them, whatever the desired document's shape.
 * Embedded objects (a pod template, a List's items) are stripped the same way: a template can
 * carry a copied last-applied annotation too.
 */
export function withoutSecrets(
  object: Record<string, any>,
): Record<string, any> {
  return stripObject(object);
}

function stripObject(object: Record<string, any>): Record<string, any> {
  const copy: Record<string, any> = {};
  for (const [key, value] of Object.entries(object)) {
    if (object.kind === 'Secret' && (key === 'data' || key === 'stringData'))
      continue;
    copy[key] =
      key === 'metadata' && isMap(value) ? stripMetadata(value) : strip(value);
  }
  return copy;
}

function stripMetadata(metadata: Record<string, any>): Record<string, any> {
  const { managedFields: _managedFields, ...rest } = metadata;
  const copy = stripObject(rest);
  if (isMap(copy.annotations)) {
    const { [LAST_APPLIED]: _lastApplied, ...annotations } = copy.annotations;
    copy.annotations = annotations;
  }
  return copy;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  return isMap(value) ? stripObject(value) : value;
}
