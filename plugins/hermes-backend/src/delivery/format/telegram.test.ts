import { formatTelegram, renderTelegramLine } from './telegram';
import { hostileReport, longReport } from '../../__testUtils__/deliveryReports';

/** Telegram rejects a message whose tags do not nest or close: this checks each part alone. */
function tagsBalanced(html: string): boolean {
  const open: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    if (!m[1]) open.push(m[2]);
    else if (open.pop() !== m[2]) return false;
  }
  return open.length === 0;
}

describe('Telegram HTML', () => {
  it.each([
    [
      '<script> is text, not a tag',
      [{ text: '<script>x</script>' }],
      '&lt;script&gt;x&lt;/script&gt;',
    ],
    ['& is an entity', [{ text: 'a & b' }], 'a &amp; b'],
    ['bold is <b>', [{ text: 'T', style: 'bold' as const }], '<b>T</b>'],
    ['italic is <i>', [{ text: 'T', style: 'italic' as const }], '<i>T</i>'],
    [
      'code is <code>, escaped inside',
      [{ text: 'a<b', style: 'code' as const }],
      '<code>a&lt;b</code>',
    ],
    [
      'a link escapes quotes and & in its href',
      [{ text: 'open', href: 'https://p.example/?a="1"&b=2' }],
      '<a href="https://p.example/?a=&quot;1&quot;&amp;b=2">open</a>',
    ],
    [
      '*bold* markup of other platforms stays text',
      [{ text: '*bold*' }],
      '*bold*',
    ],
  ])('%s', (_name, line, expected) => {
    expect(renderTelegramLine(line)).toBe(expected);
  });

  it('has no tag from hostile report text, only its own', () => {
    const [html] = formatTelegram(hostileReport());
    const tags = [...html.matchAll(/<\/?([a-z]+)/g)].map(m => m[1]);
    // `code` is the summary's Markdown `code` span: the summary is read as Markdown.
    expect(new Set(tags)).toEqual(new Set(['b', 'i', 'a', 'code']));
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(tagsBalanced(html)).toBe(true);
  });

  it('never leaves a tag open or split at a part boundary', () => {
    // Bold lines longer than a part force breaks inside a styled span.
    const report = longReport(10_000);
    report.title = `${'Very long bold title & <more> '.repeat(200)}`;
    const parts = formatTelegram(report, { limit: 1000, maxParts: 100 });
    expect(parts.length).toBeGreaterThan(10);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(1000);
      expect(tagsBalanced(part)).toBe(true);
      // No entity cut in half: every & starts a whole entity.
      expect(part).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
    }
  });
});
