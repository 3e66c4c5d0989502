// An address list entry's network as a string of bits: a key whose prefixes are exactly the
// keys of the networks that contain it, so "who covers this entry?" is a few map look-ups
// (compiler/analysis/entry-overlap.ts) instead of comparing every pair of 100,000 entries.
//
// The key is the family's digit, then the network bits ("100001010" for 10.0.0.0/8, "2…"
// for IPv6): keys of the two families never share a prefix, and for IPv4 the binary text of
// one number is the whole key, so each key is one flat string of its own. Built by
// concatenation it was a rope (or a slice) keeping two or three strings alive per entry,
// and a 50 MB policy has millions of entries.
import { parseNetwork } from './ip.js';

/** The key of `10.0.0.0/8` ("100001010"), or of a single address (the digit, then all its bits). */
export function networkKey(text: string): string {
  const v4 = ipv4NetworkKey(text);
  if (v4 !== undefined) return v4;
  const address = parseNetwork(text);
  if (address === undefined) throw new Error(`not an address or CIDR range: '${text}'`);
  // Array.join makes one flat string (not a chain of concatenations).
  const bits = [String(address.family === 4 ? 1 : 2)];
  for (let i = 0; i < address.prefix; i++) bits.push(String(((address.bytes[i >> 3] as number) >> (7 - (i & 7))) & 1));
  return bits.join('');
}

/**
 * The common case, read character by character: normal IPv4 text as the compiler writes it
 * (`10.1.2.3`, `10.0.0.0/8`, no leading zeros). Undefined for anything else, which then goes
 * through the general parser. Host bits set (10.1.2.3/8) fall away, as parseCidr clears them.
 */
function ipv4NetworkKey(text: string): string | undefined {
  let value = 0;
  let i = 0;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (text.charCodeAt(i) !== 0x2e /* . */) return undefined;
      i++;
    }
    const n = decimalAt(text, i, 3);
    if (n === undefined || n.value > 255) return undefined;
    value = value * 256 + n.value;
    i = n.end;
  }
  let prefix = 32;
  if (i < text.length) {
    if (text.charCodeAt(i) !== 0x2f /* / */) return undefined;
    const n = decimalAt(text, i + 1, 2);
    if (n === undefined || n.end !== text.length || n.value > 32) return undefined;
    prefix = n.value;
  }
  // The network's top `prefix` bits, after a 1: a number below 2^33, exact in a double.
  return (2 ** prefix + Math.floor(value / 2 ** (32 - prefix))).toString(2);
}

/** A decimal number of at most `maxDigits` digits without a leading zero, starting at `start`. */
function decimalAt(text: string, start: number, maxDigits: number): { value: number; end: number } | undefined {
  let value = 0;
  let i = start;
  while (i < text.length && i - start < maxDigits + 1) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
    i++;
  }
  const digits = i - start;
  if (digits === 0 || digits > maxDigits || (digits > 1 && text.charCodeAt(start) === 0x30)) return undefined;
  return { value, end: i };
}
