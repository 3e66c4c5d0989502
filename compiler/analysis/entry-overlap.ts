// Entries of one list that add nothing: an exact duplicate, or an entry inside a wider one
// (a /32 inside a /24, a subdomain under a domain suffix). Matching has no order (any
// entry that matches decides), so the narrower entry is the redundant one wherever it is.
//
// Lists reach 100,000 entries and the editor re-checks on every keystroke, so comparing
// every pair is out of the question. Instead each entry gets a key, and the entries that
// cover it have exactly the keys of its "ancestors": a CIDR block is covered only by the
// blocks whose network bits are a prefix of its own, a domain only by its parent domains.
// One map from key to first index answers "who covers this?" with a few look-ups per entry.

import { parseAddress, parseCidr } from '../../runtime/net/ip.js';

export type OverlapEntry<T> = { value: T } & ({ kind: 'cidr'; cidr: string } | { kind: 'domain'; domain: string });

export interface Overlap<T> {
  kind: 'duplicate' | 'shadowed';
  /** The redundant entry. */
  entry: OverlapEntry<T>;
  /** The entry that already covers it: the first one in the list when several do. */
  by: OverlapEntry<T>;
}

export function findOverlaps<T>(entries: readonly OverlapEntry<T>[], keys: KeyCache = new KeyCache()): Overlap<T>[] {
  const keyList = entries.map((e) => keys.of(e));
  const firstIndex = new Map<string, number>();
  // Only prefix lengths that occur in the list can cover anything: usually two or three.
  const prefixes = { 4: new Set<number>(), 6: new Set<number>() };
  keyList.forEach((key, i) => {
    if (!firstIndex.has(key.exact)) firstIndex.set(key.exact, i);
    if (key.kind === 'cidr') prefixes[key.family].add(key.bits.length);
  });
  const sortedPrefixes = { 4: [...prefixes[4]].sort((a, b) => a - b), 6: [...prefixes[6]].sort((a, b) => a - b) };
  const found: Overlap<T>[] = [];
  entries.forEach((entry, i) => {
    const key = keyList[i]!;
    // The first covering entry in list order: an earlier equal one, or any wider one.
    const same = firstIndex.get(key.exact)!;
    let by = same < i ? same : -1;
    let kind: Overlap<T>['kind'] = 'duplicate';
    const consider = (wider: string) => {
      const j = firstIndex.get(wider);
      if (j !== undefined && (by < 0 || j < by)) {
        by = j;
        kind = 'shadowed';
      }
    };
    if (key.kind === 'domain') {
      // `a.b.c` sits under `b.c` and `c`: the text after each dot.
      for (let dot = key.domain.indexOf('.'); dot >= 0; dot = key.domain.indexOf('.', dot + 1)) consider(`d:${key.domain.slice(dot + 1)}`);
    } else {
      for (const prefix of sortedPrefixes[key.family]) {
        if (prefix >= key.bits.length) break;
        consider(cidrKey(key.family, key.bits.slice(0, prefix)));
      }
    }
    if (by >= 0) found.push({ kind, entry, by: entries[by]! });
  });
  return found;
}

export type EntryKey = { exact: string } & ({ kind: 'domain'; domain: string } | { kind: 'cidr'; family: 4 | 6; bits: string });

const cidrKey = (family: 4 | 6, bits: string) => `c${family}:${bits}`;

/**
 * Keys by entry text. The same entries are checked in their list and again in every server
 * that uses the list: one cache for one policy parses each of them once.
 */
export class KeyCache {
  private readonly cidrs = new Map<string, EntryKey>();

  of<T>(entry: OverlapEntry<T>): EntryKey {
    if (entry.kind === 'domain') return { kind: 'domain', domain: entry.domain, exact: `d:${entry.domain}` };
    let key = this.cidrs.get(entry.cidr);
    if (key === undefined) {
      const { family, bits } = networkBits(entry.cidr);
      key = { kind: 'cidr', family, bits, exact: cidrKey(family, bits) };
      this.cidrs.set(entry.cidr, key);
    }
    return key;
  }
}

const IPV4_NETWORK = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})(?:\/(0|[1-9]\d?))?$/;

/** The network bits of `10.0.0.0/8` ("00001010"), or of a single address (all its bits). */
function networkBits(text: string): { family: 4 | 6; bits: string } {
  const v4 = IPV4_NETWORK.exec(text);
  if (v4) {
    // The common case, read directly: normal IPv4 text as the compiler writes it.
    const prefix = v4[5] === undefined ? 32 : Number(v4[5]);
    let bits = '';
    for (let i = 1; i <= 4; i++) bits += (Number(v4[i]) | 256).toString(2).slice(1);
    // Host bits set (10.1.2.3/8) fall away with the slice, as parseCidr clears them.
    if (prefix <= 32 && [1, 2, 3, 4].every((i) => Number(v4[i]) <= 255)) return { family: 4, bits: bits.slice(0, prefix) };
  }
  const cidr = text.includes('/') ? parseCidr(text) : undefined;
  const address = cidr ?? (() => {
    const parsed = parseAddress(text);
    if (!parsed || parsed.text.includes('%')) throw new Error(`not an address or CIDR range: '${text}'`);
    return { family: parsed.family, bytes: parsed.bytes, prefix: parsed.bytes.length * 8 };
  })();
  let bits = '';
  for (const byte of address.bytes) bits += (byte | 256).toString(2).slice(1);
  return { family: address.family, bits: bits.slice(0, address.prefix) };
}
