import { escapeSlack, formatSlack, renderSlackLine } from './slack';
import { HOSTILE, hostileReport } from '../../__testUtils__/deliveryReports';

describe('Slack mrkdwn', () => {
  it.each([
    ['<script> cannot become markup', '<script>', '&lt;script&gt;'],
    ['<!channel> cannot mention everyone', '<!channel>', '&lt;!channel&gt;'],
    ['& is written as an entity', 'a & b', 'a &amp; b'],
    [
      'a link in text cannot become a link',
      '<https://evil.example|click>',
      '&lt;https://evil.example|click&gt;',
    ],
    ['*bold* cannot become bold', '*bold*', '*\u200Bbold*\u200B'],
    ['_italic_ cannot become italic', '_it_', '_\u200Bit_\u200B'],
    ['~strike~ cannot strike through', '~s~', '~\u200Bs~\u200B'],
    ['`code` cannot become code', '`c`', '`\u200Bc`\u200B'],
  ])('escaping: %s', (_name, input, expected) => {
    expect(escapeSlack(input)).toBe(expected);
  });

  it.each([
    [
      'bold uses single asterisks',
      [{ text: 'Title', style: 'bold' as const }],
      '*Title*',
    ],
    [
      'whitespace stays outside the markers, where Slack reads them',
      [{ text: ' Who: ', style: 'bold' as const }],
      ' *Who:* ',
    ],
    [
      'a link is <url|label>, with | and > in the URL encoded',
      [{ text: 'open | here', href: 'https://p.example/a?x=1&y=|>' }],
      '<https://p.example/a?x=1&amp;y=%7C%3E|open ¦ here>',
    ],
    [
      'user text inside bold is escaped too',
      [{ text: '<b> *x*', style: 'bold' as const }],
      '*&lt;b&gt; *\u200Bx*\u200B*',
    ],
  ])('rendering: %s', (_name, line, expected) => {
    expect(renderSlackLine(line)).toBe(expected);
  });

  it('leaves no raw < or > from hostile report text, only its own link', () => {
    const [text] = formatSlack(hostileReport());
    const outsideLinks = text.replace(/<https:\/\/[^|<>]+\|[^<>]*>/g, '');
    expect(outsideLinks).not.toMatch(/[<>]/);
    expect(text).not.toContain(HOSTILE);
    expect(text).toContain(
      '<https://portal.example.com/hermes/tasks/t-1/runs/r-1?a=1&amp;b=%3C2%3E|',
    );
  });
});
