// Entries of one list that add nothing: an exact duplicate, or an entry inside a wider one
// (a /32 inside a /24, a subdomain under a domain suffix). Matching has no order (any
// entry that matches decides), so the narrower entry is the redundant one wherever it is.
//
// Lists reach 100,000 entries and the editor re-checks on every keystroke, so comparing
// every pair is out of the question. Instead each entry gets a key, and the entries that
// cover it have exactly the keys of its "ancestors": a CIDR block is covered only by the
// blocks whose network bits are a prefix of its own, a domain only by its parent domains.
// One map from key to first index answers "who covers this?" with a few look-ups per entry.

import { networkKey } from '../../net/network-bits.js';

export type OverlapEntry<T> = { value: T } & (
  | { kind: 'cidr'; cidr: string }
  | { kind: 'domain'; domain: string }
  /** An entry whose key the caller already has (KeyCache.ofNetwork, from a parsed value). */
  | { kind: 'keyed'; key: EntryKey }
);

export interface Overlap<T> {
  kind: 'duplicate' | 'shadowed';
  /** The redundant entry. */
  entry: OverlapEntry<T>;
  /** The entry that already covers it: the first one in the list when several do. */
  by: OverlapEntry<T>;
}

export function findOverlaps<T>(entries: readonly OverlapEntry<T>[], keys: KeyCache = new KeyCache()): Overlap<T>[] {
  const keyList = entries.map((e) => (e.kind === 'keyed' ? e.key : keys.of(e)));
  // The first index of each key, a map per kind of key: domains by name, networks by their
  // bit key (net/network-bits.ts) per family. The keys are the entries' own strings, so the
  // maps add no string per entry.
  const firstDomain = new Map<string, number>();
  const firstNetwork = { 4: new Map<string, number>(), 6: new Map<string, number>() };
  // Only prefix lengths that occur in the list can cover anything: usually two or three.
  // Counted as key lengths (a network's key is a 1, then its prefix bits).
  const keyLengths = { 4: new Set<number>(), 6: new Set<number>() };
  keyList.forEach((key, i) => {
    const first = key.kind === 'domain' ? firstDomain : firstNetwork[key.family];
    const exact = key.kind === 'domain' ? key.domain : key.bits;
    if (!first.has(exact)) first.set(exact, i);
    if (key.kind === 'cidr') keyLengths[key.family].add(key.bits.length);
  });
  const sortedLengths = { 4: [...keyLengths[4]].sort((a, b) => a - b), 6: [...keyLengths[6]].sort((a, b) => a - b) };
  const found: Overlap<T>[] = [];
  entries.forEach((entry, i) => {
    const key = keyList[i]!;
    const first = key.kind === 'domain' ? firstDomain : firstNetwork[key.family];
    // The first covering entry in list order: an earlier equal one, or any wider one.
    const same = first.get(key.kind === 'domain' ? key.domain : key.bits)!;
    let by = same < i ? same : -1;
    let kind: Overlap<T>['kind'] = 'duplicate';
    const consider = (wider: string) => {
      const j = first.get(wider);
      if (j !== undefined && (by < 0 || j < by)) {
        by = j;
        kind = 'shadowed';
      }
    };
    if (key.kind === 'domain') {
      // `a.b.c` sits under `b.c` and `c`: the text after each dot.
      for (let dot = key.domain.indexOf('.'); dot >= 0; dot = key.domain.indexOf('.', dot + 1)) consider(key.domain.slice(dot + 1));
    } else {
      for (const length of sortedLengths[key.family]) {
        if (length >= key.bits.length) break;
        consider(key.bits.slice(0, length));
      }
    }
    if (by >= 0) found.push({ kind, entry, by: entries[by]! });
  });
  return found;
}

/**
 * What an entry is compared by. `bits`: a network's key from net/network-bits.ts (a 1, then
 * its prefix bits): the keys of the networks that contain it are exactly its prefixes.
 */
export type EntryKey = { kind: 'domain'; domain: string } | { kind: 'cidr'; family: 4 | 6; bits: string };

/**
 * Keys by entry text. The same entries are checked in their list and again in every server
 * that uses the list, and the editor checks the same entries again on every keystroke: the
 * process-wide cache (`sharedKeys`) parses each of them once, whatever the number of checks.
 * A key is one object and one flat string: a 50 MB policy has millions of entries, and the
 * keys stay cached until the process ends.
 */
export class KeyCache {
  private readonly cidrs = new Map<string, EntryKey>();
  private readonly domains = new Map<string, EntryKey>();

  /** Bounds memory in a long-lived process (a language server): starts over when full. */
  constructor(private readonly maxSize = Infinity) {}

  // By network text, then prefix length: the network string of a parsed entry is the same
  // object from one check to the next, so looking it up costs no new string and no hashing.
  private readonly networks = new Map<number, Map<string, EntryKey>>();

  /** The key of `network/prefix` (a parsed CidrValue's fields). */
  ofNetwork(network: string, prefix: number): EntryKey {
    let byNetwork = this.networks.get(prefix);
    if (byNetwork === undefined) {
      byNetwork = new Map();
      this.networks.set(prefix, byNetwork);
    }
    let key = byNetwork.get(network);
    if (key === undefined) {
      if (byNetwork.size >= this.maxSize) byNetwork.clear();
      // Not through `of`: its cache by entry text would hold a second key per entry.
      const { family, key: bits } = networkKey(`${network}/${prefix}`);
      key = { kind: 'cidr', family, bits };
      byNetwork.set(network, key);
    }
    return key;
  }

  of<T>(entry: OverlapEntry<T>): EntryKey {
    if (entry.kind === 'keyed') return entry.key;
    if (entry.kind === 'domain') {
      let key = this.domains.get(entry.domain);
      if (key === undefined) {
        if (this.domains.size >= this.maxSize) this.domains.clear();
        key = { kind: 'domain', domain: entry.domain };
        this.domains.set(entry.domain, key);
      }
      return key;
    }
    let key = this.cidrs.get(entry.cidr);
    if (key === undefined) {
      if (this.cidrs.size >= this.maxSize) this.cidrs.clear();
      const { family, key: bits } = networkKey(entry.cidr);
      key = { kind: 'cidr', family, bits };
      this.cidrs.set(entry.cidr, key);
    }
    return key;
  }
}

/** Keys are pure functions of the entry text, so one cache serves every check of the process. */
export const sharedKeys = new KeyCache(1 << 20);
