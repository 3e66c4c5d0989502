// The IPv4 map's cells: the 256 /8s on a 16 × 16 Hilbert grid, each split into quarters
// (two prefix bits, a square half as wide) until every cell is one category. The cells of
// a category are therefore exactly its set, whatever the prefixes of the policy: tests
// add them up against the analysis.

import { formatAddress, type AddressSet, type Interval } from '../../net/address-set.js';
import { CATEGORIES, type Category } from './categories.js';
import { hilbertPoint } from './hilbert.js';

export interface Cell {
  /** `10.0.0.0/8` */
  cidr: string;
  /** The first address: the one the map asks runtime/policy about for its hover text. */
  first: string;
  category: Category;
  /** Position and width in units of the whole map (0…1). */
  x: number;
  y: number;
  size: number;
}

/** The map starts at /8 cells: the granularity of the Internet's allocations. */
const TOP_PREFIX = 8;

export function ipv4Cells(sets: Record<Category, AddressSet>): Cell[] {
  const cells: Cell[] = [];
  const split = (first: bigint, prefix: number): void => {
    const last = first + (1n << BigInt(32 - prefix)) - 1n;
    const category = CATEGORIES.find((c) => containsInterval(sets[c].intervals(4), first, last));
    if (category === undefined) {
      // Mixed: the four quarters. A /32 is never mixed, since the categories partition the space.
      const quarter = 1n << BigInt(30 - prefix);
      for (let i = 0n; i < 4n; i++) split(first + i * quarter, prefix + 2);
      return;
    }
    const side = 2 ** (prefix / 2);
    const { x, y } = hilbertPoint(side, Number(first >> BigInt(32 - prefix)));
    cells.push({ cidr: `${formatAddress(first, 4)}/${prefix}`, first: formatAddress(first, 4), category, x: x / side, y: y / side, size: 1 / side });
  };
  for (let i = 0n; i < 256n; i++) split(i << 24n, TOP_PREFIX);
  return cells;
}

/**
 * The IPv6 space in words: the category that holds the most of it is the background
 * ("everything else"), and the blocks of every other category are listed. A deny-list then
 * lists what it refuses, an allow-list what it admits: the prefixes the policy names.
 */
export function ipv6Blocks(sets: Record<Category, AddressSet>): { background: Category; blocks: { cidr: string; category: Category }[] } {
  const background = CATEGORIES.reduce((most, c) => (sets[c].size(6) > sets[most].size(6) ? c : most), 'refused' as Category);
  const blocks = CATEGORIES.filter((c) => c !== background).flatMap((category) =>
    sets[category]
      .toCidrs()
      .filter((cidr) => cidr.includes(':'))
      .map((cidr) => ({ cidr, category })),
  );
  return { background, blocks };
}

/** Is [first, last] inside one interval of the sorted, disjoint list? */
function containsInterval(intervals: readonly Interval[], first: bigint, last: bigint): boolean {
  let low = 0;
  let high = intervals.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const interval = intervals[mid]!;
    if (interval.last < first) low = mid + 1;
    else if (interval.first > first) high = mid - 1;
    else return interval.last >= last;
  }
  return false;
}
