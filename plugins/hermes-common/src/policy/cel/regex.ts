// Regular expressions with RE2 semantics, as Kubernetes CEL has them: `matches`, and the
// regex library's `find` / `findAll`. RE2JS runs in linear time, so a hostile pattern cannot
// stall the evaluation, and it accepts what Go accepts (`(?i)`, no lookaround).
import { RE2JS } from 're2js';
import type { Environment } from '@marcbachmann/cel-js';
import { spend } from '../limits';

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

// Results of `matches` for short texts, per pattern: the same images and names are matched
// against the same patterns for every resource and rule of a check.
const matched = new Map<string, Map<string, boolean>>();
const MATCHED_PATTERNS = 50;
const MATCHED_TEXTS = 500;
const MATCHED_TEXT_LENGTH = 256;

/** Matching is linear in the text; long texts count for more of the rule's budget. */
function matches(text: string, pattern: string): boolean {
  spend(text.length >> 6);
  if (text.length > MATCHED_TEXT_LENGTH)
    return compileRe2(pattern).matcher(text).find();
  let results = matched.get(pattern);
  const known = results?.get(text);
  if (known !== undefined) return known;
  const result = compileRe2(pattern).matcher(text).find();
  if (!results) {
    if (matched.size >= MATCHED_PATTERNS)
      matched.delete(matched.keys().next().value!);
    results = new Map();
    matched.set(pattern, results);
  }
  if (results.size >= MATCHED_TEXTS)
    results.delete(results.keys().next().value!);
  results.set(text, result);
  return result;
}

function findAll(text: string, pattern: string, limit: number): string[] {
  spend(text.length >> 6);
  const matcher = compileRe2(pattern).matcher(text);
  const out: string[] = [];
  let from = 0;
  while (
    (limit < 0 || out.length < limit) &&
    from <= text.length &&
    matcher.find(from)
  ) {
    out.push(matcher.group() ?? '');
    spend();
    from =
      matcher.end() === matcher.start() ? matcher.end() + 1 : matcher.end();
  }
  return out;
}

export function registerRegex(env: Environment): void {
  env
    .registerFunction(`string.${RE2_MATCHES}(string): bool`, matches)
    .registerFunction(`${RE2_MATCHES}(string, string): bool`, matches)
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
