/**
 * Decodes UTF-8. Invalid bytes are read as U+FFFD, as everywhere, but not silently: the
 * warning names `source` and the byte offset where the first invalid sequence starts.
 */
export function decodeUtf8(
  bytes: Uint8Array,
  source: string,
): { text: string; warning?: string } {
  // Both decoders keep a byte order mark, as Node's own decoding does, so offsets stay exact.
  // They are made here, not on import: some test environments of the frontend lack them.
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
        bytes,
      ),
    };
  } catch {
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const encoder = new TextEncoder();
    // Everything before a replacement character decoded from valid bytes, so re-encoding it
    // gives its length in bytes; a U+FFFD that was in the input (EF BF BD) is skipped.
    let offset = 0;
    let from = 0;
    let at = text.indexOf('\ufffd');
    while (at >= 0) {
      offset += encoder.encode(text.slice(from, at)).length;
      const genuine =
        bytes[offset] === 0xef &&
        bytes[offset + 1] === 0xbf &&
        bytes[offset + 2] === 0xbd;
      if (!genuine) break;
      offset += 3;
      from = at + 1;
      at = text.indexOf('\ufffd', from);
    }
    return {
      text,
      warning: `${source}: invalid UTF-8 at byte ${offset}; read as U+FFFD`,
    };
  }
}
