import { parseDuration, parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['a plain number', '2', 2],
    ['a trailing dot', '2.', 2],
    ['a fraction', '.5', 0.5],
    ['milli', '500m', 0.5],
    ['binary suffix', '2Gi', 2 * 2 ** 30],
    ['exponent', '1e3', 1000],
    ['signed decimal', '-1.5k', -1500],
    ['not a quantity', '2 Gi', undefined],
    ['two dots', '1.2.3', undefined],
  ])('%s', (_, text, expected) => {
    expect(parseQuantity(text)).toBe(expected);
  });

  it('refuses a long run of digits with a bad suffix in linear time', () => {
    const started = performance.now();
    expect(parseQuantity(`${'1'.repeat(60_000)}x`)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('parseDuration', () => {
  it.each([
    ['hours and minutes', '1h30m', 5_400_000],
    ['milliseconds before seconds', '300ms', 300],
    ['a fraction', '1.5s', 1500],
    ['negative', '-2s', -2000],
    ['a bare zero', '0', 0],
    ['a bare number', '5', undefined],
    ['a unit alone', 'ms', undefined],
  ])('%s', (_, text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it('refuses a long almost-duration in linear time', () => {
    const started = performance.now();
    expect(parseDuration(`${'11m'.repeat(28)}!`)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(500);
  });
});
