import { estimateTokens } from '@hermes-backstage/plugin-hermes-common';
import { renderSkillIndex } from './prompt';

describe('renderSkillIndex', () => {
  it('shortens descriptions at a word and keeps one line per skill', () => {
    const text = renderSkillIndex(
      [
        { name: 'a', description: 'short\n  and  sweet' },
        { name: 'b', description: `${'word '.repeat(100)}end` },
      ],
      { descriptionChars: 40 },
    );
    expect(text).toBe(
      '- a: short and sweet\n- b: word word word word word word word word…',
    );
  });

  it('stops at 1,500 tokens however many skills are offered', () => {
    const entries = Array.from({ length: 500 }, (_, i) => ({
      name: `runbook-${i}`,
      description: `What to do when ${'the autoscaler drifts '.repeat(40)}`,
    }));
    const text = renderSkillIndex(entries);
    expect(estimateTokens(text)).toBeLessThanOrEqual(1500);
    expect(estimateTokens(text)).toBeGreaterThan(1300);
    expect(text.split('\n')[0]).toMatch(
      /^- runbook-0: What to do when the autoscaler/,
    );
  });
});
