// Entries of one list that add nothing: an exact duplicate, or an entry inside a wider one
// (a /32 inside a /24, a subdomain under a domain suffix). Matching has no order (any
// entry that matches decides), so the narrower entry is the redundant one wherever it is.
//
// Lists reach 100,000 entries and the editor re-checks on every keystroke, so comparing
// every pair is out of the question. Instead each entry gets a key, and the entries that
// cover it have exactly the keys of its "ancestors": a CIDR block is covered only by the
// blocks whose network bits are a prefix of its own, a domain only by its parent domains.
// One map from key to first index answers "who covers this?" with a few look-ups per entry.

import { ipv4NetworkKeyOf, keyPrefixLength, networkKey, widerKey, type NetworkKey } from '../../net/network-bits.js';

export type OverlapEntry<T> = { value: T } & (
  | { kind: 'cidr'; cidr: string }
  | { kind: 'domain'; domain: string }
  /** A network whose key the caller already has (KeyCache.ofNetwork, from a parsed value). */
  | { kind: 'keyed'; key: NetworkKey }
);

export interface Overlap<T> {
  kind: 'duplicate' | 'shadowed';
  /** The redundant entry. */
  entry: OverlapEntry<T>;
  /** The entry that already covers it: the first one in the list when several do. */
  by: OverlapEntry<T>;
}

/**
 * A network's key (net/network-bits.ts): a number for IPv4, a string of bits for IPv6. Not
 * an object holding one: the cache keeps a key per entry of a policy with millions of them.
 */
export type { NetworkKey };

export function findOverlaps<T>(entries: readonly OverlapEntry<T>[], keys: KeyCache = new KeyCache()): Overlap<T>[] {
  // A domain's key is its name; a network's, its NetworkKey. Two maps from key to first
  // index, as a name and an IPv6 key may be spelt alike.
  const keyList = entries.map((e): NetworkKey => (e.kind === 'domain' ? e.domain : e.kind === 'keyed' ? e.key : keys.ofCidr(e.cidr)));
  const firstDomain = new Map<string, number>();
  const firstNetwork = new Map<NetworkKey, number>();
  // Only prefix lengths that occur in the list can cover anything: usually two or three.
  // Per family: IPv4 keys are numbers, IPv6 keys strings.
  const lengths = { number: new Set<number>(), string: new Set<number>() };
  keyList.forEach((key, i) => {
    if (entries[i]!.kind === 'domain') {
      if (!firstDomain.has(key as string)) firstDomain.set(key as string, i);
      return;
    }
    if (!firstNetwork.has(key)) firstNetwork.set(key, i);
    lengths[typeof key === 'number' ? 'number' : 'string'].add(keyPrefixLength(key));
  });
  const sortedLengths = { number: [...lengths.number].sort((a, b) => a - b), string: [...lengths.string].sort((a, b) => a - b) };
  const found: Overlap<T>[] = [];
  entries.forEach((entry, i) => {
    const key = keyList[i]!;
    // The first covering entry in list order: an earlier equal one, or any wider one.
    const same = entry.kind === 'domain' ? firstDomain.get(key as string)! : firstNetwork.get(key)!;
    let by = same < i ? same : -1;
    let kind: Overlap<T>['kind'] = 'duplicate';
    const consider = (j: number | undefined) => {
      if (j !== undefined && (by < 0 || j < by)) {
        by = j;
        kind = 'shadowed';
      }
    };
    if (entry.kind === 'domain') {
      // `a.b.c` sits under `b.c` and `c`: the text after each dot.
      const domain = key as string;
      for (let dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) consider(firstDomain.get(domain.slice(dot + 1)));
    } else {
      const own = keyPrefixLength(key);
      for (const length of sortedLengths[typeof key === 'number' ? 'number' : 'string']) {
        if (length >= own) break;
        consider(firstNetwork.get(widerKey(key, length)));
      }
    }
    if (by >= 0) found.push({ kind, entry, by: entries[by]! });
  });
  return found;
}

/**
 * Network keys by entry text. The same entries are checked in their list and again in every
 * server that uses the list, and the editor checks the same entries again on every
 * keystroke: the process-wide cache (`sharedKeys`) parses each of them once, whatever the
 * number of checks. It holds one key (a string) per IPv6 entry and per entry text asked
 * for with ofCidr; IPv4 networks' keys are computed each time (ofNetwork).
 */
export class KeyCache {
  private readonly cidrs = new Map<string, NetworkKey>();

  /** Bounds memory in a long-lived process (a language server): starts over when full. */
  constructor(private readonly maxSize = Infinity) {}

  // IPv6 networks by prefix length, then network text.
  private readonly networks = new Map<number, Map<string, NetworkKey>>();

  /**
   * The key of `network/prefix` (a parsed CidrValue's fields). An IPv4 key is computed, not
   * cached: an entry's parsed value, and so its network string, is made anew on each read
   * (grammar/cidr-entry-node.ts), and a cache keyed by those strings held a copy of every
   * entry's text (32 bytes each, up to a million of them) for nothing.
   */
  ofNetwork(network: string, prefix: number): NetworkKey {
    const v4 = ipv4NetworkKeyOf(network, prefix);
    if (v4 !== undefined) return v4;
    let byNetwork = this.networks.get(prefix);
    if (byNetwork === undefined) {
      byNetwork = new Map();
      this.networks.set(prefix, byNetwork);
    }
    let key = byNetwork.get(network);
    if (key === undefined) {
      if (byNetwork.size >= this.maxSize) byNetwork.clear();
      // Not through ofCidr: its cache by entry text would hold a second entry per network.
      key = networkKey(`${network}/${prefix}`);
      byNetwork.set(network, key);
    }
    return key;
  }

  /** The key of an address or range as written (`10.0.0.0/8`, `2001:db8::1`). */
  ofCidr(cidr: string): NetworkKey {
    let key = this.cidrs.get(cidr);
    if (key === undefined) {
      if (this.cidrs.size >= this.maxSize) this.cidrs.clear();
      key = networkKey(cidr);
      this.cidrs.set(cidr, key);
    }
    return key;
  }
}

/** Keys are pure functions of the entry text, so one cache serves every check of the process. */
export const sharedKeys = new KeyCache(1 << 20);
