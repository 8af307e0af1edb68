const cache = new Map<string, RegExp>();

/** Whether a pattern uses Kyverno's wildcards: `*` (any run of characters) or `?` (one). */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Kyverno wildcard match: `*` matches any run of characters, `?` exactly one. */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (!hasWildcard(pattern)) return pattern === value;
  let re = cache.get(pattern);
  if (!re) {
    const source = pattern
      .split('')
      .map(c => {
        if (c === '*') return '[\\s\\S]*';
        if (c === '?') return '[\\s\\S]';
        return c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    re = new RegExp(`^${source}$`);
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, re);
  }
  return re.test(value);
}
