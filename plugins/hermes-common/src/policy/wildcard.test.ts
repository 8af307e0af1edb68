import { wildcardMatch } from './wildcard';

// Kyverno's wildcard.Match: `*` is any run of characters, `?` exactly one rune, everything
// else literal; a pattern matches the whole value.
describe('wildcardMatch', () => {
  it.each([
    ['a lone star matches anything', '*', 'nginx:1.27', true],
    ['a lone star matches the empty value', '*', '', true],
    ['an empty pattern matches only the empty value', '', '', true],
    ['an empty pattern does not match text', '', 'a', false],
    ['text without wildcards must be equal', 'nginx', 'nginx', true],
    ['text without wildcards is not a prefix match', 'nginx', 'nginx2', false],
    ['a trailing star may match nothing', 'bucket/oo*', 'bucket/oo', true],
    ['a trailing star is not an infix', 'bucket/In*', 'bucket/K/India', false],
    [
      'stars stretch over separators',
      'b/In*/Ka*/Ban',
      'b/India/Goa/Karnataka/Area1/Ban',
      true,
    ],
    [
      'the text may not run on past the last literal',
      'b/In*/Ka*/Ban',
      'b/India/Karnataka/Bangalore',
      false,
    ],
    [
      'a later literal may repeat the last one',
      'b/In*/Ka*/Ban',
      'b/India/Karnataka/Ban/Ban',
      true,
    ],
    ['a question mark needs a character', 'my-?-bucket', 'my--bucket', false],
    ['a question mark takes one character', 'my-?-bucket', 'my-1-bucket', true],
    ['question marks count exactly', 'abc????', 'abcde', false],
    ['question marks at the end', 'abc????', 'abcdefg', true],
    ['a question mark after a star needs one more', 'mnop*?', 'mnop', false],
    ['a star then a question mark', 'mnop*?', 'mnopq', true],
    ['a star, a question mark and a literal', 'mnop*?and', 'mnopqand', true],
    ['the star may be empty but not the mark', 'mnop*?and', 'mnopand', false],
    ['a question mark takes a whole emoji', 'a?c', 'a😀c', true],
    ['an emoji is one character, not two', '??', '😀', false],
    ['a star and a mark around an emoji', '*?', '😀', true],
    ['matching is case-sensitive', 'Nginx*', 'nginx:1', false],
    ['a dot is literal', 'a.c', 'abc', false],
    ['regex characters are literal', '(a+)[b]*', '(a+)[b]cd', true],
    ['newlines are ordinary characters', 'a*b', 'a\n\nb', true],
    ['stars in a row act as one', 'a**b', 'ab', true],
    ['the head must match at the start', 'x*', 'ax', false],
    ['head and tail may not overlap', 'ab*ba', 'aba', false],
  ])('%s', (_, pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  it.each([
    ['*/*/*:*', '/'.repeat(5000)],
    ['*a*a*a*a*a*a*a*a*a*a*b*', 'a'.repeat(100_000)],
    ['*a?a?a?a?a?a?a?c*', 'a'.repeat(100_000)],
  ])(
    'matches %s against a long value without backtracking',
    (pattern, value) => {
      const started = performance.now();
      expect(wildcardMatch(pattern, value)).toBe(false);
      expect(performance.now() - started).toBeLessThan(500);
    },
  );
});
