import { searchTerms } from './searchTerms';

describe('searchTerms', () => {
  it('keeps words of letters and digits, lower-cased, without stop words, at most max', () => {
    expect(
      searchTerms('Why did the "Kyverno" policy-controller crash? (v1.12)', 12),
    ).toEqual(['kyverno', 'policy', 'controller', 'crash', 'v1', '12']);
    expect(searchTerms('Größe ÄNDERN', 12)).toEqual(['größe', 'ändern']);
    expect(
      searchTerms(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '), 12),
    ).toHaveLength(12);
    expect(searchTerms('" * : ( ) & | ! \' -- ; the a', 12)).toEqual([]);
  });

  it('drops words no full-text query could use: single letters and over 64 characters', () => {
    expect(searchTerms(`x ${'y'.repeat(65)} ok please`, 12)).toEqual(['ok']);
  });
});
