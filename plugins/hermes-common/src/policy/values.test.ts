import { matchesScalarPattern } from './values';

// Expected results follow Kyverno's documented pattern semantics
// (https://kyverno.io/docs/writing-policies/validate/#patterns): wildcards, operators,
// ranges, and comparison as duration, then quantity, then string.
describe('matchesScalarPattern', () => {
  it.each([
    // wildcards
    ['nginx:1.27', 'nginx:*', true],
    ['nginx', 'nginx:*', false],
    ['nginx:1.27', 'nginx:1.2?', true],
    ['nginx:1.270', 'nginx:1.2?', false],
    ['anything', '*', true],
    ['', '*', true],
    [undefined, '*', false],
    ['x', '?*', true],
    ['', '?*', false],
    [undefined, '?*', false],
    // negation
    ['nginx:latest', '!*:latest', false],
    ['nginx:1.27', '!*:latest', true],
    // alternatives and conjunctions
    ['pytorch', 'sklearn | xgboost | pytorch', true],
    ['tensorflow', 'sklearn | xgboost | pytorch', false],
    [5, '>1 & <10', true],
    [12, '>1 & <10', false],
    [3, '<2 | >2', true],
    [2, '<2 | >2', false],
    // numbers
    [3, '>2', true],
    [2, '>2', false],
    [2, '>=2', true],
    [2, '<=1', false],
    ['3', '>2', true],
    [3, 3, true],
    ['3', 3, true],
    [3.5, 3, false],
    // quantities
    ['2Gi', '>1Gi', true],
    ['512Mi', '<=1Gi', true],
    ['1024Mi', '1Gi', true],
    ['1500m', '>1', true],
    ['250m', '>=500m', false],
    // durations before quantities
    ['90s', '>1m', true],
    ['30s', '>1m', false],
    ['1h', '>=60m', true],
    // ranges
    [5, '1-10', true],
    [11, '1-10', false],
    ['1Gi', '512Mi-2Gi', true],
    [5, '1!-10', false],
    [11, '1!-10', true],
    // ordering operators need comparable values
    ['abc', '>2', false],
    // booleans and null
    [true, true, true],
    [false, true, false],
    ['true', true, false],
    [undefined, null, true],
    ['', null, true],
    ['x', null, false],
  ])('%j against %j is %s', (value, pattern, expected) => {
    expect(matchesScalarPattern(value, pattern)).toBe(expected);
  });
});
