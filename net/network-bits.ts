// An address list entry's network as a string of bits ("00001010" for 10.0.0.0/8): a key
// whose prefixes are exactly the keys of the networks that contain it, so "who covers this
// entry?" is a few map look-ups (compiler/analysis/entry-overlap.ts) instead of comparing
// every pair of 100,000 entries.
import { parseNetwork } from './ip.js';

/** The network bits of `10.0.0.0/8` ("00001010"), or of a single address (all its bits). */
export function networkBits(text: string): { family: 4 | 6; bits: string } {
  const v4 = ipv4NetworkBits(text);
  if (v4 !== undefined) return { family: 4, bits: v4 };
  const address = parseNetwork(text);
  if (address === undefined) throw new Error(`not an address or CIDR range: '${text}'`);
  let bits = '';
  for (const byte of address.bytes) bits += (byte | 256).toString(2).slice(1);
  return { family: address.family, bits: bits.slice(0, address.prefix) };
}

/**
 * The common case, read character by character: normal IPv4 text as the compiler writes it
 * (`10.1.2.3`, `10.0.0.0/8`, no leading zeros). Undefined for anything else, which then goes
 * through the general parser. Host bits set (10.1.2.3/8) fall away, as parseCidr clears them.
 */
function ipv4NetworkBits(text: string): string | undefined {
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
  return value.toString(2).padStart(32, '0').slice(0, prefix);
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
