// A binary trie over address bits, one root per family, built once per config. A lookup
// returns the longest matching prefix; two entries for the same network keep the first
// (policy order).
//
// Nodes live in one flat Int32Array, four slots each (child on 0, child on 1, entry index,
// unused) rather than objects: 100,000 entries make millions of nodes, and a node that sits
// in one 16-byte slot costs one cache line per step of a lookup instead of three.
//
// A big trie also gets an index, built lazily on the first lookup after an insert: the
// chain of bits every entry of the family shares (2001:db8:: in an IPv6 list of /48s) is
// compared in one go, and the next 16 bits select, from a table of 65,536 slots, the node
// reached and the most specific entry passed on the way. Walking 16 levels of a trie of
// 100,000 random networks meant 16 scattered memory reads per lookup; the table is one.
import { bitAt, type IpFamily } from './ip.js';

const NONE = -1;
const SLOTS = 4; // per node: [child on 0, child on 1, entry index, unused]
const ENTRY = 2;
const TABLE_BITS = 16;
/** Below this many nodes a family's trie stays cache-resident and walking it is as fast as the table. */
const INDEX_MIN_NODES = 4096;
/**
 * Nodes a new trie has room for; it doubles as entries come. A policy compiles four
 * matchers per server, most of them empty or small: a 50 MB policy of 20,000 servers spent
 * over a gigabyte on room for 1,024 nodes each when this was the starting size.
 */
const INITIAL_NODES = 16;

export interface TrieMatch<T> {
  value: T;
  prefix: number;
}

/** How lookups of one family start: the shared chain, then (for big tries) the 16-bit table. */
interface FamilyIndex {
  /** Bits every address must share with the entries before any entry can match. */
  chainBits: number;
  /** Those bits, in 32-bit words (the rest of the last word is zero). */
  chain: Uint32Array;
  /** The node at depth chainBits. */
  base: number;
  /** Pairs [node at depth chainBits + 16 or NONE, best entry at depth ≤ chainBits + 16]; null: walk from base. */
  table: Int32Array | null;
}

export class CidrTrie<T> {
  #nodes: Int32Array = new Int32Array(INITIAL_NODES * SLOTS).fill(NONE);
  #count = 2; // node 0 is the IPv4 root, node 1 the IPv6 root
  readonly #familyNodes = [0, 0]; // nodes created under each root, for the index threshold
  // Values and prefixes in parallel arrays: a lookup reads the matched value straight away,
  // without a wrapper object (one scattered memory read fewer when the lists are big).
  readonly #values: T[] = [];
  readonly #prefixes: number[] = [];
  #v4: FamilyIndex | null = null;
  #v6: FamilyIndex | null = null;
  /** Scratch for an address as 32-bit words: lookups are synchronous, so one per trie suffices. */
  readonly #words = new Uint32Array(4);

  /** Entries inserted (a duplicate network counts once). */
  get size(): number {
    return this.#values.length;
  }

  /** Adds the network `bytes/prefix`; `bytes` beyond the prefix are ignored. */
  insert(family: IpFamily, bytes: readonly number[], prefix: number, value: T): void {
    let node = family === 4 ? 0 : 1;
    for (let i = 0; i < prefix; i++) {
      const slot = node * SLOTS + bitAt(bytes, i);
      let child = this.#nodes[slot]!;
      if (child === NONE) {
        child = this.#newNode();
        this.#familyNodes[family === 4 ? 0 : 1]!++;
        // #newNode may have grown the array: write through the current one.
        this.#nodes[slot] = child;
      }
      node = child;
    }
    if (this.#nodes[node * SLOTS + ENTRY] === NONE) {
      this.#nodes[node * SLOTS + ENTRY] = this.#values.length;
      this.#values.push(value);
      this.#prefixes.push(prefix);
    }
    if (family === 4) this.#v4 = null;
    else this.#v6 = null;
  }

