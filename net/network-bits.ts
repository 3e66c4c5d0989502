// An address list entry's network as a key whose "prefixes" are exactly the keys of the
// networks that contain it, so "who covers this entry?" is a few map look-ups
// (compiler/analysis/entry-overlap.ts) instead of comparing every pair of 100,000 entries.
//
// IPv4: a number, 2^prefix + the network's top `prefix` bits (a 1, then the bits, read in
// binary: 10.0.0.0/8 is 0b100001010); the key of the /q network around it is the key
// divided by 2^(prefix - q), rounded down. IPv6: the string of its network bits, whose
// prefixes are the keys around it. A number needs no string at all (at most a 16-byte
// heap number), and a 50 MB policy has millions of entries whose keys stay cached.
import { parseNetwork } from './ip.js';

export type NetworkKey = number | string;

/** The key of `10.0.0.0/8` (0b100001010), or of a single address (a 1, then all its bits). */
export function networkKey(text: string): NetworkKey {
  const v4 = ipv4NetworkKey(text);
  if (v4 !== undefined) return v4;
  const address = parseNetwork(text);
  if (address === undefined) throw new Error(`not an address or CIDR range: '${text}'`);
  const { bytes, prefix } = address;
  if (address.family === 4) return ipv4Key(((bytes[0]! * 256 + bytes[1]!) * 256 + bytes[2]!) * 256 + bytes[3]!, prefix);
  // Array.join makes one flat string (not a chain of concatenations).
  const bits: string[] = [];
  for (let i = 0; i < prefix; i++) bits.push(String(((bytes[i >> 3] as number) >> (7 - (i & 7))) & 1));
  return bits.join('');
}

/** How many network bits a key holds (its prefix length). */
export function keyPrefixLength(key: NetworkKey): number {
  if (typeof key === 'string') return key.length;
  // 2^n <= key < 2^(n+1); log2 of a whole number below 2^33 is never off by more than one.
  let n = Math.floor(Math.log2(key));
  if (2 ** n > key) n--;
  else if (2 ** (n + 1) <= key) n++;
  return n;
}

/** The key of the network of `length` bits around the network of `key` (length below its own). */
export function widerKey(key: NetworkKey, length: number): NetworkKey {
  return typeof key === 'string' ? key.slice(0, length) : Math.floor(key / 2 ** (keyPrefixLength(key) - length));
}

/** 2^prefix + the top `prefix` bits of a 32-bit address: below 2^33, exact in a double. */
function ipv4Key(address: number, prefix: number): number {
  return 2 ** prefix + Math.floor(address / 2 ** (32 - prefix));
}

/**
 * The common case, read character by character: normal IPv4 text as the compiler writes it
 * (`10.1.2.3`, `10.0.0.0/8`, no leading zeros). Undefined for anything else, which then goes
 * through the general parser. Host bits set (10.1.2.3/8) fall away, as parseCidr clears them.
 */
function ipv4NetworkKey(text: string): number | undefined {
  const quad = dottedQuadAt(text);
  if (quad === undefined) return undefined;
  let prefix = 32;
  if (quad.end < text.length) {
    if (text.charCodeAt(quad.end) !== 0x2f /* / */) return undefined;
    const n = decimalAt(text, quad.end + 1, 2);
    if (n === undefined || n.end !== text.length || n.value > 32) return undefined;
    prefix = n.value;
  }
  return ipv4Key(quad.value, prefix);
}

/**
 * The key of an IPv4 network written as a dotted quad alone (a parsed value's `network`) and
 * its prefix length; undefined for anything else (an IPv6 network). Computed, never cached:
 * a few character codes cost less than hashing the string to find a cached key.
 */
export function ipv4NetworkKeyOf(network: string, prefix: number): number | undefined {
  const quad = dottedQuadAt(network);
  if (quad === undefined || quad.end !== network.length || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  return ipv4Key(quad.value, prefix);
}

/** Four decimal octets separated by dots at the start of `text`: their value and where they end. */
function dottedQuadAt(text: string): { value: number; end: number } | undefined {
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
  return { value, end: i };
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
