import { AnchorKind, parseKey as parseKeyUncached, ParsedKey } from './anchors';
import { spend } from './limits';
import { matchesScalarPattern } from './values';
import { hasWildcard, wildcardMatch } from './wildcard';

/**
 * Result of matching a resource (or part of one) against a Kyverno validate pattern.
 * `skip` comes from conditional and global anchors whose condition does not hold.
 */
export type PatternOutcome =
  | { status: 'pass' }
  | { status: 'fail'; path: string; reason: string }
  | { status: 'skip'; path: string; reason: string };

const PASS = { status: 'pass' } as const;

// Internal failure kinds: a skip raised by an anchor at this very level ("direct") can hide
// failures of sibling anchors; one that bubbled up from below ("nested") cannot.
type Walk =
  | { status: 'pass' }
  | { status: 'fail'; path: string; reason: string }
  | { status: 'skip'; path: string; reason: string; direct: boolean };

// Pattern keys are few and repeat for every resource: each is parsed once.
const parsedKeys = new Map<string, ParsedKey>();
function parseKey(raw: string): ParsedKey {
  let parsed = parsedKeys.get(raw);
  if (!parsed) {
    parsed = parseKeyUncached(raw);
    if (parsedKeys.size < 10_000) parsedKeys.set(raw, parsed);
  }
  return parsed;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(map: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return isMap(value) ? 'a map' : `${typeof value} ${JSON.stringify(value)}`;
}

function containsAnyAnchor(pattern: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some(containsAnyAnchor);
  if (!isMap(pattern)) return false;
  return Object.entries(pattern).some(([key, value]) => {
    const { anchor } = parseKey(key);
    return (
      (anchor !== undefined && anchor !== 'add') || containsAnyAnchor(value)
    );
  });
}

/**
 * Label and annotation keys with wildcards (such as `app.*`) stand for the first matching key
 * of the resource, as in Kyverno.
 */
function expandMetadataWildcards(
  pattern: Record<string, unknown>,
  resource: Record<string, unknown>,
): Record<string, unknown> {
  const metaKey = Object.keys(pattern).find(
    k => parseKey(k).key === 'metadata',
  );
  const resourceMeta = resource.metadata;
  if (!metaKey || !isMap(pattern[metaKey]) || !isMap(resourceMeta))
    return pattern;
  const meta = { ...(pattern[metaKey] as Record<string, unknown>) };
  let changed = false;
  for (const field of Object.keys(meta)) {
    const name = parseKey(field).key;
    const patternMap = meta[field];
    const actual = resourceMeta[name];
    if (
      (name !== 'labels' && name !== 'annotations') ||
      !isMap(patternMap) ||
      !isMap(actual)
    )
      continue;
    // Built from entries: assigning a key such as `__proto__` would set a prototype instead.
    const expanded: Array<[string, unknown]> = [];
    for (const [rawKey, value] of Object.entries(patternMap)) {
      const { key, anchor } = parseKey(rawKey);
      const match = hasWildcard(key)
        ? Object.keys(actual).find(k => wildcardMatch(key, k))
        : undefined;
      if (match === undefined) {
        expanded.push([rawKey, value]);
        continue;
      }
      const prefix = anchor ? rawKey.slice(0, rawKey.indexOf('(') + 1) : '';
      expanded.push([anchor ? `${prefix}${match})` : match, value]);
      changed = true;
    }
    meta[field] = Object.fromEntries(expanded);
  }
  return changed ? { ...pattern, [metaKey]: meta } : pattern;
}

/** A conditional or global anchor's condition: any mismatch below makes a skip. */
function checkCondition(
  resource: unknown,
  pattern: unknown,
  path: string,
  kind: 'conditional' | 'global',
): Walk {
  const outcome = walk(resource, pattern, path);
  if (outcome.status === 'pass') return PASS;
  return {
    status: 'skip',
    path: outcome.path,
    reason:
      outcome.status === 'skip'
        ? outcome.reason
        : `${kind} anchor mismatch: ${outcome.reason}`,
    direct: true,
  };
}

function handleAnchor(
  resource: Record<string, unknown>,
  plan: KeyPlan,
  value: unknown,
  path: string,
): Walk {
  const { rawKey, key, anchor } = plan;
  if (anchor === undefined || anchor === 'add') {
    // Plain keys (and "+(key)", which only mutate rules use).
    if (value === '*') {
      return resource[rawKey] !== undefined && resource[rawKey] !== null
        ? PASS
        : { status: 'fail', path, reason: `${path}${rawKey} not found` };
    }
    return walk(
      has(resource, rawKey) ? resource[rawKey] : undefined,
      value,
      path + plan.rawStep,
    );
  }
  const childPath = path + plan.keyStep;
  switch (anchor) {
    case 'condition':
      if (!has(resource, key)) {
        return {
          status: 'skip',
          path: childPath,
          reason:
            "conditional anchor mismatch: conditional anchor key doesn't exist in the resource",
          direct: true,
        };
      }
      return checkCondition(resource[key], value, childPath, 'conditional');
    case 'equality':
      return has(resource, key) ? walk(resource[key], value, childPath) : PASS;
    case 'negation':
      return has(resource, key)
        ? {
            status: 'fail',
            path: childPath,
            reason: `negation anchor matched in resource: ${childPath} is not allowed`,
          }
        : PASS;
    case 'existence': {
      if (!has(resource, key)) return PASS;
      const items = resource[key];
      if (!Array.isArray(items)) {
        return {
          status: 'fail',
          path: childPath,
          reason: `existence anchor ^() can only be used on a list, found ${typeName(
            items,
          )}`,
        };
      }
      const patterns = Array.isArray(value) ? value : [value];
      for (const elementPattern of patterns) {
        if (
          !items.some(
            (item, i) =>
              walk(item, elementPattern, `${childPath}${i}/`).status === 'pass',
          )
        ) {
          return {
            status: 'fail',
            path: childPath,
            reason: `existence anchor validation failed at path ${childPath}`,
          };
        }
      }
      return PASS;
    }
    default:
      return has(resource, key)
        ? checkCondition(resource[key], value, childPath, 'global')
        : PASS;
  }
}

interface KeyPlan {
  rawKey: string;
  key: string;
  anchor?: AnchorKind;
  /** What a path gains below the key: `rawKey/` for plain keys, `key/` for anchors. */
  rawStep: string;
  keyStep: string;
}

/** How a pattern map is checked, the same for every resource: worked out once per map. */
interface MapPlan {
  /** Conditional, equality, negation and existence anchors, in byte order of the key. */
  phaseOne: KeyPlan[];
  /** Plain keys and global anchors; those that hold anchors first (they may skip). */
  phaseTwo: KeyPlan[];
  /** Whether label or annotation keys with wildcards need the resource to be expanded. */
  expandsMetadata: boolean;
}

const plans = new WeakMap<object, MapPlan>();

function hasMetadataWildcards(pattern: Record<string, unknown>): boolean {
  const metaKey = Object.keys(pattern).find(
    k => parseKey(k).key === 'metadata',
  );
  const meta = metaKey === undefined ? undefined : pattern[metaKey];
  if (!isMap(meta)) return false;
  return Object.keys(meta).some(field => {
    const name = parseKey(field).key;
    const map = meta[field];
    return (
      (name === 'labels' || name === 'annotations') &&
      isMap(map) &&
      Object.keys(map).some(k => hasWildcard(parseKey(k).key))
    );
  });
}

function planOf(pattern: Record<string, unknown>): MapPlan {
  let plan = plans.get(pattern);
  if (plan) return plan;
  const keyPlan = (rawKey: string): KeyPlan => {
    const { key, anchor } = parseKey(rawKey);
    return { rawKey, key, anchor, rawStep: `${rawKey}/`, keyStep: `${key}/` };
  };
  const isPhaseOne = ({ anchor }: KeyPlan) =>
    anchor === 'condition' ||
    anchor === 'equality' ||
    anchor === 'negation' ||
    anchor === 'existence';
  const keys = Object.keys(pattern).sort().map(keyPlan);
  const plain = keys.filter(k => !isPhaseOne(k));
  const first = plain
    .filter(k => k.anchor === 'global' || containsAnyAnchor(pattern[k.rawKey]))
    .reverse();
  plan = {
    phaseOne: keys.filter(isPhaseOne),
    phaseTwo: [...first, ...plain.filter(k => !first.includes(k))],
    expandsMetadata: hasMetadataWildcards(pattern),
  };
  plans.set(pattern, plan);
  return plan;
}

function validateMap(
  resource: Record<string, unknown>,
  rawPattern: Record<string, unknown>,
  path: string,
): Walk {
  let plan = planOf(rawPattern);
  let pattern = rawPattern;
  if (plan.expandsMetadata) {
    pattern = expandMetadataWildcards(rawPattern, resource);
    if (pattern !== rawPattern) plan = planOf(pattern);
  }

  // Phase 1: conditional, equality, negation and existence anchors, in byte order of the key.
  // Allocated only when an anchor skips: most maps have no anchor that does.
  let skips: Array<Extract<Walk, { status: 'skip' }>> | undefined;
  let applied = 0;
  for (const key of plan.phaseOne) {
    const outcome = handleAnchor(resource, key, pattern[key.rawKey], path);
    if (outcome.status === 'skip') {
      (skips ??= []).push(outcome);
      continue;
    }
    if (outcome.status === 'fail') {
      if (skips?.some(s => s.direct)) continue; // a failed condition at this level wins
      return outcome;
    }
    applied++;
  }
  if (skips && (applied === 0 || skips.some(s => s.direct))) {
    return {
      status: 'skip',
      path,
      reason: skips.map(s => s.reason).join('; '),
      direct: false,
    };
  }

  // Phase 2: plain keys and global anchors; those that hold anchors first (they may skip).
  for (const key of plan.phaseTwo) {
    const outcome = handleAnchor(resource, key, pattern[key.rawKey], path);
    if (outcome.status !== 'pass')
      return outcome.status === 'skip'
        ? { ...outcome, direct: false }
        : outcome;
  }
  return PASS;
}

function validateArray(
  resource: unknown[],
  pattern: unknown[],
  path: string,
): Walk {
  if (pattern.length === 0)
    return { status: 'fail', path, reason: 'pattern Array empty' };
  const head = pattern[0];
  if (isMap(head)) {
    // Each element must match the first map; elements whose conditions do not hold are skipped.
    let skips: string[] | undefined;
    let applied = 0;
    for (let i = 0; i < resource.length; i++) {
      const outcome = walk(resource[i], head, `${path}${i}/`);
      if (outcome.status === 'fail') return outcome;
      if (outcome.status === 'skip') (skips ??= []).push(outcome.reason);
      else applied++;
    }
    if (applied === 0 && skips)
      return { status: 'skip', path, reason: skips.join('; '), direct: false };
    return PASS;
  }
  if (Array.isArray(head)) {
    if (resource.length < pattern.length) {
      return {
        status: 'fail',
        path,
        reason: `validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`,
      };
    }
    for (let i = 0; i < pattern.length; i++) {
      const outcome = walk(resource[i], pattern[i], `${path}${i}/`);
      if (outcome.status !== 'pass') return outcome;
    }
    return PASS;
  }
  // A scalar pattern list: every element must match its first entry.
  return walk(resource, head, path);
}

function walk(resource: unknown, pattern: unknown, path: string): Walk {
  spend();
  if (isMap(pattern)) {
    if (!isMap(resource)) {
      return {
        status: 'fail',
        path,
        reason: `pattern and resource have different structures at ${path}: expected a map, found ${typeName(
          resource,
        )}`,
      };
    }
    return validateMap(resource, pattern, path);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(resource)) {
      return {
        status: 'fail',
        path,
        reason: `validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`,
      };
    }
    return validateArray(resource, pattern, path);
  }
  if (scalarMatches(resource, pattern)) return PASS;
  return {
    status: 'fail',
    path,
    reason: `resource value '${show(resource)}' does not match '${show(
      pattern,
    )}' at path ${path}`,
  };
}

function scalarMatches(resource: unknown, pattern: unknown): boolean {
  if (!Array.isArray(resource)) return matchesScalarPattern(resource, pattern);
  for (const element of resource)
    if (!matchesScalarPattern(element, pattern)) return false;
  return true;
}

/** Matches a resource against a pattern; paths look like `/spec/containers/0/image/`. */
export function matchPattern(
  resource: unknown,
  pattern: unknown,
): PatternOutcome {
  const outcome = walk(resource, pattern, '/');
  if (outcome.status === 'skip')
    return { status: 'skip', path: outcome.path, reason: outcome.reason };
  return outcome;
}