  /** The most specific network containing the address, or undefined. */
  lookup(family: IpFamily, bytes: readonly number[]): TrieMatch<T> | undefined {
    const best = this.#lookupIndex(family, bytes);
    return best === NONE ? undefined : { value: this.#values[best]!, prefix: this.#prefixes[best]! };
  }

  /** The value of the most specific network containing the address, or undefined. */
  lookupValue(family: IpFamily, bytes: readonly number[]): T | undefined {
    const best = this.#lookupIndex(family, bytes);
    return best === NONE ? undefined : this.#values[best];
  }

  #lookupIndex(family: IpFamily, bytes: readonly number[]): number {
    const words = this.#words;
    const count = family === 4 ? 1 : 4;
    for (let w = 0; w < count; w++) {
      words[w] = ((bytes[4 * w]! << 24) | (bytes[4 * w + 1]! << 16) | (bytes[4 * w + 2]! << 8) | bytes[4 * w + 3]!) >>> 0;
    }
    const index = family === 4 ? (this.#v4 ??= this.#buildIndex(0, 32)) : (this.#v6 ??= this.#buildIndex(1, 128));
    return this.#find(index, words, family === 4 ? 32 : 128);
  }

  #find(index: FamilyIndex, words: Uint32Array, bits: number): number {
    const nodes = this.#nodes;
    const chainBits = index.chainBits;
    // The chain holds no entry: an address off it matches nothing.
    for (let w = 0; w * 32 < chainBits; w++) {
      const kept = Math.min(32, chainBits - w * 32);
      const mask = kept === 32 ? 0xffffffff : ~(0xffffffff >>> kept) >>> 0;
      if (((words[w]! & mask) >>> 0) !== index.chain[w]) return NONE;
    }
    let node = index.base;
    let best = nodes[node * SLOTS + ENTRY]!;
    let depth = chainBits;
    if (index.table !== null) {
      const slot = bitsAt(words, chainBits, TABLE_BITS);
      node = index.table[2 * slot]!;
      best = index.table[2 * slot + 1]!;
      depth = chainBits + TABLE_BITS;
    }
    for (; node !== NONE && depth < bits; depth++) {
      node = nodes[node * SLOTS + ((words[depth >>> 5]! >>> (31 - (depth & 31))) & 1)]!;
      if (node === NONE) break;
      const found = nodes[node * SLOTS + ENTRY]!;
      if (found !== NONE) best = found;
    }
    return best;
  }

  #buildIndex(root: number, bits: number): FamilyIndex {
    const nodes = this.#nodes;
    const chain = new Uint32Array(bits / 32);
    let node = root;
    let depth = 0;
    while (depth < bits && nodes[node * SLOTS + ENTRY] === NONE) {
      const zero = nodes[node * SLOTS]!;
      const one = nodes[node * SLOTS + 1]!;
      if ((zero === NONE) === (one === NONE)) break; // a branch, or a leaf without entry (empty family)
      if (one !== NONE) chain[depth >>> 5] = (chain[depth >>> 5]! | (1 << (31 - (depth & 31)))) >>> 0;
      node = one !== NONE ? one : zero;
      depth++;
    }
    const big = this.#familyNodes[root]! >= INDEX_MIN_NODES && depth + TABLE_BITS <= bits;
    const table = big ? new Int32Array(2 << TABLE_BITS) : null;
    if (table !== null) this.#fillTable(table, node, 0, 0, NONE);
    return { chainBits: depth, chain, base: node, table };
  }

  /** Fills the table slots under `node` (at `level` bits below the base, path `path`). */
  #fillTable(table: Int32Array, node: number, level: number, path: number, bestAbove: number): void {
    const entry = this.#nodes[node * SLOTS + ENTRY]!;
    const best = entry !== NONE ? entry : bestAbove;
    if (level === TABLE_BITS) {
      table[2 * path] = node;
      table[2 * path + 1] = best;
      return;
    }
    for (let bit = 0; bit < 2; bit++) {
      const child = this.#nodes[node * SLOTS + bit]!;
      const childPath = (path << 1) | bit;
      if (child !== NONE) {
        this.#fillTable(table, child, level + 1, childPath, best);
        continue;
      }
      // No node below: every slot under this path ends here, with the best entry so far.
      const span = 1 << (TABLE_BITS - level - 1);
      for (let slot = childPath * span; slot < (childPath + 1) * span; slot++) {
        table[2 * slot] = NONE;
        table[2 * slot + 1] = best;
      }
    }
  }

  #newNode(): number {
    if (this.#count * SLOTS === this.#nodes.length) {
      const bigger = new Int32Array(this.#nodes.length * 2).fill(NONE);
      bigger.set(this.#nodes);
      this.#nodes = bigger;
    }
    return this.#count++;
  }
}

/** `count` (≤ 32) bits of the address starting at bit `from`, as an unsigned number. */
function bitsAt(words: Uint32Array, from: number, count: number): number {
  const word = from >>> 5;
  const offset = from & 31;
  let value = (words[word]! << offset) >>> 0;
  if (offset + count > 32) value = (value | (words[word + 1]! >>> (32 - offset))) >>> 0;
  return value >>> (32 - count);
}
