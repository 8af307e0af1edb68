import { evaluateExpression } from './variables';

const context = {
  image: 'docker.io/nginx:1.27',
  email: 'ann@corp',
  meta: { name: 'x' },
};

// Kyverno runs these with Go's regexp package (RE2 syntax and Go's replacement rules).
describe('Kyverno regex functions', () => {
  it.each([
    ['regex_match finds a match anywhere', "regex_match('ngin', image)", true],
    ['regex_match honours anchors', "regex_match('^nginx', image)", false],
    ['regex_match takes a number', "regex_match('^[0-9]+$', `42`)", true],
    [
      'RE2 named groups in Go syntax',
      "regex_replace_all('(?P<user>[a-z]+)@', email, '${user}.')",
      'ann.corp',
    ],
    [
      'replacements expand $1 and ${2}',
      "regex_replace_all('([a-z]+)@([a-z]+)', email, '${2}/$1')",
      'corp/ann',
    ],
    [
      'a $name takes every letter, digit and underscore after it',
      "regex_replace_all('([a-z]+)', 'ann', '$1x')",
      '',
    ],
    ['$$ is a dollar sign', "regex_replace_all('a', 'a', '$$1')", '$1'],
    [
      'an empty match right after a match is skipped',
      "regex_replace_all('a*', 'baaac', 'X')",
      'XbXcX',
    ],
    [
      'the literal variant expands nothing',
      "regex_replace_all_literal('[0-9]', 'a1b2', '$1')",
      'a$1b$1',
    ],
    [
      'replace_all with an empty old string inserts around every character',
      "replace_all('abc', '', '-')",
      '-a-b-c-',
    ],
  ])('%s', (_, expression, expected) => {
    expect(evaluateExpression(expression, context)).toEqual(expected);
  });

  it.each([
    ['a lookahead', "regex_match('(?=a)b', image)", '(?=a)b'],
    ['a backreference', "regex_replace_all('(a)\\1', image, 'x')", '(a)\\1'],
  ])(
    'names a pattern with %s, which RE2 does not have',
    (_, expression, pattern) => {
      expect(() => evaluateExpression(expression, context)).toThrow(
        `"${pattern}" is not a valid RE2 regular expression`,
      );
    },
  );

  it('refuses a pattern too long to compile quickly', () => {
    expect(() =>
      evaluateExpression(
        `regex_match('${'(a|b)'.repeat(20_000)}', image)`,
        context,
      ),
    ).toThrow(
      'regex_match: a pattern of 100000 characters is over the limit of 16384',
    );
  });

  it('runs a pattern that backtracks catastrophically in linear time', () => {
    const started = performance.now();
    expect(
      evaluateExpression(`regex_match('^(a+)+$', '${'a'.repeat(27)}!')`, {}),
    ).toBe(false);
    expect(
      evaluateExpression(
        `regex_replace_all('(a|aa)+b', '${'a'.repeat(5000)}', 'x')`,
        {},
      ),
    ).toBe('a'.repeat(5000));
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('semver_compare', () => {
  it('reads a long range with spaces in linear time', () => {
    const started = performance.now();
    expect(
      evaluateExpression(
        `semver_compare('1.2.3', '${' '.repeat(100_000)}>=1.0.0 x')`,
        {},
      ),
    ).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('JMESPath size limits', () => {
  it.each([
    ['a doubling list', `@${' | [@,@]'.repeat(30)} | length(@)`],
    [
      'a flattened doubling list',
      `[@]${' | [@,@] | []'.repeat(25)} | length(@)`,
    ],
    ['a padded string', "pad_left('x', `20000000`)"],
    [
      'a joined string',
      "join(pad_left('y', `100000`), map(&'x', [@,@,@,@,@,@,@,@,@,@] | [@,@,@,@,@,@,@,@,@,@][] | [@,@,@][]))",
    ],
  ])('refuses %s that outgrows the limit', (_, expression) => {
    expect(() => evaluateExpression(expression, context)).toThrow(
      /larger than the limit/,
    );
  });

  it('keeps a __proto__ key of the data as data when merging', () => {
    const data = JSON.parse(
      '{"a": {"__proto__": {"polluted": true}}, "b": {"x": 1}}',
    );
    const merged = evaluateExpression('merge(a, b)', data) as object;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['__proto__', 'x']);
  });

  it('refuses a multiselect hash key that would set a prototype', () => {
    expect(() => evaluateExpression('{__proto__: meta}', context)).toThrow(
      'JMESPath key "__proto__" is refused',
    );
  });

  it('reads only own fields, as Go maps have no inherited keys', () => {
    expect(() => evaluateExpression('constructor', context)).toThrow(
      'no such field',
    );
    expect(() => evaluateExpression('meta.__proto__', context)).toThrow(
      'no such field',
    );
  });
});
