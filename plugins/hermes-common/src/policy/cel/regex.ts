// Regular expressions with RE2 semantics, as Kubernetes CEL has them: `matches`, and the
// regex library's `find` / `findAll`. RE2JS runs in linear time, so a hostile pattern cannot
// stall the evaluation, and it accepts what Go accepts (`(?i)`, no lookaround).
import { RE2JS } from 're2js';
import type { Environment } from '@marcbachmann/cel-js';

const cache = new Map<string, RE2JS>();
const CACHE_SIZE = 500;

export function compileRe2(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (!re) {
    try {
      re = RE2JS.compile(pattern);
    } catch (error) {
      throw new Error(
        `invalid regular expression "${pattern}": ${(error as Error).message}`,
      );
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(pattern, re);
  }
  return re;
}

/** The name the built-in (JavaScript RegExp) `matches` is rewritten to before evaluation. */
export const RE2_MATCHES = 'matchesRE2';

function findAll(text: string, pattern: string, limit: number): string[] {
  const matcher = compileRe2(pattern).matcher(text);
  const out: string[] = [];
  let from = 0;
  while (
    (limit < 0 || out.length < limit) &&
    from <= text.length &&
    matcher.find(from)
  ) {
    out.push(matcher.group() ?? '');
    from =
      matcher.end() === matcher.start() ? matcher.end() + 1 : matcher.end();
  }
  return out;
}

export function registerRegex(env: Environment): void {
  env
    .registerFunction(
      `string.${RE2_MATCHES}(string): bool`,
      (s: string, p: string) => compileRe2(p).matcher(s).find(),
    )
    .registerFunction(
      `${RE2_MATCHES}(string, string): bool`,
      (s: string, p: string) => compileRe2(p).matcher(s).find(),
    )
    .registerFunction(
      'string.find(string): string',
      (s: string, p: string) => findAll(s, p, 1)[0] ?? '',
    )
    .registerFunction(
      'string.findAll(string): list<string>',
      (s: string, p: string) => findAll(s, p, -1),
    )
    .registerFunction(
      'string.findAll(string, int): list<string>',
      (s: string, p: string, n: bigint) => findAll(s, p, Number(n)),
    );
}
