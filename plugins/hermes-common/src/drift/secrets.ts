import { RawChange } from './diff';
import { escapePointer } from './diff';

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
  const wanted = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(desired.data ?? {}))
    wanted.set(key, decode(value));
  for (const [key, value] of Object.entries(desired.stringData ?? {}))
    wanted.set(key, typeof value === 'string' ? value : undefined);
  const changes: RawChange[] = [];
  for (const [key, value] of wanted) {
    const actual = decode(live.data?.[key]);
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

/** A Secret without its values (data, stringData), safe to compare field by field. */
export function withoutSecretData(
  object: Record<string, any>,
): Record<string, any> {
  const { data: _data, stringData: _stringData, ...rest } = object;
  return rest;
}
