// Sets of IP addresses as sorted, disjoint, non-adjacent intervals, one list per family.
// Connection lists and relay grants become sets, and questions like "who can connect AND
// relay without logging in, and is any of them on the public Internet?" become set
// algebra, exact for any mix of ranges (no sampling, no guessing from the text).
//
// Addresses are bigints so that IPv4 (32 bits) and IPv6 (128 bits) share one code path.

import { addressFromBytes, parseAddress, parseNetwork } from './ip.js';

export type Family = 4 | 6;

/** An inclusive range of addresses [first, last]. */
export interface Interval {
  first: bigint;
  last: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };
const maxOf = (family: Family): bigint => (1n << BigInt(BITS[family])) - 1n;

export class AddressSet {
  private constructor(
    readonly v4: readonly Interval[],
    readonly v6: readonly Interval[],
  ) {}

  static readonly EMPTY = new AddressSet([], []);
  static readonly ALL = new AddressSet([{ first: 0n, last: maxOf(4) }], [{ first: 0n, last: maxOf(6) }]);

  /** `10.0.0.0/8`, `2001:db8::/32` or a single address. Throws on text that is neither. */
  static fromCidr(text: string): AddressSet {
    const address = parseNetwork(text);
    if (address === undefined) throw new Error(`not an address or CIDR range: '${text}'`);
    const first = bytesToBigint(address.bytes);
    const hostBits = BigInt(BITS[address.family] - address.prefix);
    const interval = { first, last: first + (1n << hostBits) - 1n };
    return address.family === 4 ? new AddressSet([interval], []) : new AddressSet([], [interval]);
  }

  static fromCidrs(texts: Iterable<string>): AddressSet {
    // One sort of all the intervals: a union per entry re-sorts the growing set each time,
    // quadratic for the 100,000-entry lists a policy may hold.
    const sets = [...texts].map((text) => AddressSet.fromCidr(text));
    return new AddressSet(normalize(sets.flatMap((s) => s.v4)), normalize(sets.flatMap((s) => s.v6)));
  }

  intervals(family: Family): readonly Interval[] {
    return family === 4 ? this.v4 : this.v6;
  }

  isEmpty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  /** Number of addresses of one family in the set. */
  size(family: Family): bigint {
    return this.intervals(family).reduce((sum, i) => sum + (i.last - i.first + 1n), 0n);
  }

  has(address: string): boolean {
    const parsed = parseAddress(address);
    if (!parsed) return false;
    const value = bytesToBigint(parsed.bytes);
    return this.intervals(parsed.family).some((i) => i.first <= value && value <= i.last);
  }

  union(other: AddressSet): AddressSet {
    return new AddressSet(normalize([...this.v4, ...other.v4]), normalize([...this.v6, ...other.v6]));
  }

  intersect(other: AddressSet): AddressSet {
    return new AddressSet(intersectIntervals(this.v4, other.v4), intersectIntervals(this.v6, other.v6));
  }

  difference(other: AddressSet): AddressSet {
    return this.intersect(other.complement());
  }

  complement(): AddressSet {
    return new AddressSet(complementIntervals(this.v4, maxOf(4)), complementIntervals(this.v6, maxOf(6)));
  }

  equals(other: AddressSet): boolean {
    const same = (a: readonly Interval[], b: readonly Interval[]) =>
      a.length === b.length && a.every((x, i) => x.first === b[i]!.first && x.last === b[i]!.last);
    return same(this.v4, other.v4) && same(this.v6, other.v6);
  }

  /** The smallest list of CIDR blocks that covers exactly this set, IPv4 first. */
  toCidrs(): string[] {
    const out: string[] = [];
    for (const family of [4, 6] as const) {
      for (const interval of this.intervals(family)) out.push(...intervalToCidrs(interval, family));
    }
    return out;
  }

  /** The first and last address of every interval: where off-by-one mistakes live. */
  boundaries(): string[] {
    const out: string[] = [];
    for (const family of [4, 6] as const) {
      for (const i of this.intervals(family)) out.push(formatAddress(i.first, family), formatAddress(i.last, family));
    }
    return out;
  }
}

export function bytesToBigint(bytes: readonly number[]): bigint {
  return bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/** The normal text form of an address (IPv6 compressed, IPv4-mapped as IPv4), as parseAddress writes it. */
export function formatAddress(value: bigint, family: Family): string {
  const bytes: number[] = [];
  for (let i = BITS[family] / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return addressFromBytes(bytes);
}

function normalize(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: Interval[] = [];
  for (const interval of sorted) {
    const last = out.at(-1);
    // Adjacent intervals merge too, so equal sets always have equal representations.
    if (last && interval.first <= last.last + 1n) {
      if (interval.last > last.last) out[out.length - 1] = { first: last.first, last: interval.last };
    } else {
      out.push({ ...interval });
    }
  }
  return out;
}

function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const first = x.first > y.first ? x.first : y.first;
    const last = x.last < y.last ? x.last : y.last;
    if (first <= last) out.push({ first, last });
    if (x.last < y.last) i++;
    else j++;
  }
  return out;
}

function complementIntervals(intervals: readonly Interval[], max: bigint): Interval[] {
  const out: Interval[] = [];
  let next = 0n;
  for (const interval of intervals) {
    if (interval.first > next) out.push({ first: next, last: interval.first - 1n });
    next = interval.last + 1n;
  }
  if (next <= max) out.push({ first: next, last: max });
  return out;
}

function intervalToCidrs(interval: Interval, family: Family): string[] {
  const out: string[] = [];
  const bits = BITS[family];
  let first = interval.first;
  while (first <= interval.last) {
    // The largest aligned block that starts at `first` and does not pass `last`.
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const blockMask = (1n << BigInt(next)) - 1n;
      if ((first & blockMask) !== 0n || first + blockMask > interval.last) break;
      size = next;
    }
    out.push(`${formatAddress(first, family)}/${bits - size}`);
    first += 1n << BigInt(size);
  }
  return out;
}
