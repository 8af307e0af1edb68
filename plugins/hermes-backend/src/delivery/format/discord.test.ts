import { escapeDiscord, formatDiscord, renderDiscordLine } from './discord';
import { hostileReport } from '../../__testUtils__/deliveryReports';

describe('Discord Markdown', () => {
  it.each([
    ['*bold* cannot become bold', '*bold*', '\\*bold\\*'],
    ['**bold** cannot become bold', '**b**', '\\*\\*b\\*\\*'],
    ['_italic_ cannot become italic', '_it_', '\\_it\\_'],
    ['`code` cannot become code', '`c`', '\\`c\\`'],
    ['~~strike~~ cannot strike through', '~~s~~', '\\~\\~s\\~\\~'],
    ['||spoiler|| cannot hide text', '||s||', '\\|\\|s\\|\\|'],
    ['<@123> cannot mention a user', '<@123>', '\\<@123\\>'],
    [
      '[x](url) cannot become a masked link',
      '[x](https://e.x)',
      '\\[x\\]\\(https://e.x\\)',
    ],
    ['a backslash stays a backslash', 'C:\\dir', 'C:\\\\dir'],
    ['> mid-line is left alone', 'a > b', 'a \\> b'],
  ])('escaping: %s', (_name, input, expected) => {
    expect(escapeDiscord(input)).toBe(expected);
  });

  it.each([
    ['# at line start cannot become a heading', '# big', '\\# big'],
    ['- at line start cannot become a list', '- item', '\\- item'],
    ['1. at line start cannot become a numbered list', '1. item', '1\\. item'],
  ])('escaping at line start: %s', (_name, input, expected) => {
    expect(renderDiscordLine([{ text: input }])).toBe(expected);
    // The same text later in a line needs no line-start escape.
    expect(renderDiscordLine([{ text: 'x ' }, { text: input }])).not.toContain(
      expected,
    );
  });

  it.each([
    [
      'bold uses double asterisks',
      [{ text: 'T', style: 'bold' as const }],
      '**T**',
    ],
    [
      'code keeps its text as written',
      [{ text: 'a*b_c', style: 'code' as const }],
      '`a*b_c`',
    ],
    [
      'code containing a backtick falls back to escaped text',
      [{ text: 'a`b', style: 'code' as const }],
      'a\\`b',
    ],
    [
      'a link is [label](<url>), which also stops the preview',
      [{ text: 'open', href: 'https://p.example/x' }],
      '[open](<https://p.example/x>)',
    ],
  ])('rendering: %s', (_name, line, expected) => {
    expect(renderDiscordLine(line)).toBe(expected);
  });

  it('shows hostile report text literally', () => {
    const [text] = formatDiscord(hostileReport());
    expect(text).toContain(
      '\\<script\\>alert\\(1\\)\\</script\\> \\*bold\\* \\_it\\_ \\~strike\\~ \\`code\\`',
    );
  });
});
