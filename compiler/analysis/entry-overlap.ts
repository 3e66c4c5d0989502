// Entries of one list that add nothing: an exact duplicate, or an entry inside a wider one
// (a /32 inside a /24, a subdomain under a domain suffix). Matching has no order (any
// entry that matches decides), so the narrower entry is the redundant one wherever it is.

import { AddressSet } from './address-set.js';

export type OverlapEntry<T> = { value: T } & ({ kind: 'cidr'; cidr: string } | { kind: 'domain'; domain: string });

export interface Overlap<T> {
  kind: 'duplicate' | 'shadowed';
  /** The redundant entry. */
  entry: OverlapEntry<T>;
  /** The entry that already covers it. */
  by: OverlapEntry<T>;
}

export function findOverlaps<T>(entries: readonly OverlapEntry<T>[]): Overlap<T>[] {
  const sets = entries.map((e) => (e.kind === 'cidr' ? AddressSet.fromCidr(e.cidr) : undefined));
  const found: Overlap<T>[] = [];
  entries.forEach((entry, i) => {
    for (let j = 0; j < entries.length; j++) {
      if (j === i) continue;
      const other = entries[j]!;
      const relation = compare(entry, sets[i], other, sets[j]);
      // Equal entries: the later one is the duplicate.
      if (relation === 'equal' && j < i) {
        found.push({ kind: 'duplicate', entry, by: other });
        return;
      }
      if (relation === 'inside') {
        found.push({ kind: 'shadowed', entry, by: other });
        return;
      }
    }
  });
  return found;
}

function compare<T>(a: OverlapEntry<T>, aSet: AddressSet | undefined, b: OverlapEntry<T>, bSet: AddressSet | undefined): 'equal' | 'inside' | 'other' {
  if (a.kind === 'cidr' && b.kind === 'cidr') {
    if (aSet!.equals(bSet!)) return 'equal';
    return aSet!.difference(bSet!).isEmpty() ? 'inside' : 'other';
  }
  if (a.kind === 'domain' && b.kind === 'domain') {
    if (a.domain === b.domain) return 'equal';
    return a.domain.endsWith(`.${b.domain}`) ? 'inside' : 'other';
  }
  return 'other';
}
