import { decodeUtf8 } from './text';

const bytes = (...parts: Array<string | number[]>) =>
  new Uint8Array(
    parts.flatMap(p =>
      typeof p === 'string' ? [...new TextEncoder().encode(p)] : p,
    ),
  );

describe('decodeUtf8', () => {
  it('decodes valid UTF-8 without a warning, keeping a byte order mark and a real U+FFFD', () => {
    expect(
      decodeUtf8(bytes([0xef, 0xbb, 0xbf], 'name: café \ufffd ✓'), 'a.yaml'),
    ).toEqual({ text: '\ufeffname: café \ufffd ✓' });
  });

  it.each([
    ['a stray continuation byte', bytes('kind: x', [0x80], '\n'), 7],
    ['a sequence cut short by the end', bytes('a: b', [0xe2, 0x82]), 4],
    ['a sequence cut short by ASCII', bytes('a: ', [0xe2], 'x'), 3],
    ['an overlong encoding', bytes('a: ', [0xc0, 0x80]), 3],
    ['an encoded surrogate', bytes([0xed, 0xa0, 0x80]), 0],
    ['Latin-1 after multi-byte characters', bytes('é€😀: ', [0xe9]), 11],
    ['a bad byte after a real U+FFFD', bytes('\ufffd', [0xff]), 3],
  ])('names the file and the byte offset of %s', (_, input, offset) => {
    const { text, warning } = decodeUtf8(input, 'apps/shop/cm.yaml');
    expect(warning).toBe(
      `apps/shop/cm.yaml: invalid UTF-8 at byte ${offset}; read as U+FFFD`,
    );
    expect(text).toContain('\ufffd');
  });
});
