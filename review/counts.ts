// How many addresses a set holds, in words a reviewer reads at a glance: exact (IPv6 sets
// are bigints far beyond Number), grouped by thousands, and IPv6 sizes that are a power of
// two also as one (2^96 says "a /32" faster than 79,228,162,514,264,337,593,543,950,336).

import type { AddressSet } from '../net/address-set.js';

export interface Counts {
  ipv4: bigint;
  ipv6: bigint;
}

export function countsOf(set: AddressSet): Counts {
  return { ipv4: set.size(4), ipv6: set.size(6) };
}

/** `16,777,216`: digits grouped by three, the same on every machine (no locale). */
export function groupDigits(value: bigint): string {
  const digits = value.toString();
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Above 2^32 (IPv6 sizes): `2^96` for a power of two, `2^128 − 2^88` for everything but one
 * block, else the grouped digits. Always exact.
 */
export function describeCount(value: bigint): string {
  if (value <= 1n << 32n) return groupDigits(value);
  if (isPowerOfTwo(value)) return `2^${log2(value)}`;
  const above = 1n << BigInt(log2(value) + 1);
  if (isPowerOfTwo(above - value)) return `2^${log2(above)} − 2^${log2(above - value)}`;
  return groupDigits(value);
}

function isPowerOfTwo(value: bigint): boolean {
  return value > 0n && (value & (value - 1n)) === 0n;
}

/** The position of the highest set bit. */
function log2(value: bigint): number {
  return value.toString(2).length - 1;
}

/** `16,777,216 IPv4 + 2^80 IPv6 addresses`, leaving out a family the set has none of. */
export function describeCounts(counts: Counts): string {
  const parts = [
    ...(counts.ipv4 > 0n ? [`${describeCount(counts.ipv4)} IPv4`] : []),
    ...(counts.ipv6 > 0n ? [`${describeCount(counts.ipv6)} IPv6`] : []),
  ];
  if (parts.length === 0) return '0 addresses';
  const total = counts.ipv4 + counts.ipv6;
  return `${parts.join(' + ')} address${total === 1n ? '' : 'es'}`;
}
