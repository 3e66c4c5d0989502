// Decodes a policy file's bytes as UTF-8 and says where they were not UTF-8. Node's own
// decoding puts U+FFFD in place of invalid bytes without a word, which would turn a Latin-1
// path or name into a different one and let `fmt` or `lint --fix` write the damage back.
// Each invalid sequence (WHATWG "maximal subpart": the longest prefix of a valid sequence,
// or one byte) still becomes one U+FFFD, so offsets match any other decoder's text.

export interface InvalidUtf8 {
  /** Offset of the U+FFFD in the decoded text (UTF-16 units). */
  offset: number;
  /** The bytes it replaces. */
  bytes: number[];
}

export interface DecodedText {
  text: string;
  invalid: InvalidUtf8[];
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Length of the valid sequence starting at `i`, or of its longest valid prefix, negated. */
function sequenceAt(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  let needed: number;
  let low = 0x80;
  let high = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) needed = 1;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    needed = 2;
    if (b0 === 0xe0) low = 0xa0;
    if (b0 === 0xed) high = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    needed = 3;
    if (b0 === 0xf0) low = 0x90;
    if (b0 === 0xf4) high = 0x8f;
  } else return -1;
  for (let k = 1; k <= needed; k++) {
    const b = bytes[i + k];
    if (b === undefined || b < low || b > high) return -k;
    low = 0x80;
    high = 0xbf;
  }
  return needed + 1;
}

export function decodeUtf8(bytes: Uint8Array): DecodedText {
  const text = decoder.decode(bytes);
  // the common case: valid, one native pass
  if (!text.includes('\ufffd')) return { text, invalid: [] };
  const invalid: InvalidUtf8[] = [];
  let offset = 0;
  for (let i = 0; i < bytes.length; ) {
    const length = sequenceAt(bytes, i);
    if (length > 0) {
      offset += length === 4 ? 2 : 1;
      i += length;
    } else {
      invalid.push({ offset, bytes: [...bytes.subarray(i, i - length)] });
      offset += 1;
      i += -length;
    }
  }
  return { text, invalid };
}
