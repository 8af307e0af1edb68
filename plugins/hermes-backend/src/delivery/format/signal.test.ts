import { formatSignal, renderSignalLine } from './signal';
import { HOSTILE, hostileReport } from '../../__testUtils__/deliveryReports';

describe('Signal plain text', () => {
  it.each([
    ['styles add no characters', [{ text: 'T', style: 'bold' as const }], 'T'],
    ['hostile text is shown as written', [{ text: HOSTILE }], HOSTILE],
    [
      'a link with a label shows its URL after the label',
      [{ text: 'runbook', href: 'https://p.example/r' }],
      'runbook (https://p.example/r)',
    ],
    [
      'a bare link is shown once',
      [{ text: 'https://p.example/r', href: 'https://p.example/r' }],
      'https://p.example/r',
    ],
  ])('%s', (_name, line, expected) => {
    expect(renderSignalLine(line)).toBe(expected);
  });

  it('keeps hostile report text as written, without entities or escapes', () => {
    const [text] = formatSignal(hostileReport());
    expect(text).toContain(`Task ${HOSTILE}`);
    expect(text).not.toMatch(/&lt;|\\\*/);
  });
});
